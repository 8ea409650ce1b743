"""Store-wide totals on the RDF stores, so that a ranking over the whole store (top-departments,
co-responsibility) reads one value per department or pair instead of summing every document's summary
(graph/stores/summaries.py) at question time: at 100,000 tasks, 29,000 departments and 56,000 pairs against
82,000 department and 161,000 pair summaries.

- per department, on the Department node itself (``summaries.properties.Department`` in mapping.yaml): the sums
  of its per-document summaries' items, lead and support counts;
- per pair of departments, a PairSummary whose document is the whole store: ``doc_id`` TOTAL (""; no document
  has an empty id), so one pattern reads "this document's pairs, or the totals".

Oxigraph's native writer adds to them, right after the documents' own transaction, what the write changed: the
written documents' summaries minus those of the versions they replace (``counts_in``, ``changes``: a few index
lookups per department or pair touched, whatever the store's size). A SPARQL endpoint recomputes the totals of
what a document touched from the stored summaries, in the same update as the document (``refresh_texts``). The
Fuseki tests hold the two to the same answers; a store whose totals are missing gets them recomputed. A department or pair no document names any more loses its totals. Neo4j sums the per-document summaries
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
        self.on_department = {t for _p, t, _d in self.department_sums}
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

    def counts_in(self, quads: Iterable[Quad]) -> tuple[dict[str, list[int]], dict[tuple[str, str], int]]:
        """What these summary quads count: department -> [items, lead, support], (first, second) -> shared."""
        by_subject: dict[str, dict[str, object]] = {}
        for q in quads:
            by_subject.setdefault(q.subject.value, {})[q.predicate.value] = q.object
        departments: dict[str, list[int]] = {}
        pairs: dict[tuple[str, str], int] = {}
        for subject, values in by_subject.items():
            if self.is_pair_total(subject):
                continue
            dept = values.get(self.of.value)
            if dept is not None:
                add = [int(values[p.value].value) if p.value in values else 0 for p, _t, _d in self.department_sums]
                departments[dept.value] = [a + b for a, b in zip(departments.get(dept.value, [0, 0, 0]), add)]
            first, second = values.get(self.first.value), values.get(self.second.value)
            if first is not None and second is not None:
                shared = values.get(self.pair_sums[0][0].value)
                key = (first.value, second.value)
                pairs[key] = pairs.get(key, 0) + (int(shared.value) if shared is not None else 0)
        return departments, pairs

    def changes(self, quads: Callable[..., Iterable[Quad]], departments: dict[str, list[int]],
                pairs: dict[tuple[str, str], int]) -> tuple[list[Quad], list[Quad]]:
        """(quads to remove, quads to add) that add these changes of the counts (new summaries minus the ones
        they replace) to the stored totals, read by index lookups (``quads(s, p, o)``: a store's
        quads_for_pattern): the cost follows what a write touched, not the store's size. The embedded store's
        path; a total that falls to zero is removed."""
        delete: list[Quad] = []
        insert: list[Quad] = []

        def stored(node: NamedNode, p: NamedNode) -> tuple[int, list[Quad]]:
            found = list(quads(node, p, None))
            return sum(int(q.object.value) for q in found), found

        for dept, change in sorted(departments.items()):
            if not any(change):
                continue
            node = NamedNode(dept)
            for (_p, t, d), add in zip(self.department_sums, change):
                value, old = stored(node, t)
                delete.extend(old)
                if value + add != (d or 0):
                    insert.append(Quad(node, t, Literal(str(value + add), datatype=_INTEGER)))
        for (first, second), add in sorted(pairs.items()):
            if not add:
                continue
            node = NamedNode(self.pair_iri(first, second))
            value, old = stored(node, self.pair_sums[0][1])
            delete.extend(quads(node, None, None))
            if value + add:
                insert.extend([Quad(node, self.doc, Literal(TOTAL)), Quad(node, self.first, NamedNode(first)),
                               Quad(node, self.second, NamedNode(second)),
                               Quad(node, self.pair_sums[0][1], Literal(str(value + add), datatype=_INTEGER))])
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
