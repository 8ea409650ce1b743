"""What a department owes: one page per department with every task it leads or supports (marked), sorted by
deadline; overdue / due within 30 or 90 days / no deadline counted and filterable; targets and the source row
of each; every task reachable by paging. The department, the filters and the page live in the page address."""
from datetime import date

import streamlit as st
from policykg.app import explorer_data as data
from policykg.app.explorer_data import t
from policykg.app.explorer_widgets import (
    export_buttons,
    from_address,
    parse_bool,
    parse_date,
    show_bool,
    to_address,
)
from policykg.graph.views import duties as owed
from policykg.graph.views.subgraph import Selection, select
from policykg.graph.views.network_page import document_name, location_name, quoted

PAGE_SIZE = 20

st.title(t("page_department"))
ch = data.attempt(data.graph_choices)
if data.show_failure(ch):
    st.stop()
if not ch.departments:
    st.info(t("no_data" if data.writes_allowed() else "no_data_read_only"))
    st.stop()

kinds = data.attempt(data.department_kinds)
if data.show_failure(kinds):
    st.stop()
names = dict(ch.departments)
from_address("dept_pick", "dept")
from_address("dept_units", "units", parse_bool)
from_address("dept_as_of", "as_of", parse_date)
from_address("dept_roles", "role", multi=True)
from_address("dept_status", "status", multi=True)
from_address("dept_page", "page", int)

c1, c2, c3 = st.columns([3, 1, 1])
department = c1.selectbox(
    t("f_department"), list(names), key="dept_pick", filter_mode="contains", index=None,
    placeholder=t("d_pick_placeholder"),
    format_func=lambda d: names.get(d, d) + (f"（{t('d_collective')}）" if kinds.get(d) == "collective" else ""))
with_units = c2.checkbox(t("f_with_units"), value=True, key="dept_units")
as_of = c3.date_input(t("t_as_of"), value=date.today(), key="dept_as_of")
to_address("dept", department)
to_address("units", with_units, default=True, show=show_bool)
to_address("as_of", as_of, default=date.today(), show=date.isoformat)
if not department:
    st.info(t("d_choose"))
    st.stop()
if kinds.get(department) == "collective":
    st.caption(t("d_collective_note"))

read = data.attempt(data.tasks_graph, Selection(department=department, with_units=with_units))
if data.show_failure(read):
    st.stop()
if read is None:
    read = data.graph()
duties = data.attempt(owed.department_duties, read, department, with_units, as_of)
if data.show_failure(duties):
    st.stop()
counted = owed.counts(duties)

st.markdown(f"**{data.esc(t('d_total', total=counted['all'], tasks=counted['tasks'], measures=counted['measures'], lead=counted['lead'], support=counted['support']))}**")
STATUS_NAMES = {s: t(f"d_status_{s}") for s in owed.STATUSES}
ROLE_NAMES = {"lead": t("lead"), "support": t("support")}
metrics = st.columns(len(owed.STATUSES))
for column, status in zip(metrics, owed.STATUSES):
    column.metric(STATUS_NAMES[status], counted[status])
st.caption(t("d_as_of_note", date=data.chinese_or_iso(as_of)))

f1, f2 = st.columns([1, 3])
roles = f1.pills(t("d_role"), list(owed.ROLES), selection_mode="multi", format_func=ROLE_NAMES.get,
                 key="dept_roles")
statuses = f2.pills(t("d_status"), list(owed.STATUSES), selection_mode="multi",
                    format_func=lambda s: f"{STATUS_NAMES[s]}（{counted[s]}）", key="dept_status")
to_address("role", list(roles or []), default=[])
to_address("status", list(statuses or []), default=[])
shown = owed.filtered(duties, tuple(roles or ()), tuple(statuses or ()))

pages = max(1, -(-len(shown) // PAGE_SIZE))
if st.session_state.get("dept_page", 1) > pages:
    st.session_state["dept_page"] = pages
page = st.number_input(t("d_page", pages=pages), min_value=1, max_value=pages, value=1, step=1, key="dept_page",
                       width=200) if pages > 1 else 1
to_address("page", int(page), default=1)
first = (int(page) - 1) * PAGE_SIZE
window = shown[first:first + PAGE_SIZE]
st.markdown(t("d_showing", first=first + 1 if shown else 0, last=first + len(window), total=len(shown)))

for duty in window:
    with st.container(border=True):
        role = f":blue-background[{data.esc(ROLE_NAMES[duty.role])}]" if duty.role == "lead" else \
            f":gray-background[{data.esc(ROLE_NAMES[duty.role])}]"
        kind = f" · {data.esc(data.type_name(duty.kind))}" if duty.kind != "Task" else ""
        when = data.chinese_or_iso(duty.due) if duty.due else ""
        colour = {"overdue": "red", "due30": "orange", "due90": "orange"}.get(duty.status, "gray")
        cite = quoted(document_name({"title": duty.doc_title, "doc_id": duty.doc_id}))
        number = t("d_number", no=duty.task_no) if duty.task_no else ""
        status = f"{when} · {STATUS_NAMES[duty.status]}" if duty.due else STATUS_NAMES[duty.status]
        st.markdown(f"{role} **{data.esc(cite + number)}**{kind} · :{colour}[{data.esc(status)}]")
        st.markdown(f"<div class='policykg-text'>{data.esc(duty.text)}</div>", unsafe_allow_html=True)
        facts = [
            (t("d_units"), "、".join(duty.units)),
            (t("lead"), "、".join(duty.lead) or t("none")),
            (t("support"), "、".join(duty.support) or t("none")),
            (t("deadline"), duty.deadline or t("none")),
            (t("targets"), "、".join(duty.targets) or t("none")),
            (t("source"), " ".join(x for x in (cite, location_name(duty.location, data.lang())) if x)),
        ]
        st.markdown(" &nbsp;|&nbsp; ".join(f"**{data.esc(k)}**：{data.esc(v)}" for k, v in facts),
                    unsafe_allow_html=True)
        if duty.kind == "Task":   # the chain page starts from tasks (a school measure is at the bottom of a tree)
            st.page_link(data.PAGES / "chain.py", label=t("b_chain_link"), query_params={"task": duty.id})

if duties:
    st.divider()
    chosen = Selection(department=department, with_units=with_units, max_nodes=data.EVERYTHING)
    export_buttons("department", lambda: select(read, chosen), lambda: (data.briefing_graph(read), chosen),
                   title=data.selection_title(read, chosen), has_tasks=True)
