"""The one translator from typed extraction records to graph elements (biocypher's adapter → translator split).

Node ids are stable and store-independent, so re-ingesting a file yields the same ids:

    doc/{doc}  task/{doc}/{seq}  measure/{doc}/{seq}  target/{doc}/{seq}/{i}  deadline/{doc}/{seq}/{i}
    dept/{key}  function/{code}  jurisdiction/{name}

Owned nodes carry ``Node.doc``; departments, functions and jurisdictions are shared (``doc=None``). Edges made
for a document carry ``Edge.doc``; the edges among shared nodes (parent, function, jurisdiction) do not.
"""
from __future__ import annotations

from typing import Iterable

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.ontology import reference
from policykg.core.records import ExtractionResult, Provenance, ResolvedDepartment, TaskRecord, _plain


class BuildError(ValueError):
    """A record cannot be translated (e.g. departments not resolved yet)."""


def doc_id(doc: str) -> str:
    return f"doc/{doc}"


def task_id(doc: str, seq: int) -> str:
    return f"task/{doc}/{seq}"


def dept_id(key: str) -> str:
    return f"dept/{key}"


def build(results: Iterable[ExtractionResult]) -> PolicyGraph:
    graph = PolicyGraph()
    for result in results:
        _add_document(graph, result)
    return graph


def _add_document(g: PolicyGraph, result: ExtractionResult) -> None:
    meta = result.meta
    doc = meta.doc
    d = g.add_node(Node(doc_id(doc), "Document", _clean({
        "doc_id": doc, "title": meta.title, "issuing_body": meta.issuing_body, "level": meta.level,
        "jurisdiction": meta.jurisdiction, "date": meta.date, "document_numbers": list(meta.document_numbers),
        "cited_documents": list(meta.cited_documents), "file": meta.file, "sha256": meta.sha256,
    }), doc=doc))
    for seq, task in enumerate(result.tasks, start=1):
        t = _add_task(g, doc, seq, task)
        g.add_edge(Edge(d.id, "HAS_TASK", t.id, doc=doc))


def _add_task(g: PolicyGraph, doc: str, seq: int, task: TaskRecord) -> Node:
    deadline_text = task.deadline if not isinstance(task.deadline, list) else "；".join(task.deadline)
    t = g.add_node(Node(task_id(doc, seq), "Task", _clean({
        "doc_id": doc, "task_no": task.task_no, "seq": seq, "section": task.section, "text": task.text,
        "departments_open": task.departments_open, "deadline_text": deadline_text,
        "starts": list(task.starts), "frequencies": list(task.frequencies), **_provenance(task.provenance),
    }), doc=doc))
    where = f"{doc} task {task.task_no} (#{seq})"
    if task.departments and len(task.resolved) != len(task.departments):
        raise BuildError(f"{where}: {len(task.departments)} department mentions but {len(task.resolved)} resolved; "
                         "run policykg.ontology.resolve.resolve_result first")
    lead = set(task.lead)
    for position, (mention, res) in enumerate(zip(task.departments, task.resolved), start=1):
        dept = _add_department(g, res)
        rel = "LEAD" if mention in lead else "SUPPORT"
        g.add_edge(Edge(t.id, rel, dept.id, {"mention": mention, "position": position}, doc=doc))
    for i, target in enumerate(task.targets, start=1):
        n = g.add_node(Node(f"target/{doc}/{seq}/{i}", "Target", _clean({
            "doc_id": doc, "text": target.text, "value": target.value, "value_high": target.value_high,
            "unit": target.unit, "qualifier": _plain(target.qualifier), "object": target.object, **_span(target.span),
        }), doc=doc))
        g.add_edge(Edge(t.id, "HAS_TARGET", n.id, doc=doc))
    for i, deadline in enumerate(task.deadlines, start=1):
        n = g.add_node(Node(f"deadline/{doc}/{seq}/{i}", "Deadline", _clean({
            "doc_id": doc, "text": deadline.text, "kind": _plain(deadline.kind), "start": deadline.start,
            "end": deadline.end, "year": int(deadline.end[:4]) if deadline.end else None,
            "source": deadline.source, **_span(deadline.span),
        }), doc=doc))
        g.add_edge(Edge(t.id, "HAS_DEADLINE", n.id, doc=doc))
    if task.school_measures is not None:
        _add_measure(g, doc, seq, task, t, where)
    return t


def _add_measure(g: PolicyGraph, doc: str, seq: int, task: TaskRecord, t: Node, where: str) -> None:
    sm = task.school_measures
    prov = _provenance(task.provenance)
    m = g.add_node(Node(f"measure/{doc}/{seq}", "SchoolMeasure", _clean({
        "doc_id": doc, "task_no": task.task_no, "measure": sm.measure, "goals": list(sm.goals),
        "deadline_text": "；".join(sm.deadlines) or None, "pairing": sm.pairing,
        "location": prov.get("location"), "row": prov.get("row"),
    }), doc=doc))
    g.add_edge(Edge(t.id, "HAS_MEASURE", m.id, doc=doc))
    if sm.units and len(sm.resolved_units) != len(sm.units):
        raise BuildError(f"{where}: {len(sm.units)} school units but {len(sm.resolved_units)} resolved")
    # the first unit named leads the school's measure, the others support it
    for position, (mention, res) in enumerate(zip(sm.units, sm.resolved_units), start=1):
        dept = _add_department(g, res)
        g.add_edge(Edge(m.id, "LEAD" if position == 1 else "SUPPORT", dept.id,
                        {"mention": mention, "position": position}, doc=doc))


def _add_department(g: PolicyGraph, res: ResolvedDepartment) -> Node:
    if not res.key:
        raise BuildError(f"department mention {res.mention!r} has no key")
    dept = g.add_node(Node(dept_id(res.key), "Department", _clean({
        "key": res.key, "name": res.name, "name_en": res.name_en, "kind": res.kind, "level": res.level,
        "jurisdiction": res.jurisdiction, "function": res.function, "resolved": res.resolved, "scope": res.scope,
    })))
    if res.function:
        f = g.add_node(Node(f"function/{res.function}", "Function", _clean({
            "code": res.function, "label_zh": reference.function_label(res.function, "zh"),
            "label_en": reference.function_label(res.function, "en")})))
        g.add_edge(Edge(dept.id, "HAS_FUNCTION", f.id))
    if res.jurisdiction:
        j = g.add_node(Node(f"jurisdiction/{res.jurisdiction}", "Jurisdiction", _clean({
            "name": res.jurisdiction, "level": _jurisdiction_level(res.jurisdiction)})))
        g.add_edge(Edge(dept.id, "IN_JURISDICTION", j.id))
    if res.parent_key or res.parent:
        parent_key = res.parent_key or res.parent
        # the parent may never be mentioned itself: it still exists, with what the child tells of it
        parent = g.add_node(Node(dept_id(parent_key), "Department", _clean({"key": parent_key, "name": res.parent})))
        if parent.id != dept.id:
            g.add_edge(Edge(dept.id, "SUB_ORGANIZATION_OF", parent.id))
    return dept


def _jurisdiction_level(name: str) -> str | None:
    if name == reference.NATIONAL:
        return "national"
    found = reference.gazetteer().lookup(name)
    return found.level if found else None


def _provenance(p: Provenance | None) -> dict:
    if p is None:
        return {}
    return {"location": p.location, "row": p.row, **_span(p.span)}


def _span(span) -> dict:
    return {"span_start": span[0], "span_end": span[1]} if span else {}


def _clean(props: dict) -> dict:
    """Drop missing values and empty lists: absent is how both stores say 'not known'."""
    return {k: v for k, v in props.items() if v is not None and v != []}
