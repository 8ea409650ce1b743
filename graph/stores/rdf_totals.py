"""Store-wide totals on the RDF stores, so that a ranking over the whole store reads one value per department or
pair of departments instead of summing every document's summaries (graph/stores/summaries.py) at question time:
at 100,000 tasks, 29,000 department totals against 82,000 summaries (top-departments) and 56,000 pair totals
against the 161,000 pairs of departments named together in one document (co-responsibility).

- per department, on the Department node itself (``summaries.properties.Department`` in mapping.yaml): the sums
  of its per-document summaries' items, lead and support counts;
- per pair of departments, a pair total: a PairSummary node of no document (``pair_iri``), with its ends
  (TOTAL_FIRST, TOTAL_SECOND) and the items naming both (``total``); it exists while that count is not zero.
  Its ends are no reference that keeps a department alive (the writers' orphan checks skip them). No store
  keeps a pair summary per document: a write counts the pairs of the items it adds and removes from their
  LEAD / SUPPORT edges.

Oxigraph's native writer adds to them, right after the documents' own transaction, what the write changed: the
written documents' counts minus those of the versions they replace (``counts_in``, ``changes``: a few look-ups
per department or pair touched, whatever the store's size). The store is marked (``pending``) before the
documents go in and unmarked in the totals' own transaction, so a writer killed in between leaves a mark from
which the next writer rebuilds them. A SPARQL endpoint recomputes the totals of the departments and pairs a
document touched from the stored summaries and edges, in the same update as the document
(``refresh_texts``). The Fuseki tests hold the two to the same answers; a store without totals gets them when
opened for writing. Neo4j keeps the same totals (graph/stores/neo4j_totals.py).

``TargetChanges``: the other store-wide counts, of the links' changed target pairs per higher task, rebuilt
with each completed link run, that `target-changes` cuts its page on; ``FollowedLevels``, rebuilt with them: the
levels that follow each national task, that `implementation-gaps` reads. ``target_counts_text``: the documents'
per-unit target counts, for a store written before the writers kept them.
"""
from __future__ import annotations

from typing import Callable, Iterable

from pyoxigraph import Literal, NamedNode, Quad

from policykg.graph.stores.rdf_codec import sparql_term, state_subject
from policykg.graph.stores.summaries import RESPONSIBLE, TOTALLED, Counts, add_counts, department_pairs, pair_total_id
from policykg.ontology.mapping import Mapping

CHUNK = 2_000       # departments or pairs per update text
PAIR_CACHE = 200_000    # pair totals' nodes remembered (56,000 at 100,000 tasks; ~300 bytes each)
_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class Totals:
    """The mapping's terms for the store-wide totals, and how to bring them up to date."""

    def __init__(self, m: Mapping) -> None:
        self.m = m
        summary, pair = m.summary_nodes["DepartmentSummary"], m.summary_nodes["PairSummary"]
        on_department = m.summary_props["Department"]
        self.of = NamedNode(m.summary_rels["SUMMARIZES"].iri)
        # (summed predicate, total's predicate, the total's default: a total equal to it is not written)
        self.sums = [(NamedNode(summary.properties[name].iri), NamedNode(on_department[f"total_{name}"].iri),
                      on_department[f"total_{name}"].default) for name in TOTALLED]
        self.on_department = {t for _p, t, _d in self.sums}
        # a document's pairs are counted from its items' LEAD / SUPPORT edges (no pair summary per document)
        self.responsible = {NamedNode(m.relationships[r].iri) for r in RESPONSIBLE}
        self.responsible_path = "|".join(sorted(sparql_term(p) for p in self.responsible))   # SPARQL: lead or support
        self.pair_total = NamedNode(pair.properties["total"].iri)
        self.total_ends = (NamedNode(m.summary_rels["TOTAL_FIRST"].iri), NamedNode(m.summary_rels["TOTAL_SECOND"].iri))
        self.pair_predicates = (self.pair_total, *self.total_ends)
        self.counted = {self.of, *(p for p, _t, _d in self.sums)}
        self._numbers: dict[int, Literal] = {}      # the totals' literals, made once each (a write makes ~10^5)
        self._pairs: dict[tuple[str, str], NamedNode] = {}     # pair totals' nodes: a pair recurs in many writes
        # marked before a writer's documents go in, unmarked with their totals: a writer killed in between leaves
        # it, and the next writer rebuilds the totals (OxigraphStore)
        self.pending = Quad(state_subject(m, "totals"), NamedNode(m.expand("pk:totalsPending")), Literal(True))

    def pair_iri(self, first: str, second: str) -> NamedNode:
        """The pair total's node: a PairSummary of no document (no document has an empty id)."""
        found = self._pairs.get((first, second))
        if found is None:
            if len(self._pairs) >= PAIR_CACHE:
                self._pairs.clear()
            found = self._pairs[(first, second)] = NamedNode(self.m.node_iri(pair_total_id(first, second)))
        return found

    def named_in(self, quads: Iterable[Quad]) -> tuple[set[str], set[tuple[str, str]]]:
        """The departments and the pairs (first, second) these summary quads count."""
        counts = self.counts_in(quads)
        return {k for k in counts if isinstance(k, str)}, {k for k in counts if isinstance(k, tuple)}

    def counts_in(self, quads: Iterable[Quad]) -> Counts:
        """What these quads count (a document's or a replaced version's): the departments' counts from its
        department summaries, the pairs' from its items' LEAD / SUPPORT edges (``pairs_named``)."""
        by_subject: dict[str, dict[str, object]] = {}
        named: list[tuple[str, str]] = []
        counted, responsible = self.counted, self.responsible
        for q in quads:
            p = q.predicate
            if p in counted:      # most of a document's quads are not summaries': skipped unread
                by_subject.setdefault(q.subject.value, {})[p.value] = q.object
            elif p in responsible:
                named.append((q.subject.value, q.object.value))
        out: Counts = {}
        for values in by_subject.values():
            dept = values.get(self.of.value)
            if dept is not None:
                add_counts(out, {dept.value: [int(values[p.value].value) if p.value in values else 0
                                              for p, _t, _d in self.sums]})
        add_counts(out, self.pairs_named(named))
        return out

    def pairs_named(self, named: Iterable[tuple[str, str]]) -> Counts:
        """(item IRI, department IRI) edges -> (first department IRI, second) -> [the items naming both], ordered
        by node id as summaries.department_pairs orders them (and Neo4j, which keys them by id)."""
        node_id, iri = self.m.node_id, self.m.node_iri
        return {(iri(first), iri(second)): n for (first, second), n in
                department_pairs((item, node_id(dept)) for item, dept in named).items()}

    def changes(self, current: Callable[[NamedNode, NamedNode], int], counts: Counts
                ) -> tuple[list[Quad], list[Quad], dict]:
        """(quads to remove, quads to add, the new values by (node, predicate)) that add these changes of the
        counts (new summaries minus the ones they replace) to the stored totals; ``current(node, predicate)``: a
        stored total (0 when none). A total equal to its default is not written; a pair total of 0 goes with its
        ends."""
        delete: list[Quad] = []
        insert: list[Quad] = []
        values: dict[tuple[NamedNode, NamedNode], int] = {}
        for key, change in counts.items():
            if isinstance(key, tuple):
                node, sums = self.pair_iri(*key), [(None, self.pair_total, 0)]
            else:
                node, sums = NamedNode(key), self.sums
            for (_p, t, d), add in zip(sums, change):
                if not add:
                    continue
                old = current(node, t)
                values[(node, t)] = old + add
                if old != (d or 0):
                    delete.append(Quad(node, t, self._number(old)))
                if old + add != (d or 0):
                    insert.append(Quad(node, t, self._number(old + add)))
                if isinstance(key, tuple) and (old == 0) != (old + add == 0):   # a pair total comes or goes
                    ends = [Quad(node, p, NamedNode(end)) for p, end in zip(self.total_ends, key)]
                    (insert if old == 0 else delete).extend(ends)
        return delete, insert, values

    def _number(self, value: int) -> Literal:
        found = self._numbers.get(value)
        if found is None:
            found = self._numbers[value] = Literal(str(value), datatype=_INTEGER)
        return found

    def refresh_texts(self, departments: Iterable[str], pairs: Iterable[tuple[str, str]] = ()) -> list[str]:
        """Updates that recompute the totals of these departments and pairs (IRIs) from the stored summaries; a
        department or pair no summary counts any more loses its totals."""
        departments, pairs = sorted(departments), sorted(pairs)
        return ([self._department_text(departments[i:i + CHUNK]) for i in range(0, len(departments), CHUNK)]
                + [self._pair_text(pairs[i:i + CHUNK]) for i in range(0, len(pairs), CHUNK)])

    def _department_text(self, departments: list[str]) -> str:
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

    def _pair_text(self, pairs: list[tuple[str, str]]) -> str:
        rows = [(NamedNode(a), NamedNode(b), self.pair_iri(a, b)) for a, b in pairs]
        ends = " ".join(f"({sparql_term(a)} {sparql_term(b)})" for a, b, _t in rows)
        nodes = " ".join(f"({sparql_term(a)} {sparql_term(b)} {sparql_term(t)})" for a, b, t in rows)
        first, second = (sparql_term(p) for p in self.total_ends)
        # the items naming both (counts_in's rule); a pair no item names any more forms no group: its total is
        # removed and not written again
        return (f"DELETE {{ ?t ?p ?o }} WHERE {{ VALUES ?t {{ {' '.join(sparql_term(t) for _a, _b, t in rows)} }} "
                f"?t ?p ?o }} ;\n"
                f"INSERT {{ ?t {first} ?a ; {second} ?b ; {sparql_term(self.pair_total)} ?sum }} WHERE {{\n"
                f"  {{ SELECT ?a ?b (COUNT(DISTINCT ?item) AS ?sum) WHERE {{\n"
                f"      VALUES (?a ?b) {{ {ends} }}\n"
                f"      ?item {self.responsible_path} ?a . ?item {self.responsible_path} ?b .\n"
                f"    }} GROUP BY ?a ?b }}\n"
                f"  VALUES (?a ?b ?t) {{ {nodes} }}\n"
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


class FollowedLevels:
    """What ``implementation-gaps`` reads when no jurisdiction is asked for (``summaries.properties.Task.
    followed_at`` in mapping.yaml): on each national task, "any|<level>" when an item at that level reaches it
    through one to three IMPLEMENTS links, and "confident|<level>" when one does through confident links only
    (an item's level is its document's, before any "+"; a school measure's is "institution"). Rebuilt whole with
    every completed link run, in the same update, as ``TargetChanges``; ``kept`` marks the link state as having
    them. The walk up from every item at a level took 1.0–5.5 s per question at 100,000 tasks; this rebuild
    took 7.3 s there, once per link run.

    The values are the walk's answer for every level at once: the distinct items reached are kept per (level,
    item, all links confident) after the first link, and the two further links followed from those. Between a
    lower document's replacement and the next link run a value may outlive its links, as ``TargetChanges``'s."""

    def __init__(self, m: Mapping, state_subject: NamedNode) -> None:
        self.predicate = NamedNode(m.summary_props["Task"]["followed_at"].iri)
        self.kept = Quad(state_subject, NamedNode(m.expand("pk:followedLevelsKept")), Literal(True))
        link, document = m.layout.link_nodes["IMPLEMENTS"], m.nodes["Document"]
        self._terms = {
            "followed": sparql_term(self.predicate), "implements": f"<{m.relationships['IMPLEMENTS'].iri}>",
            "review": f"<{m.relationships['IMPLEMENTS'].properties['review'].iri}>",
            "from": f"<{link.from_iri}>", "to": f"<{link.to_iri}>", "document": f"<{document.class_iri}>",
            "level": f"<{document.properties['level'].iri}>", "has_task": f"<{m.relationships['HAS_TASK'].iri}>",
            "has_measure": f"<{m.relationships['HAS_MEASURE'].iri}>",
        }

    def refresh_text(self) -> str:
        """One update: remove every value, walk up from every item again, and write the mark."""
        t = self._terms
        review = f"{{ ?s {t['review']} true ; {t['from']} ?a ; {t['to']} ?b }}"
        return (f"DELETE WHERE {{ ?task {t['followed']} ?k }} ;\n"
                f"INSERT {{ ?t {t['followed']} ?k }} WHERE {{\n"
                f" SELECT DISTINCT ?t ?k WHERE {{\n"
                # the distinct items reached, per level and whether through confident links only, then the
                # national ones among them (a national task joined in the walk's own group, where ?t is bound by
                # a BIND, paired every ?t with every national task in Oxigraph 0.5)
                f"  {{ SELECT DISTINCT ?lvl ?t ?confident WHERE {{\n"
                # step 1: the distinct items the links of the items at each level reach, and whether confidently
                f"   {{ SELECT DISTINCT ?lvl ?y1 ?c1 WHERE {{\n"
                f"     {{ ?d a {t['document']} ; {t['level']} ?dl ; {t['has_task']} ?x .\n"
                f"       BIND(IF(CONTAINS(?dl, \"+\"), STRBEFORE(?dl, \"+\"), ?dl) AS ?lvl) }}\n"
                f"     UNION {{ ?d a {t['document']} ; {t['has_task']} ?p . ?p {t['has_measure']} ?x . "
                f"BIND(\"institution\" AS ?lvl) }}\n"
                f"     ?x {t['implements']} ?y1 .\n"
                f"     OPTIONAL {{ SELECT (?a AS ?x) (?b AS ?y1) (1 AS ?r1) WHERE {review} }}\n"
                f"     BIND(!BOUND(?r1) AS ?c1)\n"
                f"   }} }}\n"
                # steps 2 and 3, looked up from the item each starts at (the FILTERs name an outer variable)
                f"   OPTIONAL {{ ?y1 {t['implements']} ?y2 . FILTER(BOUND(?y1))\n"
                f"              OPTIONAL {{ ?y2 {t['implements']} ?y3 FILTER(BOUND(?y2)) }} }}\n"
                f"   BIND(COALESCE(?y2, 0) AS ?to2)\n"
                f"   BIND(COALESCE(?y3, 0) AS ?to3)\n"
                f"   OPTIONAL {{ SELECT (?a AS ?y1) (?b AS ?to2) (1 AS ?r2) WHERE {review} }}\n"
                f"   OPTIONAL {{ SELECT (?a AS ?to2) (?b AS ?to3) (1 AS ?r3) WHERE {review} }}\n"
                f"   VALUES ?step {{ 1 2 3 }}\n"
                f"   BIND(IF(?step = 1, ?y1, IF(?step = 2, ?y2, ?y3)) AS ?t)\n"
                f"   FILTER(BOUND(?t))\n"
                f"   BIND(?c1 && (?step = 1 || (!BOUND(?r2) && (?step = 2 || !BOUND(?r3)))) AS ?confident)\n"
                f"  }} }}\n"
                f"  ?nd {t['has_task']} ?t ; a {t['document']} ; {t['level']} \"national\" .\n"
                f"  VALUES ?kind {{ \"any\" \"confident\" }}\n"
                f"  FILTER(?kind = \"any\" || ?confident)\n"
                f"  BIND(CONCAT(?kind, \"|\", ?lvl) AS ?k)\n"
                f" }}\n"
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


__all__ = ["CHUNK", "FollowedLevels", "TargetChanges", "Totals", "target_counts_text"]
