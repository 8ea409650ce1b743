"""Store-wide totals on Neo4j: the values the RDF stores keep (graph/stores/rdf_totals.py), so that a ranking over
the whole store reads one value per department or pair of departments instead of summing every document's
summaries (graph/stores/summaries.py) at question time. At 100,000 tasks that sum read 82,000 department and
161,000 pair summaries: top-departments 262 ms and co-responsibility 398 ms, over the 300 ms goal.

- per department, on the Department node: ``total_items``, ``total_lead``, ``total_support`` (mapping.yaml,
  ``summaries.properties.Department``), the sums of its summaries' counts; absent when 0;
- per pair of departments sharing items: a PairSummary of no document (``pair_total_id``) with ``total``, the
  items naming both, and its ends through TOTAL_FIRST / TOTAL_SECOND; deleted when it falls to 0. Its ends keep
  no department alive (the orphan check counts only references from owned nodes).

Each batch transaction adds what it changed (neo4j_write.BatchWrite): what the written documents count (their
department summaries, and their items' pairs of departments from the LEAD / SUPPORT edges: ``written_counts``)
minus what the versions they replace count (``stored_counts``, read before they are deleted).
A store written before the totals were kept has no state node ``totals``: its first writer builds them from the
stored summaries (``rebuild``), and a reader is refused until then.
"""
from __future__ import annotations

from typing import Iterable

from policykg.graph.stores import cypher_codec as cc
from policykg.graph.stores.summaries import RESPONSIBLE, TOTALLED, Counts, add_counts, department_pairs, pair_total_id
from policykg.ontology.mapping import load_mapping

STATE_ID = "totals"      # the bookkeeping node's id that marks a store whose totals are kept
_DEPARTMENT_TOTALS = [f"total_{name}" for name in TOTALLED]


def written_counts(documents: Iterable) -> Counts:
    """What these planned documents (neo4j_write.DocumentRows) count: their department summaries, and the pairs
    of departments their items name (from the items' LEAD / SUPPORT edges)."""
    out: Counts = {}
    for doc in documents:
        summaries = {row[cc.ID]: row for row in doc.owned.get("DepartmentSummary", ())}
        for edge in doc.edges.get(("SUMMARIZES", "DepartmentSummary", "Department"), ()):
            row = summaries[edge["s"]]
            add_counts(out, {edge["t"]: [row.get(name, 0) for name in TOTALLED]})
        add_counts(out, department_pairs((e["s"], e["t"]) for (rel_type, _s, _t), edges in doc.edges.items()
                                         if rel_type in RESPONSIBLE for e in edges))
    return out


def stored_counts(tx, docs: list[str] | None) -> Counts:
    """What the stored documents ``docs`` (None: every document) count: their department summaries, and the
    pairs of departments their items name."""
    where = "WHERE s._doc IN $docs " if docs is not None else ""
    out: Counts = {}
    for dept, *values in tx.run(f"MATCH (s:DepartmentSummary)-[:SUMMARIZES]->(d:Department) {where}"
                                f"RETURN d.id, {', '.join(f's.{name}' for name in TOTALLED)}", docs=docs):
        add_counts(out, {dept: [v or 0 for v in values]})
    named = "|".join(RESPONSIBLE)
    items = dict.fromkeys(label for r in RESPONSIBLE for label in load_mapping().relationships[r].from_labels)
    for label in items:      # one label at a time: each has an index on the owner
        where = "WHERE x._doc IN $docs " if docs is not None else "WHERE x._doc IS NOT NULL "
        add_counts(out, department_pairs(tuple(r) for r in tx.run(
            f"MATCH (x:{cc.ident(label)}) {where}MATCH (x)-[:{named}]->(d:Department) RETURN x.id, d.id",
            docs=docs)))
    return out


def add_to_totals(tx, counts: Counts) -> None:
    """Add these changes of the counts to the stored totals."""
    departments = [{"id": key, "add": values} for key, values in counts.items()
                   if isinstance(key, str) and any(values)]
    if departments:
        sets = ", ".join(f"d.{name} = CASE WHEN t[{i}] = 0 THEN null ELSE t[{i}] END"
                         for i, name in enumerate(_DEPARTMENT_TOTALS))
        sums = ", ".join(f"coalesce(d.{name}, 0) + r.add[{i}]" for i, name in enumerate(_DEPARTMENT_TOTALS))
        _expect(tx, f"UNWIND $rows AS r MATCH (d:Department {{id: r.id}}) WITH d, [{sums}] AS t SET {sets} "
                "RETURN count(d)", departments, "department totals")
    pairs = {key: values[0] for key, values in counts.items() if isinstance(key, tuple) and values[0]}
    if not pairs:
        return
    ids = {key: pair_total_id(*key) for key in pairs}
    stored = {pair: total for pair, total in tx.run("UNWIND $ids AS id MATCH (p:PairSummary {id: id}) "
                                                    "RETURN id, p.total", ids=list(ids.values()))}
    new, changed, gone = [], [], []
    for key, add in pairs.items():
        old = stored.get(ids[key], 0)
        row = {"id": ids[key], "total": old + add, "a": key[0], "b": key[1]}
        (gone if old + add == 0 else changed if old else new).append(row)
    if new:
        _expect(tx, "UNWIND $rows AS r MATCH (a:Department {id: r.a}), (b:Department {id: r.b}) "
                "CREATE (p:PairSummary {id: r.id, total: r.total}), (p)-[:TOTAL_FIRST]->(a), "
                "(p)-[:TOTAL_SECOND]->(b) RETURN count(p)", new, "pair totals")
    if changed:
        _expect(tx, "UNWIND $rows AS r MATCH (p:PairSummary {id: r.id}) SET p.total = r.total RETURN count(p)",
                changed, "pair totals")
    if gone:
        tx.run("UNWIND $rows AS r MATCH (p:PairSummary {id: r.id}) DETACH DELETE p", rows=gone).consume()


def rebuild(tx) -> None:
    """Every total recomputed from the stored summaries, and the store marked as keeping them."""
    tx.run(f"MATCH (d:Department) REMOVE {', '.join(f'd.{name}' for name in _DEPARTMENT_TOTALS)}").consume()
    tx.run("MATCH (p:PairSummary) WHERE p._doc IS NULL DETACH DELETE p").consume()
    add_to_totals(tx, stored_counts(tx, None))
    mark(tx)


def mark(tx) -> None:
    """Mark the store as keeping its totals: done by every batch, so that a store emptied under a writer (the
    tests and benchmarks empty the database between runs) is marked again by its next write."""
    tx.run(f"MERGE (s:{cc.STATE_LABEL} {{id: $id}})", id=STATE_ID).consume()


def marked(tx) -> bool:
    return tx.run(f"MATCH (s:{cc.STATE_LABEL} {{id: $id}}) RETURN count(s) > 0", id=STATE_ID).single()[0]


def kept(tx) -> bool:
    """Whether the store keeps totals: marked so, or holding no summary to total (an empty store)."""
    return marked(tx) or not tx.run("RETURN EXISTS { MATCH (:DepartmentSummary) }").single()[0]


def _expect(tx, text: str, rows: list[dict], what: str) -> None:
    # the departments counted are in the store during the write (merged before, orphans removed after): a miss is
    # a bug, and raising rolls the whole batch back
    written = tx.run(text, rows=rows).single()[0]
    if written != len(rows):
        raise RuntimeError(f"{what}: {len(rows) - written} of {len(rows)} row(s) name departments not in the store")


__all__ = ["STATE_ID", "add_to_totals", "kept", "mark", "marked", "rebuild", "stored_counts", "written_counts"]
