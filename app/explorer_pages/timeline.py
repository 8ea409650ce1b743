"""Timeline: tasks on a time axis by deadline, periods as bars, ongoing and recurring marked, overdue as of a date."""
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import t
from policykg.app.explorer_widgets import filtered_tasks, from_address, parse_date, to_address
from policykg.graph.views.network_page import KIND_NAMES, STATUS_COLOURS, name_of
from policykg.graph.views.browse import timeline

LIMIT = 150   # rows a laptop screen can still read

st.title(t("page_timeline"))
ch = data.attempt(data.choices)
if data.show_failure(ch):
    st.stop()

from_address("timeline_as_of", "as_of", parse_date)
as_of = st.date_input(t("t_as_of"), value=date.today(), key="timeline_as_of", width=220)
to_address("as_of", as_of, default=date.today(), show=date.isoformat)
selection, keyword, graph, found = filtered_tasks(ch, "timeline", None, expanded=False)
tasks, total = found
# every count says what it counts: tasks and school measures apart, as the overview and browse pages count them;
# deadlines (a task may have several) apart from the items they belong to
kinds = {task.id: task.kind for task in tasks}
measures = sum(1 for kind in kinds.values() if kind == "SchoolMeasure")
found_words = t("tasks_found", total=total, tasks=total - measures, measures=measures)
rows = timeline(graph, [task.id for task in tasks], as_of)
if not rows:
    st.markdown(f"**{found_words}**")
    st.info(t("t_none"))
    st.stop()

frame = data.timeline_frame(rows)


def _split(ids) -> dict[str, int]:
    ids = set(ids)
    apart = sum(1 for i in ids if kinds.get(i) == "SchoolMeasure")
    return {"tasks": len(ids) - apart, "measures": apart}


overdue = t("t_overdue", n=int(frame["overdue"].sum()), **_split(frame.loc[frame["overdue"], "task"]))
summary = f"{found_words}；{t('t_dated', deadlines=len(frame), **_split(frame['task']))}" if data.lang() == "zh" \
    else f"{found_words}; {t('t_dated', deadlines=len(frame), **_split(frame['task']))}"
if len(frame) > LIMIT:   # the most pressing first: overdue, then by due date
    frame = frame.sort_values(["overdue", "end"], ascending=[False, True]).head(LIMIT)
    summary += ("（" + t("t_shown", deadlines=len(frame)) + "）") if data.lang() == "zh" \
        else f" ({t('t_shown', deadlines=len(frame))})"
st.markdown(f"**{data.esc(summary)}** · :red[{data.esc(overdue)}]")
status_names = {"overdue": t("t_status_overdue"), "open": t("t_status_open"), "ongoing": t("t_status_ongoing")}
frame[t("t_status")] = frame["status"].map(status_names)
frame[t("t_task")] = frame["caption"]
frame[t("deadline")] = frame["deadline"]

colour = alt.Color(f"{t('t_status')}:N", scale=alt.Scale(domain=list(status_names.values()),
                                                         range=[STATUS_COLOURS[s] for s in status_names]))
y = alt.Y(f"{t('t_task')}:N", sort=None, title=None, axis=alt.Axis(labelLimit=320))
tooltip = [t("t_task"), t("deadline"), t("t_status"), alt.Tooltip("departments:N", title=t("lead"))]
base = alt.Chart(frame)
bars = base.transform_filter("datum.bar").mark_bar(height=10).encode(
    x=alt.X("start:T", title=None, axis=alt.Axis(orient="top", format="%Y-%m")), x2="end:T", y=y, color=colour, tooltip=tooltip)
points = base.transform_filter("!datum.bar").mark_point(filled=True, size=70, shape="diamond").encode(
    x="end:T", y=y, color=colour, tooltip=tooltip)
rule = alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of)]})).mark_rule(color=STATUS_COLOURS["overdue"],
                                                                           strokeDash=[4, 3]) \
    .encode(x="as_of:T")
chart = (bars + points + rule).properties(height=max(200, 22 * frame[t("t_task")].nunique()))
st.altair_chart(chart, width="stretch")
frame["kind"] = frame["kind"].map(lambda k: name_of(KIND_NAMES, k, data.lang()))
frame[t("t_item")] = frame["task"].map(lambda i: data.type_name(kinds.get(i, "Task")))
table = frame[[t("t_task"), t("t_item"), t("deadline"), "kind", "start", "end", t("t_status"), "departments"]].rename(
    columns={"kind": data.column_label("kind"), "start": t("t_start"), "end": t("t_end"),
             "departments": data.column_label("departments")})
st.dataframe(table, hide_index=True, width="stretch",
             column_config={t("t_start"): st.column_config.DateColumn(), t("t_end"): st.column_config.DateColumn()})
