"""Graph: an interactive, offline pyvis view of the neighbourhood of a department, task or document; its export
(graph formats and a Word briefing); a task's implementation chain, which the view can follow."""
from dataclasses import replace

import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import relation_name, t, type_name
from policykg.app.explorer_widgets import export_buttons, from_address, show_chain, to_address
from policykg.graph.views.subgraph import TASK_LABELS, Selection
from policykg.graph.views.network_page import RELATION_NAMES, node_caption, node_details, render_html

# jurisdiction and function edges join every department of a province or a line: off until asked for
DEFAULT_RELATIONS = [r for r in RELATION_NAMES if r not in ("IN_JURISDICTION", "HAS_FUNCTION")]
KINDS = ["Document", "Department", "Task"]

st.title(t("page_graph"))
ch = data.attempt(data.graph_choices)
if data.show_failure(ch):
    st.stop()
if not ch.documents:
    st.info(t("no_data" if data.writes_allowed() else "no_data_read_only"))
    st.stop()


def _lone(node_id: str):
    """The node itself (label and properties), or None when the store has no such node."""
    found = data.attempt(data.neighbourhood, Selection(center=node_id, depth=0))
    return None if isinstance(found, data.Failure) else found.nodes.get(node_id)


# A node chosen elsewhere (?node=ID in the address, or "centre on this node" below) becomes the centre.
asked = st.query_params.get("node")
if asked and asked != st.session_state.get("graph_asked"):
    st.session_state["graph_asked"] = asked
    st.session_state["graph_centre"] = asked
centre = st.session_state.pop("graph_centre", None)   # applied once; the widgets hold it from then on
from_address("graph_depth", "depth", int)
from_address("graph_cap", "cap", int)
from_address("graph_rels", "rel", multi=True)
centre_node = _lone(centre) if centre else None
if centre_node is not None:
    if centre_node.label in KINDS:
        st.session_state["graph_kind"] = centre_node.label
    if centre_node.label == "Task":
        st.session_state["graph_task_doc"] = f"doc/{centre_node.props.get('doc_id')}"

names = dict(ch.documents) | dict(ch.departments)
c1, c2, c3 = st.columns([2, 3, 2])
with c1:
    kind = st.radio(t("g_centre_kind"), KINDS, format_func=type_name, horizontal=True, key="graph_kind")
with c2:
    if kind == "Department":
        options = [d for d, _ in ch.departments]
    elif kind == "Document":
        options = [d for d, _ in ch.documents]
    else:
        doc = st.selectbox(t("f_document"), [d for d, _ in ch.documents], key="graph_task_doc",
                           format_func=lambda d: names.get(d, d))
        tasks = data.attempt(data.document_tasks, doc)
        if data.show_failure(tasks):
            st.stop()
        names |= dict(tasks)   # the whole text: typing any of its words finds the task
        options = [i for i, _ in tasks]
    if centre_node is not None:
        if centre not in options:   # a target, deadline, function ... chosen by click-through
            options = [centre] + options
            names[centre] = node_caption(centre_node)
        st.session_state["graph_pick"] = centre
    picked = st.selectbox(t("g_centre"), options, key="graph_pick", format_func=lambda i: names.get(i, i),
                          filter_mode="contains")
with c3:
    depth = st.slider(t("g_depth"), 1, 4, 2, key="graph_depth")
    cap = st.number_input(t("g_cap"), min_value=20, max_value=2000, value=300, step=50, key="graph_cap")
relations = st.multiselect(t("g_relations"), list(RELATION_NAMES), default=list(DEFAULT_RELATIONS),
                           format_func=relation_name, key="graph_rels", placeholder=t("any"))

if not picked:
    st.stop()
st.session_state["graph_asked"] = picked   # the address names the centre shown, so the view can be shared
to_address("node", picked)
to_address("depth", depth, default=2)
to_address("cap", int(cap), default=300)
to_address("rel", relations, default=DEFAULT_RELATIONS)
sub_selection = Selection(center=picked, depth=depth, relation_types=tuple(relations), max_nodes=int(cap))
sub = data.attempt(data.neighbourhood, sub_selection)
if data.show_failure(sub):
    st.stop()
cut_message = None
if sub.cut:
    total = f"{sub.total_nodes:,}" + ("+" if sub.total_at_least else "")
    cut_message = t("g_cut", total=total, shown=len(sub))
    st.warning(cut_message)
st.caption(t("g_size", nodes=len(sub), edges=len(sub.edges)))
title = node_caption(sub.nodes[picked], full=True) if picked in sub.nodes else picked
page = render_html(sub, title=title, lang=data.lang(), focus=sub.focus, height="620px", note=cut_message)
st.iframe(page, height=680)   # our own page: every data string in it is escaped

# Export: the whole neighbourhood (not cut to the display cap); the briefing covers the department's or the
# document's tasks when one is the centre, else the tasks in the neighbourhood.
whole = replace(sub_selection, max_nodes=data.EVERYTHING)


def _briefing():
    if kind in ("Department", "Document") and picked in dict(ch.departments) | dict(ch.documents):
        chosen = Selection(department=picked) if kind == "Department" else Selection(document=picked)
        return data.briefing_graph(data.tasks_graph(chosen)), chosen
    tasks = tuple(i for i, n in data.neighbourhood(whole).nodes.items() if n.label in TASK_LABELS)
    return data.graph(), Selection(nodes=tasks, depth=0, max_nodes=data.EVERYTHING)


if sub.cut:
    st.caption(t("x_whole"))
export_buttons("graph", lambda: data.neighbourhood(whole), _briefing, title=title,
               has_tasks=any(n.label in TASK_LABELS for n in sub.nodes.values()), focus=sub.focus)

# Click-through: the details of any node in view, and re-centring on it.
st.subheader(t("g_details"))
in_view = sorted(sub.nodes, key=lambda i: (sub.nodes[i].label, node_caption(sub.nodes[i])))
detail = st.selectbox(t("g_pick"), in_view, key="graph_detail",   # the centre's own details first
                      index=in_view.index(picked) if picked in in_view else 0,
                      format_func=lambda i: f"{type_name(sub.nodes[i].label)} · {node_caption(sub.nodes[i])}")
if detail:
    titles = {d.removeprefix("doc/"): title for d, title in ch.documents}
    st.table({k: v for k, v in node_details(sub.nodes[detail], data.lang(), titles)})
    if sub.nodes[detail].label in TASK_LABELS:   # what it implements, what implements it
        links = data.attempt(data.task_chain, detail)
        if not data.show_failure(links):
            show_chain(links)
    b1, b2 = st.columns(2)
    if b1.button(t("g_recentre"), key="graph_recentre"):
        st.session_state["graph_centre"] = detail
        st.rerun()
    if sub.nodes[detail].label in TASK_LABELS and b2.button(t("g_chain"), key="graph_chain"):
        # the chain as the tree by level it is, on its own page
        st.switch_page(data.PAGES / "chain.py", query_params={"task": detail})
