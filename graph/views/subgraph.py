"""Choosing a part of the policy graph to look at or export: the one selection model.

A ``Selection`` names a focus (a department with or without its units, a document, a function across levels,
the nodes of a saved query's result, or one node's neighbourhood to a depth) and filters (levels,
jurisdictions, a deadline range, relation types). ``select`` returns the chosen part as a ``PolicyGraph`` of
at most ``max_nodes`` nodes; when the cap cuts, the result says so and how big the whole selection was.

Task-centred focuses pick a set of tasks and bring along each task's one-hop context (its document,
departments, deadlines, targets, measures, the tasks it implements), so a selection always reads as
"these obligations and what they are attached to".
"""
from __future__ import annotations

import weakref
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from policykg.graph.model import Edge, Node, PolicyGraph

TASK_LABELS = ("Task", "SchoolMeasure")
# How a node is found from what a user types or a query returns: its id, or one of these properties.
_REF_PROPS = ("key", "name", "doc_id", "title", "code", "label_zh", "label_en", "name_en")


# max_nodes that cuts nothing: an export, a briefing or a whole list is never cut to a display cap
EVERYTHING = 10 ** 9


@dataclass(frozen=True)
class Selection:
    department: str | None = None        # node id, key or name of a Department
    with_units: bool = True              # roll up its divisions and units (SUB_ORGANIZATION_OF children)
    document: str | None = None          # node id or doc_id of a Document
    function: str | None = None          # function code (education, hrss, ...) or a Function node id
    nodes: tuple[str, ...] = ()          # a saved query's result: node ids or references
    center: str | None = None            # neighbourhood mode: the node at the centre ...
    depth: int = 1                       # ... and how many hops out
    levels: tuple[str, ...] = ()         # keep tasks/documents/departments of these levels (empty: all)
    jurisdictions: tuple[str, ...] = ()
    deadline_from: date | None = None    # keep tasks with a deadline falling due in [from, to]
    deadline_to: date | None = None
    relation_types: tuple[str, ...] = () # traverse and keep only these relationship types (empty: all)
    max_nodes: int = 300

    def __post_init__(self) -> None:
        if self.depth < 0:
            raise ValueError(f"depth must be 0 or more, not {self.depth}")
        if self.max_nodes < 1:
            raise ValueError(f"max_nodes must be at least 1, not {self.max_nodes}")
        if self.deadline_from and self.deadline_to and self.deadline_from > self.deadline_to:
            raise ValueError(f"deadline range is empty: {self.deadline_from} is after {self.deadline_to}")


class SelectedGraph(PolicyGraph):
    """A selected part of a graph, knowing whether the size cap cut it."""

    def __init__(self) -> None:
        super().__init__()
        self.total_nodes = 0     # size of the whole selection before the cap
        self.total_at_least = False   # True when only a lower bound of that size is known
        self.cut = False
        self.focus: list[str] = []   # the nodes the selection was centred on, in the order found


class SelectionError(ValueError):
    """A selection names something the graph does not hold."""


@dataclass
class _Index:
    out: dict[str, list[Edge]] = field(default_factory=dict)
    inc: dict[str, list[Edge]] = field(default_factory=dict)
    refs: dict[tuple[str, str], list[str]] = field(default_factory=dict)   # (label, reference) -> node ids
    size: tuple[int, int] = (0, 0)


_INDEXES: "weakref.WeakKeyDictionary[PolicyGraph, _Index]" = weakref.WeakKeyDictionary()


def _index(graph: PolicyGraph) -> _Index:
    """Adjacency and reference lookups, built once per graph (rebuilt if the graph grew)."""
    size = (len(graph.nodes), len(graph.edges))
    idx = _INDEXES.get(graph)
    if idx is not None and idx.size == size:
        return idx
    idx = _Index(size=size)
    for e in graph.edges.values():
        idx.out.setdefault(e.source, []).append(e)
        idx.inc.setdefault(e.target, []).append(e)
    for n in graph.nodes.values():
        for prop in _REF_PROPS:
            value = n.props.get(prop)
            if isinstance(value, str) and value:
                idx.refs.setdefault((n.label, value), []).append(n.id)
    _INDEXES[graph] = idx
    return idx


def find_nodes(graph: PolicyGraph, ref: str, label: str | None = None) -> list[str]:
    """Node ids a reference stands for: the id itself, or a key/name/doc_id/title/code of a node of ``label``."""
    if ref in graph.nodes and (label is None or graph.nodes[ref].label == label):
        return [ref]
    idx = _index(graph)
    labels = [label] if label else sorted({n.label for n in graph.nodes.values()})
    found: list[str] = []
    for lab in labels:
        found.extend(i for i in idx.refs.get((lab, ref), []) if i not in found)
    return found


def _require(graph: PolicyGraph, ref: str, label: str) -> list[str]:
    found = find_nodes(graph, ref, label)
    if not found:
        raise SelectionError(f"no {label} {ref!r} in the graph")
    return found


def _edges_of(idx: _Index, node_id: str, allowed: frozenset[str] | None) -> Iterable[Edge]:
    for e in idx.out.get(node_id, ()):
        if allowed is None or e.type in allowed:
            yield e
    for e in idx.inc.get(node_id, ()):
        if allowed is None or e.type in allowed:
            yield e


def _units(graph: PolicyGraph, idx: _Index, dept_ids: list[str]) -> list[str]:
    """The departments and, transitively, every division/unit that is a sub-organisation of them."""
    out = list(dept_ids)
    seen = set(dept_ids)
    queue = deque(dept_ids)
    while queue:
        current = queue.popleft()
        for e in idx.inc.get(current, ()):
            if e.type == "SUB_ORGANIZATION_OF" and e.source not in seen:
                seen.add(e.source)
                out.append(e.source)
                queue.append(e.source)
    return out


def _tasks_of_departments(graph: PolicyGraph, idx: _Index, dept_ids: Iterable[str]) -> list[str]:
    tasks: list[str] = []
    seen: set[str] = set()
    for d in dept_ids:
        for e in idx.inc.get(d, ()):
            if e.type in ("LEAD", "SUPPORT") and e.source not in seen:
                seen.add(e.source)
                tasks.append(e.source)
    return tasks


def _task_document(graph: PolicyGraph, idx: _Index, task_id: str) -> Node | None:
    for e in idx.inc.get(task_id, ()):
        if e.type == "HAS_TASK":
            return graph.nodes[e.source]
        if e.type == "HAS_MEASURE":   # a school measure belongs to the document of its task
            return _task_document(graph, idx, e.source)
    return None


def _due_within(graph: PolicyGraph, idx: _Index, task_id: str, lo: date | None, hi: date | None) -> bool:
    """Whether one of the task's deadlines falls due in [lo, hi]: a period is due at its end."""
    for e in idx.out.get(task_id, ()):
        if e.type != "HAS_DEADLINE":
            continue
        props = graph.nodes[e.target].props
        due = _as_date(props.get("end")) or _as_date(props.get("start"))
        if due is not None and (lo is None or due >= lo) and (hi is None or due <= hi):
            return True
    return False


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class _Filter:
    """The level / jurisdiction / deadline filters of a selection, applied to one node at a time."""

    def __init__(self, graph: PolicyGraph, idx: _Index, sel: Selection) -> None:
        self.graph, self.idx, self.sel = graph, idx, sel
        self.levels = set(sel.levels)
        self.jurisdictions = set(sel.jurisdictions)
        self.dated = sel.deadline_from is not None or sel.deadline_to is not None

    def _place_ok(self, props: dict) -> bool:
        if self.levels and props.get("level") is not None and not _level_in(props["level"], self.levels):
            return False
        if self.jurisdictions and props.get("jurisdiction") is not None \
                and props["jurisdiction"] not in self.jurisdictions:
            return False
        return True

    def task_ok(self, task_id: str) -> bool:
        if not (self.levels or self.jurisdictions or self.dated):
            return True
        doc = _task_document(self.graph, self.idx, task_id)
        if doc is not None and not self._place_ok(doc.props):
            return False
        if self.dated and not _due_within(self.graph, self.idx, task_id,
                                                  self.sel.deadline_from, self.sel.deadline_to):
            return False
        return True

    def node_ok(self, node_id: str) -> bool:
        node = self.graph.nodes[node_id]
        if node.label in TASK_LABELS:
            return self.task_ok(node_id)
        if node.label in ("Document", "Department"):
            return self._place_ok(node.props)
        return True


def _level_in(level: str, levels: set[str]) -> bool:
    # combined lists carry "provincial+institution": either part matches
    return any(part in levels for part in str(level).split("+"))


def select(graph: PolicyGraph, selection: Selection) -> SelectedGraph:
    """The part of ``graph`` that ``selection`` names, capped at ``selection.max_nodes`` nodes."""
    idx = _index(graph)
    allowed = frozenset(selection.relation_types) if selection.relation_types else None
    keep = _Filter(graph, idx, selection)
    focus, ordered = _choose(graph, idx, selection, allowed, keep)

    result = SelectedGraph()
    result.focus = focus
    result.total_nodes = len(ordered)
    if len(ordered) > selection.max_nodes:
        result.cut = True
        ordered = ordered[:selection.max_nodes]
    for node_id in ordered:
        result.add_node(graph.nodes[node_id])
    chosen = set(ordered)
    for node_id in ordered:
        for e in idx.out.get(node_id, ()):
            if e.target in chosen and (allowed is None or e.type in allowed):
                result.add_edge(e)
    return result


def matching_tasks(graph: PolicyGraph, selection: Selection) -> list[str]:
    """The task (and school measure) ids a task-centred selection picks, after its filters, in graph order."""
    idx = _index(graph)
    return _focus_and_tasks(graph, idx, selection, _Filter(graph, idx, selection))[2]


def _focus_and_tasks(graph: PolicyGraph, idx: _Index, sel: Selection,
                     keep: _Filter) -> tuple[list[str], list[str], list[str]]:
    """The focus nodes, those of them the user named (they stay whatever the filters say), and the tasks."""
    focus: list[str] = []
    named: list[str] = []
    task_sets: list[list[str]] = []
    if sel.department is not None:
        depts = _require(graph, sel.department, "Department")
        named += depts
        if sel.with_units:
            depts = _units(graph, idx, depts)
        focus += depts
        task_sets.append(_tasks_of_departments(graph, idx, depts))
    if sel.document is not None:
        docs = _require(graph, sel.document, "Document")
        named += docs
        focus += docs
        own = [e.target for d in docs for e in idx.out.get(d, ()) if e.type == "HAS_TASK"]
        # a school's measures answer its document's rows: they are the document's too (as counted unfiltered)
        task_sets.append(own + [e.target for t in own for e in idx.out.get(t, ()) if e.type == "HAS_MEASURE"])
    if sel.function is not None:
        funcs = find_nodes(graph, sel.function, "Function")
        depts = [n.id for n in graph.nodes_by_label("Department") if n.props.get("function") == sel.function]
        for f in funcs:
            depts += [e.source for e in idx.inc.get(f, ()) if e.type == "HAS_FUNCTION" and e.source not in depts]
        if not funcs and not depts:
            raise SelectionError(f"no function {sel.function!r} in the graph")
        named += funcs
        focus += funcs + depts
        task_sets.append(_tasks_of_departments(graph, idx, depts))
    if sel.nodes:
        listed: list[str] = []
        for ref in sel.nodes:
            listed += [i for i in find_nodes(graph, ref) if i not in listed]
        named += listed
        focus += listed
        task_sets.append([i for i in listed if graph.nodes[i].label in TASK_LABELS])

    if not task_sets:   # no focus: every task, filtered
        tasks = [n.id for n in graph.nodes.values() if n.label in TASK_LABELS]
    else:
        tasks = task_sets[0]
        for other in task_sets[1:]:   # several focuses: the tasks they share
            wanted = set(other)
            tasks = [t for t in tasks if t in wanted]
    tasks = [t for t in tasks if keep.task_ok(t)]
    return _dedupe(focus), named, tasks


def _choose(graph: PolicyGraph, idx: _Index, sel: Selection, allowed: frozenset[str] | None,
            keep: _Filter) -> tuple[list[str], list[str]]:
    """The focus nodes and every selected node id, most important first (so the cap drops the periphery)."""
    if sel.center is not None:
        focus = find_nodes(graph, sel.center)
        if not focus:
            raise SelectionError(f"no node {sel.center!r} in the graph")
        return focus, _neighbourhood(idx, focus, sel.depth, allowed, keep)

    focus, named, tasks = _focus_and_tasks(graph, idx, sel, keep)
    ordered = _dedupe(f for f in focus if f in named or keep.node_ok(f))
    if sel.nodes and sel.depth > 0:   # a query result's rows, with their surroundings
        ordered = _dedupe(ordered + _neighbourhood(idx, ordered, sel.depth, allowed, keep))
    ordered = _dedupe(ordered + tasks)
    task_set = set(tasks)
    for t in tasks:   # each task's one-hop context
        for e in _edges_of(idx, t, allowed):
            other = e.target if e.source == t else e.source
            if graph.nodes[other].label in TASK_LABELS and other not in task_set:
                continue   # a neighbouring task outside the selection stays out (it may fail the filters)
            if keep.node_ok(other):
                ordered.append(other)
    return focus, _dedupe(ordered)


def _neighbourhood(idx: _Index, start: list[str], depth: int, allowed: frozenset[str] | None,
                   keep: _Filter) -> list[str]:
    """Breadth-first out to ``depth`` hops, either direction, not passing through filtered-out nodes."""
    order = list(start)
    seen = set(start)
    frontier = list(start)
    for _ in range(depth):
        nxt: list[str] = []
        for current in frontier:
            for e in _edges_of(idx, current, allowed):
                other = e.target if e.source == current else e.source
                if other in seen:
                    continue
                seen.add(other)
                if keep.node_ok(other):
                    order.append(other)
                    nxt.append(other)
        frontier = nxt
    return order


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
