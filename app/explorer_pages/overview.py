"""Overview: the store, counts, documents by level and jurisdiction, obligations by function and level."""
from urllib.parse import quote

import altair as alt
import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import level_name, t
from policykg.graph.views.network_page import LEVEL_COLOURS

TOP_FUNCTIONS = 15   # the rest are listed in the saved query of the same name
TOP_DEPARTMENTS = 10

st.title(t("app_title"))

counts = data.attempt(data.counts)
if data.show_failure(counts):
    st.stop()
# tasks and school measures counted apart, as the browse page and the department page count them
LABELS = ("Document", "Task", "SchoolMeasure", "Department", "Target", "Deadline")
columns = st.columns(len(LABELS))
for column, label in zip(columns, LABELS):
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
    long["rank"] = long["level"].map({lv: i for i, lv in enumerate(LEVEL_COLOURS)})
    # each level keeps its colour (graph.view.LEVEL_COLOURS) whatever the language and whichever levels appear
    levels = list(LEVEL_COLOURS)
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{t('col_function')}:N", sort="-x"),
        x=alt.X(f"sum({t('col_count')}):Q", title=t("col_count_tasks")),
        color=alt.Color(f"{t('col_level')}:N", sort=[level_name(lv) for lv in levels],
                        scale=alt.Scale(domain=[level_name(lv) for lv in levels],
                                        range=[LEVEL_COLOURS[lv] for lv in levels])),
        order=alt.Order("rank:Q"),
        tooltip=[t("col_function"), t("col_level"), t("col_count")],
    )
    st.altair_chart(chart, width="stretch")
    st.caption(t("headline_caption", title=data.query_title("obligations-across-levels"))
               + (" · " + t("headline_top", n=TOP_FUNCTIONS) if len(headline[1]) > TOP_FUNCTIONS else ""))

# The busiest departments: named departments apart from the collective placeholders the documents use
# (各地有关部门, 各市人民政府), which are no department anyone can ask; each links to its department page.
st.subheader(t("busiest_heading"))
busiest = data.run_canned("top-departments", {"limit": 100_000})
if not data.show_failure(busiest):
    frame = data.result_frame(*busiest)
    frame["page"] = ["department?dept=" + quote(f"dept/{key}", safe="/") for key in frame["key"]]
    collective = frame["key"].str.startswith("collective/")
    total = data.column_label("total")
    config = {"page": st.column_config.LinkColumn(t("col_open"), display_text=t("col_open_text")),
              total: st.column_config.NumberColumn(t("col_total_items"))}
    named, placeholders = st.columns([3, 2])
    with named:
        st.markdown(f"**{t('busiest_named', n=TOP_DEPARTMENTS)}**")
        st.dataframe(data.shown_frame(frame[~collective].head(TOP_DEPARTMENTS)[
            ["department", "level", "lead", "support", "total", "page"]]),
            hide_index=True, width="stretch", column_config=config)
    with placeholders:
        st.markdown(f"**{t('busiest_collective')}**")
        st.dataframe(data.shown_frame(frame[collective][["department", "total", "page"]]), hide_index=True,
                     width="stretch", column_config=config)
    st.caption(t("busiest_caption"))
