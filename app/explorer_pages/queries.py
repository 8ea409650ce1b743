"""Saved queries: every canned and user query with its parameters as a form; a read-only custom query box."""
import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import t
from policykg.app.explorer_widgets import export_buttons, from_address, to_address
from policykg.graph.views.subgraph import TASK_LABELS, select

st.title(t("page_queries"))
registry = data.attempt(data.registry)
if data.show_failure(registry):
    st.stop()
queries = {q.name: q for q in registry}
addressed = st.query_params.get("q") or next(iter(queries))   # the question the address names
from_address("q_name", "q")
name = st.selectbox(t("q_pick"), list(queries), key="q_name", filter_mode="contains",
                    format_func=lambda n: queries[n].title[data.lang()]
                    + ("" if queries[n].builtin else f" {t('q_user')} · {n}"))
to_address("q", name, default=next(iter(queries)))
query = queries[name]
st.caption(query.description[data.lang()])

# the parameters and whether the query was run are in the address too (?q=due-by&date=2022-12-31&run=1), so a
# shared link opens the same question with the same values and its answer (another question picked here starts
# from its own defaults)
if addressed == name:
    for param in query.parameters:
        from_address(f"q_{name}_{param.name}", param.name, data.parameter_from_address(param))
    if st.query_params.get("run") == "1":
        st.session_state["q_last"] = name

with st.form(f"q_form_{name}"):
    values = {}
    if query.parameters:
        st.markdown(f"**{t('q_params')}**")
        columns = st.columns(min(3, len(query.parameters)))
        for i, param in enumerate(query.parameters):
            with columns[i % len(columns)]:
                values[param.name] = data.parameter_widget(param, f"q_{name}_{param.name}")
    submitted = st.form_submit_button(t("q_run"), type="primary")

ran = submitted or st.session_state.get("q_last") == name
for other in {p.name for q in queries.values() for p in q.parameters} - {p.name for p in query.parameters}:
    to_address(other, None)   # another question's values leave the address with it
for param in query.parameters:   # the values run with (a date always: "today" is not the same day tomorrow)
    to_address(param.name, values[param.name] if ran else None, default=data.parameter_default(param),
               show=data.parameter_to_address)
to_address("run", "1" if ran else None)
if ran:
    st.session_state["q_last"] = name
    result = data.run_canned(name, values)
    if not data.show_failure(result):
        frame = data.result_frame(*result)
        st.caption(t("q_rows", n=len(frame)))
        if data.truncation_note(result):
            st.warning(data.truncation_note(result))
        st.dataframe(data.shown_frame(frame), hide_index=True, width="stretch")
        st.download_button(t("q_csv"), frame.to_csv(index=False).encode("utf-8-sig"), file_name=f"{name}.csv",
                           mime="text/csv", key="q_csv")
        # the rows as a selection (the tasks they name, else their departments and documents), as `policykg
        # export --query` makes it
        if st.toggle(t("x_query"), key="q_export"):
            chosen = data.attempt(data.query_selection, *result)
            if not data.show_failure(chosen):
                if chosen is None:
                    st.info(t("x_query_none"))
                else:
                    whole = data.graph()
                    part = data.attempt(select, whole, chosen)
                    if not data.show_failure(part):
                        title = data.selection_title(whole, chosen, query.title["zh"], values)
                        export_buttons("query", lambda: part, lambda: (whole, chosen), title=title,
                                       has_tasks=any(n.label in TASK_LABELS for n in part.nodes.values()),
                                       query_title=query.title["zh"], focus=part.focus, query_params=values)

st.divider()
language = data.attempt(lambda: data.store().language)
if data.show_failure(language):
    st.stop()
st.subheader(t("q_custom", language="SPARQL" if language == "sparql" else "Cypher"))
text = st.text_area("query", key="q_text", height=180, label_visibility="collapsed",
                    placeholder=t("q_placeholder"))
if st.button(t("q_custom_run"), key="q_custom_run") and text.strip():
    st.session_state["q_custom_result"] = data.run_custom(text)
    st.session_state["q_custom_text"] = text
custom = st.session_state.get("q_custom_result")
if custom is not None and not data.show_failure(custom, technical=True):
    frame = data.result_frame(*custom)
    st.caption(t("q_rows", n=len(frame)))
    if data.truncation_note(custom):
        st.warning(data.truncation_note(custom))
    st.dataframe(frame, hide_index=True, width="stretch")
    if not data.writes_allowed():
        pass                                  # a read-only explorer saves no queries
    elif data.query_dir() is None:
        st.caption(t("q_no_folder"))
    else:
        c1, c2 = st.columns([3, 1])
        save_as = c1.text_input(t("q_save_name"), key="q_save_name")
        if c2.button(t("q_save"), key="q_save") and save_as:
            saved = data.attempt(data.save_user_query, save_as.strip(), st.session_state["q_custom_text"], language,
                                 list(custom[0]))
            if not data.show_failure(saved):
                st.success(t("q_saved", path=str(saved)))
