"""Store-wide totals on the RDF stores, so that a ranking over the whole store (top-departments,
co-responsibility) reads one value per department or pair instead of summing every document's summary
(graph/stores/summaries.py) at question time: at 100,000 tasks, 29,000 departments and 56,000 pairs against
82,000 department and 161,000 pair summaries.

- per department, on the Department node itself (``summaries.properties.Department`` in mapping.yaml): the sums
  of its per-document summaries' items, lead and support counts;
- per pair of departments, a PairSummary whose document is the whole store: ``doc_id`` TOTAL (""; no document
  has an empty id), so one pattern reads "this document's pairs, or the totals".

They are recomputed from the per-document summaries for the departments and pairs a write touched (those the
written documents name, and those their stored versions named): by Oxigraph's native writer right after the
documents' own transaction, from index lookups (``changes``); by a SPARQL endpoint in the same update as the
document (``refresh_texts``; the Fuseki tests hold the two to the same answers). A department or pair no document names any more loses its totals. Neo4j sums the per-document summaries
at question time (fast enough there, see the README's national-scale table).
"""
from __future__ import annotations

from typing import Callable, Iterable

from pyoxigraph import Literal, NamedNode, Quad

from policykg.graph.stores.rdf_codec import sparql_term
from policykg.graph.stores.summaries import summary_id
from policykg.ontology.mapping import Mapping

TOTAL = ""          # the doc_id of a store-wide pair total
_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
CHUNK = 2_000       # departments or pairs per update


class Totals:
    """The mapping's terms for totals, and the updates that recompute them."""

    def __init__(self, m: Mapping) -> None:
        self.m = m
        dept, pair = m.summary_nodes["DepartmentSummary"], m.summary_nodes["PairSummary"]
        on_department = m.summary_props["Department"]
        self.doc = NamedNode(dept.properties["doc_id"].iri)
        self.of = NamedNode(m.summary_rels["SUMMARIZES"].iri)
        self.first = NamedNode(m.summary_rels["FIRST_OF_PAIR"].iri)
        self.second = NamedNode(m.summary_rels["SECOND_OF_PAIR"].iri)
        # (summed predicate, total's predicate, the total's default: a total equal to it is not written)
        self.department_sums = [(NamedNode(dept.properties[name].iri), NamedNode(on_department[f"total_{name}"].iri),
                                 on_department[f"total_{name}"].default) for name in ("items", "lead", "support")]
        shared = NamedNode(pair.properties["shared"].iri)
        self.pair_sums = [(shared, shared, pair.properties["shared"].default)]
        self.pair_prefix = m.node_iri(summary_id("pair", TOTAL, ""))

    def named_in(self, quads: Iterable[Quad]) -> tuple[set[str], set[tuple[str, str]]]:
        """The departments and the pairs (first, second) that these summary quads count."""
        departments: set[str] = set()
        ends: dict[str, dict[str, str]] = {}
        for q in quads:
            if q.predicate == self.of:
                departments.add(q.object.value)
            elif q.predicate == self.first or q.predicate == self.second:
                ends.setdefault(q.subject.value, {})[q.predicate.value] = q.object.value
        pairs = {(e[self.first.value], e[self.second.value]) for e in ends.values() if len(e) == 2}
        return departments, pairs

    def is_pair_total(self, iri: str) -> bool:
        return iri.startswith(self.pair_prefix)

    def pair_iri(self, first: str, second: str) -> str:
        return self.m.node_iri(summary_id("pair", TOTAL, f"{self.m.node_id(first)}|{self.m.node_id(second)}"))

    def changes(self, quads: Callable[..., Iterable[Quad]], departments: Iterable[str],
                pairs: Iterable[tuple[str, str]]) -> tuple[list[Quad], list[Quad]]:
        """(quads to remove, quads to add) that make the totals of these departments and pairs those of the
        stored summaries, found by index lookups (``quads(s, p, o)``: a store's quads_for_pattern) instead of a
        query, so the cost follows the summaries of what was touched, not the store's size: the embedded store's
        fast path (the same rule as ``refresh_texts``)."""
        delete: list[Quad] = []
        insert: list[Quad] = []
        total = Literal(TOTAL)

        def value(s, p) -> int:
            found = next(iter(quads(s, p, None)), None)
            return int(found.object.value) if found is not None else 0

        def written(node: NamedNode, sums: list[tuple], values: list[int]) -> list[Quad]:
            return [Quad(node, t, Literal(str(v), datatype=_INTEGER)) for (_p, t, d), v in zip(sums, values)
                    if v != (d or 0)]

        for dept in map(NamedNode, sorted(departments)):
            sums = [0] * len(self.department_sums)
            for q in quads(None, self.of, dept):
                for i, (p, _t, _d) in enumerate(self.department_sums):
                    sums[i] += value(q.subject, p)
            delete.extend(q for _p, t, _d in self.department_sums for q in quads(dept, t, None))
            if sums[0]:
                insert.extend(written(dept, self.department_sums, sums))
        by_first: dict[str, set[str]] = {}
        for first, second in pairs:
            by_first.setdefault(first, set()).add(second)
        for first in sorted(by_first):
            shared: dict[str, int] = {}
            for q in quads(None, self.first, NamedNode(first)):     # every pair summary of this first department
                s = q.subject
                if self.is_pair_total(s.value):
                    continue
                second = next(iter(quads(s, self.second, None))).object.value
                if second in by_first[first]:
                    shared[second] = shared.get(second, 0) + value(s, self.pair_sums[0][0])
            for second in sorted(by_first[first]):
                node = NamedNode(self.pair_iri(first, second))
                delete.extend(quads(node, None, None))
                if shared.get(second):
                    insert.extend([Quad(node, self.doc, total), Quad(node, self.first, NamedNode(first)),
                                   Quad(node, self.second, NamedNode(second)),
                                   *written(node, self.pair_sums, [shared[second]])])
        kept, gone = set(insert), set(delete)
        return [q for q in delete if q not in kept], [q for q in insert if q not in gone]

    def refresh_texts(self, departments: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[str]:
        """Updates that recompute the totals of these departments and pairs (IRIs)."""
        out = []
        departments, pairs = sorted(departments), sorted(pairs)
        for i in range(0, len(departments), CHUNK):
            rows = [(NamedNode(d), NamedNode(d)) for d in departments[i:i + CHUNK]]
            out.append(self._text(rows, [self.of], self.department_sums, own_node=False))
        for i in range(0, len(pairs), CHUNK):
            rows = [(NamedNode(a), NamedNode(b), NamedNode(self.pair_iri(a, b))) for a, b in pairs[i:i + CHUNK]]
            out.append(self._text(rows, [self.first, self.second], self.pair_sums, own_node=True))
        return out

    def _text(self, rows: list[tuple], ends: list[NamedNode], sums: list[tuple], own_node: bool) -> str:
        """rows: (the summaries' ends..., the node that holds the totals). ``own_node``: that node holds nothing
        else (a pair total: written whole, with its ends and the whole store as its document); otherwise only
        the totals' predicates are replaced on it (a department)."""
        keys = [f"?k{i}" for i in range(len(ends))]
        key_list = " ".join(keys)
        inner = " ".join("(" + " ".join(map(sparql_term, row[:-1])) + ")" for row in rows)
        outer = " ".join("(" + " ".join(map(sparql_term, row)) + ")" for row in rows)
        total_doc = f"{sparql_term(self.doc)} {sparql_term(Literal(TOTAL))}"
        keyed = " ; ".join(f"{sparql_term(p)} {k}" for p, k in zip(ends, keys))
        summed = " ".join(f"(SUM(COALESCE(?v{i}, 0)) AS ?sum{i})" for i in range(len(sums)))
        read = " ".join(f"OPTIONAL {{ ?s {sparql_term(p)} ?v{i} }}" for i, (p, _t, _d) in enumerate(sums))
        # a total equal to its declared default is not written (the store's convention): left unbound
        kept = " ".join(f"BIND(IF(?sum{i} = {d!r}, ?unwritten, ?sum{i}) AS ?w{i})" if d is not None
                        else f"BIND(?sum{i} AS ?w{i})" for i, (_p, _t, d) in enumerate(sums))
        written = " ; ".join(f"{sparql_term(t)} ?w{i}" for i, (_p, t, _d) in enumerate(sums))
        if own_node:
            delete = f"DELETE {{ ?t ?p ?o }} WHERE {{ VALUES ?t {{ {' '.join(sparql_term(r[-1]) for r in rows)} }} ?t ?p ?o }}"
            insert = f"?t {total_doc} ; {keyed} ; {written}"
        else:
            predicates = " ".join(sparql_term(t) for _p, t, _d in sums)
            delete = (f"DELETE {{ ?t ?p ?o }} WHERE {{ VALUES ?t {{ {' '.join(sparql_term(r[-1]) for r in rows)} }} "
                      f"VALUES ?p {{ {predicates} }} ?t ?p ?o }}")
            insert = f"?t {written}"
        return (f"{delete} ;\n"
                f"INSERT {{ {insert} }} WHERE {{\n"
                f"  {{ SELECT {key_list} {summed} WHERE {{\n"
                f"      VALUES ({key_list}) {{ {inner} }}\n"
                f"      ?s {keyed} ; {sparql_term(self.doc)} ?doc . FILTER(?doc != {sparql_term(Literal(TOTAL))})\n"
                f"      {read}\n"
                f"    }} GROUP BY {key_list} }}\n"
                f"  VALUES ({key_list} ?t) {{ {outer} }}\n"
                f"  {kept}\n"
                f"}}")


__all__ = ["CHUNK", "TOTAL", "Totals"]
