"""Browse and search tasks; each shows its source so an analyst can check it against the file, and the tasks it
implements or that implement it. The tasks found can be exported (graph formats, Word briefing)."""
from dataclasses import replace

import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import level_name, t
from policykg.app.explorer_widgets import export_buttons, filtered_tasks, from_address, show_chain, to_address
from policykg.graph.views.browse import find_tasks
from policykg.graph.views.subgraph import Selection, select
from policykg.graph.views.network_page import document_name, location_name, quoted

PAGE_SIZE = 50   # every task is reachable, a page at a time

st.title(t("page_browse"))
ch = data.attempt(data.choices)
if data.show_failure(ch):
    st.stop()

from_address("browse_page", "page", int)
selection, keyword, graph, found = filtered_tasks(ch, "browse", None, expanded=True)
every, total = found
measures = sum(1 for task in every if task.kind == "SchoolMeasure")
summary = t("tasks_found", total=total, tasks=total - measures, measures=measures)   # as the overview counts
st.markdown(f"**{summary}**")
pages = max(1, -(-total // PAGE_SIZE))
if st.session_state.get("browse_page", 1) > pages:
    st.session_state["browse_page"] = pages
page = st.number_input(t("d_page", pages=pages), min_value=1, max_value=pages, value=1, step=1, key="browse_page",
                       width=200) if pages > 1 else 1
to_address("page", int(page), default=1)
first = (int(page) - 1) * PAGE_SIZE
tasks = every[first:first + PAGE_SIZE]
if pages > 1:
    st.caption(t("b_showing", first=first + 1, last=first + len(tasks), total=total))

for task in tasks:
    with st.container(border=True):
        # everything from the document is escaped: task text is untrusted
        kind = f" · {data.esc(data.type_name(task.kind))}" if task.kind != "Task" else ""
        st.markdown(f"**{data.esc(task.doc_title)}** · {data.esc(task.task_no)}{kind} "
                    f"<span style='color:#666'>({data.esc(level_name(task.level))}"
                    f"{' · ' + data.esc(task.jurisdiction) if task.jurisdiction else ''})</span>",
                    unsafe_allow_html=True)
        st.markdown(f"<div class='policykg-text'>{data.highlighted(task.text, task.matches)}</div>",
                    unsafe_allow_html=True)
        facts = [
            (t("lead"), "、".join(task.lead) or t("none")),
            (t("support"), "、".join(task.support) or t("none")),
            (t("deadline"), "；".join(task.deadlines) or t("none")),
            # a school measure's goals are its targets (a keyword found there shows here)
            (t("targets"), "、".join(task.targets or graph.nodes[task.id].props.get("goals") or []) or t("none")),
            (t("section"), task.section or t("none")),
            (t("source"), " ".join(x for x in (quoted(document_name({"title": task.doc_title, "doc_id": task.doc_id})),
                                               location_name(task.location, data.lang())) if x)),
        ]
        st.markdown(" &nbsp;|&nbsp; ".join(f"**{data.esc(k)}**：{data.esc(v)}" for k, v in facts),
                    unsafe_allow_html=True)
        if task.chain:   # the cascade: what it implements above, what implements it below
            show_chain(task.chain)
            if task.kind == "Task":
                st.page_link(data.PAGES / "chain.py", label=t("b_chain_link"), query_params={"task": task.id})

if total:
    # the export is the filters' selection (so the briefing names the department or document); with a keyword,
    # exactly the tasks it matched
    if keyword.strip():
        matched = [view.id for view in find_tasks(graph, selection, keyword)[0]]
        chosen = Selection(nodes=tuple(matched), depth=0, max_nodes=data.EVERYTHING)
    else:
        chosen = replace(selection, max_nodes=data.EVERYTHING)
    st.divider()
    export_buttons("browse", lambda: select(graph, chosen), lambda: (data.briefing_graph(graph), chosen),
                   title=data.selection_title(graph, chosen), has_tasks=True)
