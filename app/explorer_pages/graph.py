"""Graph: an interactive, offline pyvis view of the neighbourhood of a department, task or document."""
import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import relation_name, t, type_name
from policykg.graph.subgraph import Selection, select
from policykg.graph.view import RELATION_NAMES, node_caption, node_details, render_html

DEFAULT_RELATIONS = [r for r in RELATION_NAMES if r not in ("IN_JURISDICTION", "HAS_FUNCTION")]

st.title(t("page_graph"))
graph = data.attempt(data.graph)
ch = data.attempt(data.choices)
if data.show_failure(graph) or data.show_failure(ch):
    st.stop()
if not graph.nodes:
    st.info(t("no_data"))
    st.stop()

# A node chosen elsewhere (?node=ID in the address, or "centre on this node" below) becomes the centre.
asked = st.query_params.get("node")
if asked and asked != st.session_state.get("graph_asked") and asked in graph.nodes:
    st.session_state["graph_asked"] = asked
    st.session_state["graph_centre"] = asked
centre = st.session_state.pop("graph_centre", None)   # applied once; the widgets hold it from then on
kinds = ["Document", "Department", "Task"]
if centre:
    label = graph.nodes[centre].label
    st.session_state["graph_kind"] = label if label in kinds else st.session_state.get("graph_kind", kinds[0])
    if label == "Task":
        st.session_state["graph_task_doc"] = graph.nodes[centre].props.get("doc_id")

c1, c2, c3 = st.columns([2, 3, 2])
with c1:
    kind = st.radio(t("g_centre_kind"), kinds, format_func=type_name, horizontal=True, key="graph_kind")
with c2:
    if kind == "Department":
        options = [d for d, _ in ch.departments]
    elif kind == "Document":
        options = [f"doc/{d}" if f"doc/{d}" in graph.nodes else d for d, _ in ch.documents]
    else:
        doc = st.selectbox(t("f_document"), [d for d, _ in ch.documents], key="graph_task_doc")
        options = data.document_tasks(doc)
    if centre:
        if centre not in options:   # a target, deadline, function ... chosen by click-through
            options = [centre] + options
        st.session_state["graph_pick"] = centre
    picked = st.selectbox(t("g_centre"), options, key="graph_pick",
                          format_func=lambda i: node_caption(graph.nodes[i]) if i in graph.nodes else i)
with c3:
    depth = st.slider(t("g_depth"), 1, 4, 2, key="graph_depth")
    cap = st.number_input(t("g_cap"), min_value=20, max_value=2000, value=300, step=50, key="graph_cap")
# jurisdiction and function edges join every department of a province or a line: off until asked for
relations = st.multiselect(t("g_relations"), list(RELATION_NAMES), default=list(DEFAULT_RELATIONS),
                           format_func=relation_name, key="graph_rels")

if not picked:
    st.stop()
sub = data.attempt(select, graph, Selection(center=picked, depth=depth, relation_types=tuple(relations),
                                            max_nodes=int(cap)))
if data.show_failure(sub):
    st.stop()
if sub.cut:
    st.warning(t("g_cut", total=f"{sub.total_nodes:,}", shown=len(sub)))
st.caption(t("g_size", nodes=len(sub), edges=len(sub.edges)))
page = render_html(sub, title=node_caption(graph.nodes[picked], full=True), lang=data.lang(), focus=sub.focus,
                   height="620px", note=t("g_cut", total=sub.total_nodes, shown=len(sub)) if sub.cut else None)
st.iframe(page, height=680)   # our own page: every data string in it is escaped
st.download_button(t("g_download"), page.encode("utf-8"), file_name="policykg-graph.html", mime="text/html")

# Click-through: the details of any node in view, and re-centring on it.
st.subheader(t("g_details"))
in_view = sorted(sub.nodes, key=lambda i: (sub.nodes[i].label, node_caption(sub.nodes[i])))
detail = st.selectbox(t("g_pick"), in_view, key="graph_detail",
                      format_func=lambda i: f"{type_name(sub.nodes[i].label)} · {node_caption(sub.nodes[i])}")
if detail:
    st.table({k: v for k, v in node_details(sub.nodes[detail], data.lang())})
    if st.button(t("g_recentre"), key="graph_recentre"):
        st.session_state["graph_centre"] = detail
        st.rerun()
