"""Widgets several explorer pages share: the task filters, turned into a ``Selection``."""
from __future__ import annotations

from datetime import date

import streamlit as st

from policykg.app.explorer_data import level_name, t
from policykg.graph.browse import Choices
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
