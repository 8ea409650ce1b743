"""Store-wide totals on the RDF stores, so that the ranking of departments over the whole store
(top-departments) reads one value per department instead of summing every document's department summary
(graph/stores/summaries.py) at question time: at 100,000 tasks, 29,000 departments against 82,000 summaries.

Per department, on the Department node itself (``summaries.properties.Department`` in mapping.yaml): the sums of
its per-document summaries' items, lead and support counts. Oxigraph's native writer adds to them, right after
the documents' own transaction, what the write changed: the written documents' summaries minus those of the
versions they replace (``counts_in``, ``changes``: a few look-ups per department touched, whatever the store's
size). A SPARQL endpoint recomputes the totals of the departments a document touched from the stored summaries,
in the same update as the document (``refresh_texts``). The Fuseki tests hold the two to the same answers; a
store without totals gets them when opened for writing. Neo4j sums the per-document summaries at question time
(fast enough there, see the README's national-scale table).

Pairs of departments have no totals: 56,000 pair totals at 100,000 tasks cost 2.2 quads per task and most of the
totals' write time, for `co-responsibility` 2,189 -> 1,815 ms, still over its target (measured, then dropped).

``TargetChanges``: the other store-wide counts, of the links' changed target pairs per higher task, rebuilt
with each completed link run, that `target-changes` cuts its page on. ``target_counts_text``: the documents'
per-unit target counts, for a store written before the writers kept them.
"""
from __future__ import annotations

from typing import Callable, Iterable

from pyoxigraph import Literal, NamedNode, Quad

from policykg.graph.stores.rdf_codec import sparql_term
from policykg.ontology.mapping import Mapping

CHUNK = 2_000       # departments per update text
_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class Totals:
    """The mapping's terms for the department totals, and how to bring them up to date."""

    def __init__(self, m: Mapping) -> None:
        self.m = m
        summary = m.summary_nodes["DepartmentSummary"]
        on_department = m.summary_props["Department"]
        self.of = NamedNode(m.summary_rels["SUMMARIZES"].iri)
        # (summed predicate, total's predicate, the total's default: a total equal to it is not written)
        self.sums = [(NamedNode(summary.properties[name].iri), NamedNode(on_department[f"total_{name}"].iri),
                      on_department[f"total_{name}"].default) for name in ("items", "lead", "support")]
        self.on_department = {t for _p, t, _d in self.sums}

    def named_in(self, quads: Iterable[Quad]) -> set[str]:
        """The departments these summary quads count."""
        return {q.object.value for q in quads if q.predicate == self.of}

    def counts_in(self, quads: Iterable[Quad]) -> dict[str, list[int]]:
        """What these summary quads count: department -> [items, lead, support]."""
        by_subject: dict[str, dict[str, object]] = {}
        for q in quads:
            by_subject.setdefault(q.subject.value, {})[q.predicate.value] = q.object
        out: dict[str, list[int]] = {}
        for values in by_subject.values():
            dept = values.get(self.of.value)
            if dept is not None:
                add_counts(out, {dept.value: [int(values[p.value].value) if p.value in values else 0
                                              for p, _t, _d in self.sums]})
        return out

    def changes(self, current: Callable[[NamedNode, NamedNode], int], departments: dict[str, list[int]]
                ) -> tuple[list[Quad], list[Quad], dict]:
        """(quads to remove, quads to add, the new values by (department, predicate)) that add these changes of
        the counts (new summaries minus the ones they replace) to the stored totals; ``current(node,
        predicate)``: a stored total (0 when none). A total equal to its default is not written."""
        delete: list[Quad] = []
        insert: list[Quad] = []
        values: dict[tuple[NamedNode, NamedNode], int] = {}
        for dept, change in sorted(departments.items()):
            node = NamedNode(dept)
            for (_p, t, d), add in zip(self.sums, change):
                if not add:
                    continue
                old = current(node, t)
                values[(node, t)] = old + add
                if old != (d or 0):
                    delete.append(Quad(node, t, Literal(str(old), datatype=_INTEGER)))
                if old + add != (d or 0):
                    insert.append(Quad(node, t, Literal(str(old + add), datatype=_INTEGER)))
        return delete, insert, values

    def refresh_texts(self, departments: Iterable[str]) -> list[str]:
        """Updates that recompute the totals of these departments (IRIs) from the stored summaries; a department
        no summary counts any more loses its totals."""
        departments = sorted(departments)
        return [self._text(departments[i:i + CHUNK]) for i in range(0, len(departments), CHUNK)]

    def _text(self, departments: list[str]) -> str:
        values = " ".join(sparql_term(NamedNode(d)) for d in departments)
        predicates = " ".join(sparql_term(t) for _p, t, _d in self.sums)
        summed = " ".join(f"(SUM(COALESCE(?v{i}, 0)) AS ?sum{i})" for i in range(len(self.sums)))
        read = " ".join(f"OPTIONAL {{ ?s {sparql_term(p)} ?v{i} }}" for i, (p, _t, _d) in enumerate(self.sums))
        # a total equal to its declared default is not written (the store's convention): left unbound
        kept = " ".join(f"BIND(IF(?sum{i} = {d!r}, ?unwritten, ?sum{i}) AS ?w{i})" if d is not None
                        else f"BIND(?sum{i} AS ?w{i})" for i, (_p, _t, d) in enumerate(self.sums))
        written = " ; ".join(f"{sparql_term(t)} ?w{i}" for i, (_p, t, _d) in enumerate(self.sums))
        return (f"DELETE {{ ?d ?p ?o }} WHERE {{ VALUES ?d {{ {values} }} VALUES ?p {{ {predicates} }} ?d ?p ?o }} ;\n"
                f"INSERT {{ ?d {written} }} WHERE {{\n"
                f"  {{ SELECT ?d {summed} WHERE {{\n"
                f"      VALUES ?d {{ {values} }}\n"
                f"      ?s {sparql_term(self.of)} ?d . {read}\n"
                f"    }} GROUP BY ?d }}\n"
                f"  {kept}\n"
                f"}}")


class TargetChanges:
    """What ``target-changes`` cuts on (``summaries.properties.Task.target_change`` in mapping.yaml): on each
    higher task, one "<confident|review>|<lower level>|<rows>|<unit>" per kind of changed target pair reaching it
    through an IMPLEMENTS link, with the number of such pairs (the query's rows of that kind). Rebuilt whole with
    every completed link run (links are rebuilt whole too), in the same update; ``kept`` marks the link state as
    having them (a store linked before them lacks the mark).

    Between a lower document's replacement and the next link run a value may outlive its links; the listing then
    misses rows, while ``policykg validate`` reports the links stale (an ingest relinks)."""

    def __init__(self, m: Mapping, state_subject: NamedNode) -> None:
        self.predicate = NamedNode(m.summary_props["Task"]["target_change"].iri)
        self.kept = Quad(state_subject, NamedNode(m.expand("pk:targetChangesKept")), Literal(True))
        target, link = m.nodes["Target"].properties, m.layout.link_nodes["IMPLEMENTS"]
        document = m.nodes["Document"]
        self._terms = {
            "change": sparql_term(self.predicate), "restates": f"<{m.relationships['RESTATES_TARGET'].iri}>",
            "has_target": f"<{m.relationships['HAS_TARGET'].iri}>", "unit": f"<{target['unit'].iri}>",
            "value": f"<{target['value'].iri}>", "from": f"<{link.from_iri}>", "to": f"<{link.to_iri}>",
            "review": f"<{m.relationships['IMPLEMENTS'].properties['review'].iri}>",
            "task_doc": f"<{m.nodes['Task'].properties['doc_id'].iri}>", "document": f"<{document.class_iri}>",
            "doc_id": f"<{document.properties['doc_id'].iri}>", "level": f"<{document.properties['level'].iri}>",
        }

    def refresh_text(self) -> str:
        """One update: remove every value, count them again from the stored links, and write the mark. The
        pattern is the query's (same pairs, same level of the lower document)."""
        t = self._terms
        return (f"DELETE WHERE {{ ?task {t['change']} ?k }} ;\n"
                f"INSERT {{ ?higher {t['change']} ?k }} WHERE {{\n"
                f" SELECT ?higher (CONCAT(?review_level, \"|\", STR(COUNT(*)), \"|\", ?unit) AS ?k) WHERE {{\n"
                f"  ?lt {t['restates']} ?ht . ?lt {t['unit']} ?unit ; {t['value']} ?lv . "
                f"?ht {t['unit']} ?unit ; {t['value']} ?hv . FILTER(?lv != ?hv)\n"
                f"  ?lower {t['has_target']} ?lt . ?higher {t['has_target']} ?ht .\n"
                f"  ?link {t['from']} ?lower ; {t['to']} ?higher ; {t['review']} ?review .\n"
                f"  ?lower {t['task_doc']} ?doc . ?d a {t['document']} ; {t['doc_id']} ?doc ; {t['level']} ?dl .\n"
                f"  BIND(CONCAT(IF(?review, \"review\", \"confident\"), \"|\", "
                f"IF(CONTAINS(?dl, \"+\"), STRBEFORE(?dl, \"+\"), ?dl)) AS ?review_level)\n"
                f" }} GROUP BY ?higher ?review_level ?unit\n"
                f"}} ;\n"
                f"INSERT DATA {{ {sparql_term(self.kept.subject)} {sparql_term(self.kept.predicate)} "
                f"{sparql_term(self.kept.object)} }}")


def target_counts_text(m: Mapping) -> str:
    """One update giving every document the per-unit target counts (``summaries.properties.Document.
    target_counts``) that its writer computes (summaries.target_counts): for a store written before them."""
    document, target = m.nodes["Document"], m.nodes["Target"].properties
    count = sparql_term(NamedNode(m.summary_props["Document"]["target_counts"].iri))
    return (f"INSERT {{ ?d {count} ?k }} WHERE {{\n"
            f" SELECT ?d (CONCAT(STR(COUNT(DISTINCT ?tg)), \"|\", ?unit) AS ?k) WHERE {{\n"
            f"  ?d a <{document.class_iri}> ; <{document.properties['doc_id'].iri}> ?doc .\n"
            f"  ?t <{m.nodes['Task'].properties['doc_id'].iri}> ?doc ; <{m.relationships['HAS_TARGET'].iri}> ?tg .\n"
            f"  ?tg <{target['text'].iri}> ?text . OPTIONAL {{ ?tg <{target['unit'].iri}> ?own_unit }}\n"
            f"  BIND(COALESCE(?own_unit, \"\") AS ?unit)\n"
            f" }} GROUP BY ?d ?unit\n"
            f"}}")


def add_counts(counts: dict[str, list[int]], more: dict[str, list[int]], sign: int = 1) -> None:
    """Add ``sign`` times ``more`` into ``counts`` (department -> [items, lead, support]), in place: the bulk
    loader adds every document's into one dict."""
    for dept, values in more.items():
        counts[dept] = [a + sign * b for a, b in zip(counts.get(dept, [0] * len(values)), values)]


__all__ = ["CHUNK", "TargetChanges", "Totals", "add_counts", "target_counts_text"]
