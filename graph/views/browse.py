"""Browsing tasks in a PolicyGraph: filtered task lists with their source, a timeline, and dropdown choices.

The explorer's Browse and Timeline pages call these; they use the same ``Selection`` filters as the graph
view (``policykg.graph.views.subgraph``), plus a keyword whose matches are returned as spans to highlight.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from policykg.graph.model import PolicyGraph
from policykg.graph.views.network_page import document_name, function_label
from policykg.graph.views.subgraph import Selection, _as_date, _index, _task_document, matching_tasks

_ONGOING_KINDS = ("ongoing", "recurring")


@dataclass
class TaskView:
    """One task as an analyst checks it against the file."""

    id: str
    kind: str                # Task or SchoolMeasure
    doc_id: str
    doc_title: str
    level: str | None
    jurisdiction: str | None
    task_no: str
    section: str
    text: str
    location: str            # "table 1, row 7" / "paragraph 12"
    row: int | None
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    matches: list[tuple[int, int]] = field(default_factory=list)   # keyword spans in ``text``
    chain: list["ChainLink"] = field(default_factory=list)        # what it implements / what implements it


@dataclass
class ChainLink:
    """One IMPLEMENTS link at a task: ``up`` = the task implements ``other``; ``down`` = ``other`` implements it."""

    direction: str
    other: str               # the linked task's (or school measure's) id
    kind: str                # Task or SchoolMeasure
    doc_id: str
    doc_title: str
    level: str | None
    task_no: str
    text: str
    score: float | None
    review: bool             # a suggestion awaiting review, not a fact


@dataclass
class TimelineRow:
    task: str                # task id
    caption: str             # "doc · 12. text…"
    doc_id: str
    deadline: str            # as printed
    kind: str                # by-date / period / recurring / ongoing
    start: date | None
    end: date | None
    overdue: bool            # due before the as-of date (periods: their end)
    departments: str


def keyword_spans(text: str, keyword: str | None) -> list[tuple[int, int]]:
    """Every non-overlapping occurrence of ``keyword`` in ``text`` (case-insensitive)."""
    if not keyword:
        return []
    haystack, needle = text.casefold(), keyword.casefold()
    spans, start = [], haystack.find(needle)
    while start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + len(needle))
    return spans


def find_tasks(graph: PolicyGraph, selection: Selection, keyword: str | None = None,
               limit: int | None = None) -> tuple[list[TaskView], int]:
    """Tasks matching ``selection`` and ``keyword`` (in the text, a school measure's goals, the section or a
    department name), and how many matched in all (``limit`` caps the list returned, not the count)."""
    keyword = (keyword or "").strip() or None
    views: list[TaskView] = []
    total = 0
    for task_id in reading_order(graph, matching_tasks(graph, selection)):
        view = task_view(graph, task_id, keyword)
        goals = graph.nodes[task_id].props.get("goals") or []
        if keyword and not (view.matches or keyword_spans(view.section, keyword)
                            or any(keyword_spans(str(g), keyword) for g in goals)
                            or any(keyword_spans(d, keyword) for d in view.lead + view.support)):
            continue
        total += 1
        if limit is None or len(views) < limit:
            views.append(view)
    return views, total


def reading_order(graph: PolicyGraph, task_ids: Iterable[str]) -> list[str]:
    """Tasks by document, then position in it; a school measure right after the task it answers."""
    def key(task_id: str):
        p = graph.nodes[task_id].props
        return (str(p.get("doc_id") or ""), _seq(task_id, p), graph.nodes[task_id].label != "Task", task_id)

    return sorted(task_ids, key=key)


def _seq(node_id: str, props: dict) -> int:
    if isinstance(props.get("seq"), int):
        return props["seq"]
    tail = node_id.rsplit("/", 1)[-1]   # measure/{doc}/{seq} carries its task's position in the id
    return int(tail) if tail.isdigit() else 0


def task_view(graph: PolicyGraph, task_id: str, keyword: str | None = None) -> TaskView:
    idx = _index(graph)
    node = graph.nodes[task_id]
    p = node.props
    doc = _task_document(graph, idx, task_id)
    dp = doc.props if doc is not None else {}
    text = str(p.get("text") or p.get("measure") or "；".join(p.get("goals") or []))
    view = TaskView(
        id=task_id, kind=node.label, doc_id=str(p.get("doc_id") or dp.get("doc_id") or ""),
        doc_title=str(dp.get("title") or dp.get("doc_id") or ""), level=dp.get("level"),
        jurisdiction=dp.get("jurisdiction"), task_no=str(p.get("task_no") or ""),
        section=str(p.get("section") or ""), text=text, location=str(p.get("location") or ""),
        row=p.get("row"), matches=keyword_spans(text, keyword))
    for e in sorted(idx.out.get(task_id, ()), key=lambda e: e.props.get("position") or 0):
        other = graph.nodes[e.target].props
        if e.type == "LEAD":
            view.lead.append(str(other.get("name") or other.get("key") or e.target))
        elif e.type == "SUPPORT":
            view.support.append(str(other.get("name") or other.get("key") or e.target))
        elif e.type == "HAS_DEADLINE":
            view.deadlines.append(str(other.get("text") or ""))
        elif e.type == "HAS_TARGET":
            view.targets.append(str(other.get("text") or ""))
    if not view.deadlines and p.get("deadline_text"):
        view.deadlines.append(str(p["deadline_text"]))
    view.chain = chain_links(graph, task_id)
    return view


def chain_links(graph: PolicyGraph, task_id: str) -> list[ChainLink]:
    """The task's IMPLEMENTS links held in ``graph``: upward first, then downward, best score first."""
    idx = _index(graph)
    links = []
    for direction, edges in (("up", idx.out.get(task_id, ())), ("down", idx.inc.get(task_id, ()))):
        for e in edges:
            if e.type != "IMPLEMENTS":
                continue
            other = graph.nodes[e.target if direction == "up" else e.source]
            p = other.props
            doc = _task_document(graph, idx, other.id)
            dp = doc.props if doc is not None else {}
            score = e.props.get("score")
            links.append(ChainLink(
                direction, other.id, other.label, str(p.get("doc_id") or dp.get("doc_id") or ""),
                str(dp.get("title") or p.get("doc_id") or ""), dp.get("level"), str(p.get("task_no") or ""),
                str(p.get("text") or p.get("measure") or "；".join(p.get("goals") or [])),
                float(score) if score is not None else None, bool(e.props.get("review"))))
    return sorted(links, key=lambda c: (c.direction != "up", -(c.score or 0), c.other))


def item_deadlines(graph: PolicyGraph, item_id: str) -> list[tuple[str, str, date | None, date | None]]:
    """(as printed, kind, start, end) of each deadline of a task or school measure. A task's are its Deadline
    nodes; a school measure keeps its completion times as printed (``deadline_text``, 2023年；2025年), read here
    as a deadline column is read (loaders.deadlines), so its dates count as a task's do."""
    out = []
    for e in _index(graph).out.get(item_id, ()):
        if e.type == "HAS_DEADLINE":
            d = graph.nodes[e.target].props
            out.append((str(d.get("text") or ""), str(d.get("kind") or ""), _as_date(d.get("start")),
                        _as_date(d.get("end"))))
    printed = graph.nodes[item_id].props.get("deadline_text")
    if not out and printed:
        from policykg.loaders.deadlines import column_deadlines

        out = [(d.text, getattr(d.kind, "value", str(d.kind)), _as_date(d.start), _as_date(d.end))
               for d in column_deadlines(str(printed))]
    return out


def timeline(graph: PolicyGraph, task_ids: Iterable[str], as_of: date) -> list[TimelineRow]:
    """One row per task deadline, for a Gantt-style chart; undated ongoing/recurring tasks get no dates."""
    rows: list[TimelineRow] = []
    for task_id in task_ids:
        node = graph.nodes[task_id]
        view = task_view(graph, task_id)
        # short but unique per task: a chart's categories merge equal captions
        title = document_name({"title": view.doc_title, "doc_id": view.doc_id})
        caption = f"{title[:12]} 第{view.task_no}项 · {view.text[:20]}"
        depts = "、".join(view.lead + view.support)
        for text, kind, start, end in item_deadlines(graph, task_id):
            due = end or start
            rows.append(TimelineRow(task_id, caption, view.doc_id, text, kind, start, end,
                                    overdue=due is not None and due < as_of and kind not in _ONGOING_KINDS,
                                    departments=depts))
        if node.props.get("frequencies") and not any(r.task == task_id for r in rows):
            rows.append(TimelineRow(task_id, caption, view.doc_id, "、".join(node.props["frequencies"]),
                                    "recurring", None, None, False, depts))
    return rows


@dataclass
class Choices:
    """What the filters can offer, read from the data."""

    documents: list[tuple[str, str]]        # (doc_id, title)
    levels: list[str]
    jurisdictions: list[str]
    departments: list[tuple[str, str]]      # (node id, name)
    functions: list[tuple[str, str]]        # (code, label)


def choices(graph: PolicyGraph, lang: str = "zh") -> Choices:
    docs = sorted((str(n.props.get("doc_id") or n.id), str(n.props.get("title") or n.props.get("doc_id") or n.id))
                  for n in graph.nodes_by_label("Document"))
    levels, places = set(), set()
    for n in graph.nodes.values():
        if n.label in ("Document", "Department"):
            if n.props.get("level"):
                levels.update(str(n.props["level"]).split("+"))
            if n.props.get("jurisdiction"):
                places.add(str(n.props["jurisdiction"]))
    order = ["national", "provincial", "municipal", "county", "institution"]
    depts = sorted(((n.id, str(n.props.get("name") or n.props.get("key") or n.id))
                    for n in graph.nodes_by_label("Department")), key=lambda d: d[1])
    codes = {str(n.props.get("code")) for n in graph.nodes_by_label("Function") if n.props.get("code")}
    codes |= {str(n.props["function"]) for n in graph.nodes_by_label("Department") if n.props.get("function")}
    funcs = {code: function_label(code, lang) or code for code in codes}
    return Choices(docs, sorted(levels, key=lambda lv: (order.index(lv) if lv in order else 99, lv)),
                   sorted(places), depts, sorted(funcs.items(), key=lambda f: f[1]))
