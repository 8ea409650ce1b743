"""Browse and search tasks; each shows its source so an analyst can check it against the file, and the tasks it
implements or that implement it. The tasks found can be exported (graph formats, Word briefing)."""
from dataclasses import replace

import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import level_name, t
from policykg.app.explorer_widgets import export_buttons, filtered_tasks, show_chain
from policykg.graph.browse import find_tasks
from policykg.graph.subgraph import Selection, select

LIMIT = 100

st.title(t("page_browse"))
ch = data.attempt(data.choices)
if data.show_failure(ch):
    st.stop()

selection, keyword, graph, found = filtered_tasks(ch, "browse", LIMIT, expanded=True)
tasks, total = found
summary = t("tasks_found", total=total)
if total > len(tasks):
    summary += " · " + t("tasks_shown", shown=len(tasks))
st.markdown(f"**{summary}**")

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
            (t("targets"), "、".join(task.targets) or t("none")),
            (t("section"), task.section or t("none")),
            (t("source"), f"{task.doc_id} · {task.location}" if task.location else task.doc_id),
        ]
        st.markdown(" &nbsp;|&nbsp; ".join(f"**{data.esc(k)}**：{data.esc(v)}" for k, v in facts),
                    unsafe_allow_html=True)
        if task.chain:   # the cascade: what it implements above, what implements it below
            show_chain(task.chain)

if total:
    # the export is the filters' selection (so the briefing names the department or document); with a keyword,
    # exactly the tasks it matched
    if keyword.strip():
        matched = [view.id for view in find_tasks(graph, selection, keyword)[0]]
        chosen = Selection(nodes=tuple(matched), depth=0, max_nodes=data.EVERYTHING)
    else:
        chosen = replace(selection, max_nodes=data.EVERYTHING)
    st.divider()
    export_buttons("browse", lambda: select(graph, chosen), lambda: (graph, chosen),
                   title=data.selection_title(graph, chosen), has_tasks=True)
