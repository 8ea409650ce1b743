"""SHACL validation of a stored graph (pyshacl over ontology/shapes.ttl) and the counts users check it by."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from pyoxigraph import Quad

from policykg.graph.model import PolicyGraph
from policykg.graph.export.rdf import stored_quads
from policykg.ontology.mapping import ontology_text

SH = "http://www.w3.org/ns/shacl#"


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str = "Violation"

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus}{where}: {self.message}"


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return not self.violations


def summary_counts(graph: PolicyGraph) -> dict[str, int]:
    """What users compare with `policykg extract`: documents, tasks, responsible departments, targets, deadlines."""
    counts = graph.counts()
    responsible = {e.target for e in graph.edges.values() if e.type in ("LEAD", "SUPPORT")}
    return {"documents": counts.get("Document", 0), "tasks": counts.get("Task", 0),
            "departments": len(responsible), "departments incl. parents": counts.get("Department", 0),
            "targets": counts.get("Target", 0), "deadlines": counts.get("Deadline", 0)}


def _rdflib_graph(quads: Iterable[Quad]):
    """The quads as one rdflib Graph, each triple once (via N-Triples, the lossless hand-over)."""
    from pyoxigraph import RdfFormat, Triple, serialize
    from rdflib import Graph

    data = serialize((Triple(q.subject, q.predicate, q.object) for q in quads), format=RdfFormat.N_TRIPLES)
    return Graph().parse(data=data.decode("utf-8"), format="nt")


def validate_quads(quads: Iterable[Quad]) -> list[Violation]:
    import pyshacl
    from rdflib import RDF, Graph, Namespace

    sh = Namespace(SH)
    data = _rdflib_graph(quads)
    shapes = Graph().parse(data=ontology_text("shapes.ttl"), format="turtle")
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=False)
    out = []
    for result in report.subjects(RDF.type, sh.ValidationResult):
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage)
        severity = report.value(result, sh.resultSeverity)
        out.append(Violation(str(focus), str(path) if path is not None else None, str(message or "constraint failed"),
                             str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"))
    return sorted(out, key=lambda v: (v.focus, v.path or "", v.message))


def validate_store(store) -> ValidationReport:
    """Validate what a store holds: its own quads for RDF stores, else its graph written as RDF (Neo4j)."""
    return ValidationReport(validate_quads(stored_quads(store)), summary_counts(store.load_graph()))
