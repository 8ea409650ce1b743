"""What a department owes: every task and school measure it (or one of its divisions and units) leads or supports,
with its role, the earliest date it falls due, how that date stands against an as-of date, its targets and the
row of the file it was read from. The explorer's department page lists these, sorted by deadline.

Statuses, counted apart so that they add up: ``overdue`` (due before the as-of date), ``due30`` (due within 30
days of it, the day itself included), ``due90`` (within 31 to 90 days), ``later`` and ``undated`` (no date: no
deadline printed, or only an ongoing or recurring one).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from policykg.graph.views.browse import item_deadlines, reading_order, task_view
from policykg.graph.model import PolicyGraph
from policykg.graph.views.subgraph import (
    EVERYTHING,
    Selection,
    SelectionError,
    _index,
    find_nodes,
    matching_tasks,
)

STATUSES = ("overdue", "due30", "due90", "later", "undated")
ROLES = ("lead", "support")
_UNDATED_KINDS = ("ongoing", "recurring")


@dataclass
class Duty:
    id: str
    kind: str                 # Task or SchoolMeasure
    role: str                 # lead / support: the department's own role (lead wins when it has both)
    units: list[str]          # which of the department's own units carry it (itself or its divisions)
    doc_id: str
    doc_title: str
    task_no: str
    text: str
    section: str
    location: str             # as the loader wrote it ("table 1, row 7"); say it with view.location_name
    due: date | None
    deadline: str             # as printed
    status: str
    targets: list[str] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)


def department_units(graph: PolicyGraph, department: str, with_units: bool = True) -> list[str]:
    """The department's node (by id, key or name) and, with ``with_units``, its divisions and units."""
    found = find_nodes(graph, department, "Department")
    if not found:
        raise SelectionError(f"no Department {department!r} in the graph")
    units, queue = list(found), list(found)
    idx = _index(graph)
    while with_units and queue:
        for edge in idx.inc.get(queue.pop(), ()):
            if edge.type == "SUB_ORGANIZATION_OF" and edge.source not in units:
                units.append(edge.source)
                queue.append(edge.source)
    return units


def status_of(due: date | None, as_of: date) -> str:
    if due is None:
        return "undated"
    if due < as_of:
        return "overdue"
    if due <= as_of + timedelta(days=30):
        return "due30"
    if due <= as_of + timedelta(days=90):
        return "due90"
    return "later"


def department_duties(graph: PolicyGraph, department: str, with_units: bool, as_of: date) -> list[Duty]:
    """Every task of the department, sorted by due date (the undated last), then in document order."""
    units = set(department_units(graph, department, with_units))
    idx = _index(graph)
    tasks = reading_order(graph, matching_tasks(graph, Selection(department=department, with_units=with_units,
                                                                 max_nodes=EVERYTHING)))
    duties = []
    for position, task_id in enumerate(tasks):
        view = task_view(graph, task_id)
        mine = [(e.type, e.target) for e in idx.out.get(task_id, ()) if e.type in ("LEAD", "SUPPORT")
                and e.target in units]
        roles = {kind for kind, _ in mine}
        names = list(dict.fromkeys(str(graph.nodes[d].props.get("name") or d) for _, d in mine))
        dates = [end or start for _, kind, start, end in item_deadlines(graph, task_id)   # a measure's too
                 if (end or start) is not None and kind not in _UNDATED_KINDS]
        due = min(dates) if dates else None
        duties.append((position, Duty(
            task_id, view.kind, "lead" if "LEAD" in roles else "support", names, view.doc_id, view.doc_title,
            view.task_no, view.text, view.section, view.location, due, "；".join(view.deadlines),
            status_of(due, as_of), view.targets, view.lead, view.support)))
    duties.sort(key=lambda pair: (pair[1].due is None, pair[1].due or date.max, pair[0]))
    return [duty for _, duty in duties]


def counts(duties: list[Duty]) -> dict[str, int]:
    """How many duties have each status and each role, and in all (tasks and school measures apart too)."""
    out = {key: 0 for key in (*STATUSES, *ROLES)}
    for duty in duties:
        out[duty.status] += 1
        out[duty.role] += 1
    out["all"] = len(duties)
    out["measures"] = sum(1 for d in duties if d.kind == "SchoolMeasure")
    out["tasks"] = len(duties) - out["measures"]
    return out


def filtered(duties: list[Duty], roles: tuple[str, ...] = (), statuses: tuple[str, ...] = ()) -> list[Duty]:
    """The duties of these roles and statuses (empty: any)."""
    return [d for d in duties if (not roles or d.role in roles) and (not statuses or d.status in statuses)]
