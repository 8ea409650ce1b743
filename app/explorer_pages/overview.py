"""Overview: the store, counts, documents by level and jurisdiction, obligations by function and level."""
import altair as alt
import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import level_name, t

TOP_FUNCTIONS = 15   # the rest are listed in the saved query of the same name

st.title(t("app_title"))

counts = data.attempt(data.counts)
if data.show_failure(counts):
    st.stop()
columns = st.columns(5)
for column, label in zip(columns, ("Document", "Task", "Department", "Target", "Deadline")):
    column.metric(t(f"count_{label}"), f"{counts.get(label, 0):,}")
if not counts.get("Document"):
    st.info(t("no_data" if data.writes_allowed() else "no_data_read_only"))
    st.stop()

st.subheader(t("documents_heading"))
docs = data.run_canned("documents", {})
if not data.show_failure(docs):
    st.dataframe(data.shown_frame(data.result_frame(*docs)), hide_index=True, width="stretch")

st.subheader(t("headline_heading"))
headline = data.run_canned("obligations-across-levels", {})
if not data.show_failure(headline):
    long = data.obligations_long(*headline, top=TOP_FUNCTIONS)
    long[t("col_level")] = long["level"].map(level_name)
    long[t("col_function")] = long["function"].map(data.function_name)
    long[t("col_count")] = long["count"]
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{t('col_function')}:N", sort="-x"),
        x=alt.X(f"sum({t('col_count')}):Q", title=t("col_count")),
        color=alt.Color(f"{t('col_level')}:N"),
        tooltip=[t("col_function"), t("col_level"), t("col_count")],
    )
    st.altair_chart(chart, width="stretch")
    st.caption(t("headline_caption", title=data.query_title("obligations-across-levels"))
               + (" · " + t("headline_top", n=TOP_FUNCTIONS) if len(headline[1]) > TOP_FUNCTIONS else ""))
