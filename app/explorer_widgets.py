"""Widgets several explorer pages share: the task filters, turned into a ``Selection``; the export buttons."""
from __future__ import annotations

from datetime import date
from typing import Callable

import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import level_name, t
from policykg.graph.browse import Choices, find_tasks
from policykg.graph.model import PolicyGraph
from policykg.graph.subgraph import Selection

_ANY = "\x00any"   # the "(any)" option's value: cannot clash with data


def _pick(label: str, options: list[tuple[str, str]], key: str) -> str | None:
    values = [_ANY] + [v for v, _ in options]
    names = dict(options)
    chosen = st.selectbox(label, values, key=key,
                          format_func=lambda v: t("any") if v == _ANY else names.get(v, v))
    return None if chosen == _ANY else chosen


def task_filters(ch: Choices, prefix: str, keyword: bool = True, dates: bool = True) -> tuple[Selection, str]:
    """Filter widgets in three columns; returns the selection they describe and the keyword."""
    c1, c2, c3 = st.columns(3)
    with c1:
        document = _pick(t("f_document"), [(d, f"{title} ({d})" if title != d else d) for d, title in ch.documents],
                         f"{prefix}_doc")
        levels = st.multiselect(t("f_level"), ch.levels, key=f"{prefix}_levels", format_func=level_name,
                                placeholder=t("any"))
    with c2:
        department = _pick(t("f_department"), ch.departments, f"{prefix}_dept")
        with_units = st.checkbox(t("f_with_units"), value=True, key=f"{prefix}_units")
        jurisdictions = st.multiselect(t("f_jurisdiction"), ch.jurisdictions, key=f"{prefix}_places",
                                       placeholder=t("any"))
    with c3:
        function = _pick(t("f_function"), ch.functions, f"{prefix}_func")
        words = st.text_input(t("f_keyword"), key=f"{prefix}_kw") if keyword else ""
        lo = hi = None
        if dates and st.checkbox(t("f_use_dates"), key=f"{prefix}_dated"):
            d1, d2 = st.columns(2)
            lo = d1.date_input(t("f_deadline_from"), value=date(2021, 1, 1), key=f"{prefix}_from")
            hi = d2.date_input(t("f_deadline_to"), value=date(2025, 12, 31), key=f"{prefix}_to")
    if lo and hi and lo > hi:
        st.error(t("error_prefix", error=f"{lo} > {hi}"))
        lo = hi = None
    selection = Selection(department=department, with_units=with_units, document=document, function=function,
                          levels=tuple(levels), jurisdictions=tuple(jurisdictions),
                          deadline_from=lo, deadline_to=hi)
    return selection, words or ""


def filtered_tasks(ch: Choices, prefix: str, limit: int | None, expanded: bool):
    """The filter widgets, then the tasks they find: (selection, keyword, the graph read for it, (tasks, total)).

    Stops the page with a message when reading fails or when a large store needs a focus first."""
    with st.expander(t("filters"), expanded=expanded):
        selection, keyword = task_filters(ch, prefix)
    with st.spinner(t("loading_graph")):   # read around the focus, or (small stores) the whole graph once
        graph = data.attempt(data.tasks_graph, selection)
    if data.show_failure(graph):
        st.stop()
    if graph is None:
        st.info(t("focus_needed"))
        st.stop()
    found = data.attempt(find_tasks, graph, selection, keyword, limit)
    if data.show_failure(found):
        st.stop()
    return selection, keyword, graph, found


def export_buttons(prefix: str, part: Callable[[], PolicyGraph],
                   briefing: Callable[[], tuple[PolicyGraph, Selection]] | None, title: str, has_tasks: bool,
                   query_title: str | None = None, focus: list[str] | None = None) -> None:
    """One download button per export format (graph/export.py) and one for the Word briefing (app/briefing.py).

    The files are made only when a button is clicked (deferred downloads), so showing the buttons costs nothing.
    ``part`` gives the selected part to export; ``briefing`` the graph and selection the briefing is made from
    (None: no briefing here). Without tasks there is nothing to brief, so that button is off."""
    st.markdown(f"**{t('x_heading')}**")
    as_of = st.date_input(t("x_as_of"), value=date.today(), key=f"{prefix}_as_of", width=220) \
        if briefing is not None else None
    if briefing is not None and not has_tasks:
        st.caption(t("x_no_tasks"))
    columns = st.columns(len(data.EXPORTS))
    for column, (fmt, label, ext, mime) in zip(columns, data.EXPORTS):
        if fmt == "docx":
            if briefing is None:
                continue
            make = (lambda: data.briefing_file(*briefing(), as_of, query_title=query_title))
        else:
            make = (lambda fmt=fmt: data.export_file(part(), fmt, title=title, focus=focus))
        column.download_button(t(label), make, file_name=f"policykg-{prefix}.{ext}", mime=mime,
                               key=f"{prefix}_x_{fmt}", disabled=fmt == "docx" and not has_tasks,
                               on_click="ignore")


def show_chain(links) -> None:
    """A task's implementation chain (``graph.browse.ChainLink``): what it implements, what implements it, with
    the link's score; a link awaiting review is marked as a suggestion. Task text is escaped."""
    if not links:
        st.caption(t("c_none"))
        return
    lines = []
    for link in links:
        where = " · ".join(x for x in (link.doc_title or link.doc_id, level_name(link.level) if link.level else "")
                           if x)
        text = link.text if len(link.text) <= 80 else link.text[:80] + "…"
        score = f"{t('c_score')} {link.score:.2f}" if link.score is not None else ""
        flag = f" · :orange[{data.esc(t('c_suggestion'))}]" if link.review else ""
        head = t("c_up") if link.direction == "up" else t("c_down")
        number = f"{link.task_no}. " if link.task_no else ""
        lines.append(f"- **{data.esc(head)}**：{data.esc(where)} · {data.esc(number + text)} "
                     f"({data.esc(score)}){flag}")
    st.markdown("\n".join(lines))
