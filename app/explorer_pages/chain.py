"""A task down the levels: the national task (or any task) at the top, the provinces' tasks that restate it below,
then cities, counties and schools, as a tree by level; confident links solid, suggestions dashed and only when
asked for; the places that have not taken the task up listed beside it. The task, the search words and the
switch live in the page address, so the view can be shared."""
import streamlit as st
from policykg.app import explorer_data as data
from policykg.app.explorer_data import level_name, t
from policykg.app.explorer_widgets import (
    chain_briefing,
    from_address,
    parse_bool,
    show_bool,
    to_address,
)
from policykg.graph.cascade.chain_tree import LEVEL_ORDER, item_source

st.title(t("page_chain"))
st.caption(t("c_intro"))
places = data.attempt(data.document_places)
if data.show_failure(places):
    st.stop()
if not places:
    st.info(t("no_data" if data.writes_allowed() else "no_data_read_only"))
    st.stop()


def choose(task_id: str) -> bool:
    """Start the tree from ``task_id``: its level and the task picked (before those widgets are drawn, or in a
    dropdown's callback). False when no stored document holds it."""
    doc = next((p for p in places if task_id.count("/") >= 2 and p.doc_id == task_id.split("/")[1]), None)
    if doc is None:
        return False
    st.session_state["chain_level"] = "institution" if task_id.startswith("measure/") else doc.first_level()
    st.session_state["chain_doc"] = doc.doc_id
    st.session_state["chain_task"] = task_id
    return True


# a task named in the address (a shared link, "follow the chain" on the graph page) picks its own level
asked = st.query_params.get("task")
if asked and asked != st.session_state.get("_chain_asked"):
    st.session_state["_chain_asked"] = asked
    choose(asked)
from_address("chain_level", "level")

# any task of any level, found by DOC-NUMBER as the command line takes it (001-7) or by words of its whole text;
# the words live in the address too, so a shared link shows the same search
from_address("chain_find", "find")
search = st.text_input(t("c_find"), key="chain_find", placeholder=t("c_find_placeholder"), help=t("c_find_help"))
if search.strip() and search != st.session_state.get("_chain_searched"):
    st.session_state["_chain_searched"] = search
    st.session_state["_chain_found"] = data.attempt(data.find_task, search)
    if isinstance(st.session_state["_chain_found"], list) and len(st.session_state["_chain_found"]) == 1:
        choose(st.session_state["_chain_found"][0])
elif not search.strip():
    st.session_state.pop("_chain_searched", None)
    st.session_state.pop("_chain_found", None)
found = st.session_state.get("_chain_found")
if search.strip() and not data.show_failure(found):
    if not found:
        st.warning(t("c_find_none", words=data.esc(search.strip())))
    elif len(found) > 1:
        every = data.attempt(data.task_options, None)
        labels = dict(every) if isinstance(every, list) else {}
        # a dropdown, not buttons: its options are plain text (task text is untrusted, never Markdown)
        st.selectbox(t("c_find_many", n=len(found)), found, index=None, key="chain_found_pick",
                     format_func=lambda i: labels.get(i, i), placeholder=t("c_find_pick"),
                     on_change=lambda: choose(st.session_state["chain_found_pick"])
                     if st.session_state.get("chain_found_pick") else None)
from_address("chain_suggestions", "suggestions", parse_bool)

levels = [lv for lv in LEVEL_ORDER if any(p.first_level() == lv for p in places)]
if st.session_state.get("chain_level") not in levels:
    st.session_state.pop("chain_level", None)
c1, c2 = st.columns([1, 3])
with c1:
    level = st.radio(t("c_level"), levels, format_func=level_name, key="chain_level")
# a document of the level, then one of its tasks: the pickers read one document's tasks, not every task of the
# level (every task's name took 4-11 s at 100,000 tasks); the search above still looks through them all
documents = dict(data.document_options(level))
if st.session_state.get("chain_doc") not in documents:
    st.session_state.pop("chain_doc", None)
with c2:
    doc = st.selectbox(t("c_document"), list(documents), format_func=lambda d: documents.get(d, d), key="chain_doc",
                       filter_mode="contains", help=t("c_document_help"))
options = data.attempt(data.task_options, level, doc) if doc else []
if data.show_failure(options):
    st.stop()
labels = dict(options)
if st.session_state.get("chain_task") not in labels:
    st.session_state.pop("chain_task", None)
with c2:
    task = st.selectbox(t("c_pick"), list(labels), format_func=lambda i: labels.get(i, i), key="chain_task",
                        filter_mode="contains", placeholder=t("c_pick_placeholder"),
                        help=t("c_pick_help"))
suggestions = st.toggle(t("c_suggestions"), key="chain_suggestions", help=t("c_suggestions_help"))
to_address("level", level, default=levels[0])
to_address("task", task)
st.session_state["_chain_asked"] = task   # the page's own pick, not a new ask: the next run keeps the level chosen
to_address("find", search.strip())
to_address("suggestions", suggestions, default=False, show=show_bool)
if not task:
    st.stop()

tree = data.attempt(data.chain_tree, task, suggestions)
if data.show_failure(tree):
    st.stop()

below = tree.rows[1:]
taken = {(r.item.level, r.item.jurisdiction) for r in below}
summary, gaps = st.columns([3, 2])
with summary:
    st.markdown(f"**{data.esc(t('c_summary', tasks=len(below), places=len(taken), gaps=len(tree.gaps)))}**")
    if tree.hidden:
        st.caption(t("c_hidden", n=tree.hidden))
with gaps:
    st.markdown(f"**{data.esc(t('c_gaps'))}**")
    if not tree.places_below:
        st.caption(t("c_no_places_below"))
    elif not tree.gaps:
        st.success(t("c_no_gaps"))
    for lv in LEVEL_ORDER:
        here = [g for g in tree.gaps if g.level == lv]
        if here:
            names = "、".join(data.esc(g.jurisdiction) + (f"（{data.esc(t('c_gap_suggested'))}）" if g.suggested else "")
                             for g in here)
            st.markdown(f"{data.esc(level_name(lv))}：{names}")

bands = len({r.item.level for r in [*tree.above, *tree.rows]})
st.iframe(data.tree_html(tree, height=f"{130 * bands + 60}px"), height=130 * bands + 120)


def _line(row, head: str) -> str:
    item = row.item
    where = " · ".join(x for x in (level_name(item.level), item.jurisdiction, item_source(item, data.lang())) if x)
    score = f"（{t('c_score')} {row.score:.2f}）" if row.score is not None and row.depth else ""
    flag = f" :orange[{data.esc(t('c_suggestion'))}]" if row.review else ""
    also = "".join(f" · {data.esc(t('c_also', task=item_source(other, data.lang())))}" for other, _ in row.also)
    return f"{head}**{data.esc(where)}**{data.esc(score)}{flag}{also}  \n{head}{data.esc(item.text)}"


st.subheader(t("c_tree_heading"))
if tree.above:   # what the chosen task itself restates, from the top down
    st.markdown(f"*{data.esc(t('c_above'))}*")
    st.markdown("\n".join(_line(row, "") for row in reversed(tree.above)))
st.markdown("\n".join(f"{'    ' * row.depth}- " + _line(row, "").replace("  \n", "  \n" + "    " * row.depth + "  ")
                      for row in tree.rows))

st.divider()
chain_briefing(task, suggestions)
