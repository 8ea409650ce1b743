"""Widgets several explorer pages share: the task filters, turned into a ``Selection``; the export buttons."""
from __future__ import annotations

from datetime import date
from typing import Callable

import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import level_name, t
from policykg.graph.views.browse import Choices, find_tasks
from policykg.graph.model import PolicyGraph
from policykg.graph.views.subgraph import Selection

_ANY = "\x00any"   # the "(any)" option's value: cannot clash with data


def _filter_params():
    return (("doc", "doc", str, False), ("levels", "level", str, True), ("dept", "dept", str, False),
            ("units", "units", parse_bool, False), ("places", "place", str, True), ("func", "func", str, False),
            ("kw", "kw", str, False), ("dated", "dated", parse_bool, False), ("from", "from", parse_date, False),
            ("to", "to", parse_date, False))


def _pick(label: str, options: list[tuple[str, str]], key: str) -> str | None:
    values = [_ANY] + [v for v, _ in options]
    names = dict(options)
    chosen = st.selectbox(label, values, key=key,
                          format_func=lambda v: t("any") if v == _ANY else names.get(v, v))
    return None if chosen == _ANY else chosen


def task_filters(ch: Choices, prefix: str, keyword: bool = True, dates: bool = True) -> tuple[Selection, str]:
    """Filter widgets in three columns; returns the selection they describe and the keyword. Every filter is
    also in the page address (?doc=…&dept=…), so the view can be shared."""
    for key, param, parse, multi in _filter_params():
        from_address(f"{prefix}_{key}", param, parse, multi)
    c1, c2, c3 = st.columns(3)
    with c1:
        document = _pick(t("f_document"), data.document_choices(ch.documents), f"{prefix}_doc")
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
        st.error(t("f_bad_range"))
        lo = hi = None
    for key, param, _, _ in _filter_params():
        value = st.session_state.get(f"{prefix}_{key}")
        default = {"units": True, "dated": False}.get(key)
        to_address(param, None if value == _ANY else value, default=default,
                   show=show_bool if key in ("units", "dated") else (date.isoformat if key in ("from", "to") else str))
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
                   query_title: str | None = None, focus: list[str] | None = None,
                   query_params: dict | None = None) -> None:
    """One download button per export format (graph/export/files.py) and one for the Word briefing (app/briefing.py).

    The files are made only when a button is clicked (deferred downloads), so showing the buttons costs nothing.
    ``part`` gives the selected part to export; ``briefing`` the graph and selection the briefing is made from
    (None: no briefing here). Without tasks there is nothing to brief, so that button is off."""
    from policykg.app.briefing_data import query_date

    st.markdown(f"**{t('x_heading')}**")
    as_of = suggestions = None
    if briefing is not None:   # a query's briefing counts from the query's date
        c1, c2 = st.columns([1, 2])
        as_of = c1.date_input(t("x_as_of"), value=query_date(query_params) or date.today(), key=f"{prefix}_as_of",
                              width=220)
        suggestions = c2.checkbox(t("x_suggestions"), key=f"{prefix}_suggestions", help=t("x_suggestions_help"))
    if briefing is not None and not has_tasks:
        st.caption(t("x_no_tasks"))
    columns = st.columns(len(data.EXPORTS))
    for column, (fmt, label, ext, mime) in zip(columns, data.EXPORTS):
        if fmt == "docx":
            if briefing is None:
                continue
            make = (lambda: data.briefing_file(*briefing(), as_of, query_title=query_title,
                                               query_params=query_params, suggestions=suggestions))
        else:
            make = (lambda fmt=fmt: data.export_file(part(), fmt, title=title, focus=focus))
        column.download_button(t(label), make, file_name=f"policykg-{prefix}.{ext}", mime=mime,
                               key=f"{prefix}_x_{fmt}", disabled=fmt == "docx" and not has_tasks,
                               on_click="ignore")


def chain_briefing(task: str, suggestions: bool) -> None:
    """A Word briefing on one task: its row, and who has taken it up level by level (the page's tree); the
    page's switch adds the suggestions in an annex."""
    from policykg.graph.views.subgraph import Selection

    st.markdown(f"**{t('c_briefing_heading')}**")
    c1, c2 = st.columns([1, 2])
    as_of = c1.date_input(t("x_as_of"), value=date.today(), key="chain_as_of", width=220)
    chosen = Selection(nodes=(task,), depth=0, max_nodes=data.EVERYTHING)
    c2.download_button(t("x_docx_chain"), lambda: data.briefing_file(data.briefing_graph(), chosen, as_of,
                                                                      suggestions=suggestions),
                       file_name="policykg-chain.docx", mime={e[0]: e[3] for e in data.EXPORTS}["docx"],
                       key="chain_x_docx", on_click="ignore")


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


# ---- filters and selections in the page address (?name=value), so a view can be shared ------------------------

def from_address(key: str, param: str, parse: Callable[[str], object] = str, multi: bool = False) -> None:
    """Seed the widget ``key`` from ``?param=`` when the address says something new (a shared link, a link from
    another page); from then on the widget holds it. Call before the widget is drawn; a value that does not
    parse is ignored."""
    raw = st.query_params.get_all(param) if multi else st.query_params.get(param)
    marker = f"_address_{param}"
    if not raw or st.session_state.get(marker) == raw:
        return
    st.session_state[marker] = raw
    try:
        st.session_state[key] = [parse(x) for x in raw] if multi else parse(raw)
    except (ValueError, TypeError):
        return


def to_address(param: str, value, default=None, show: Callable[[object], str] = str) -> None:
    """Write the widget's value into the address (left out when it is the default), so the link shares it."""
    marker = f"_address_{param}"
    if value is None or value == default or value in ("", [], ()):
        if param in st.query_params:
            del st.query_params[param]
        st.session_state[marker] = None
        return
    text = [show(v) for v in value] if isinstance(value, (list, tuple)) else show(value)
    if st.query_params.get_all(param) != (text if isinstance(text, list) else [text]):
        st.query_params[param] = text
    st.session_state[marker] = text


def parse_bool(text: str) -> bool:
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    raise ValueError(text)


def show_bool(value) -> str:
    return "1" if value else "0"


def parse_date(text: str) -> date:
    return date.fromisoformat(text)
