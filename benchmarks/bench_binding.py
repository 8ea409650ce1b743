"""How each canned query's values reach Oxigraph: the store's substitution beside VALUES blocks in the text,
side by side on one store in one run, with the rows compared (they must be the same).

Oxigraph plans a query before substituted values arrive, so a join may start from every task when one
document's were asked for (`names` of one document: 0.7 s at 100,000 tasks by substitution, 4 ms as VALUES);
other queries plan worse with the values in the text (`search-tasks` 0.6 s → 3 s). Each query declares the
faster one in its yaml (``sparql_binding``); this prints both, per parameter set of
tests/fixtures/queries/params.yaml, and per query the geometric mean of values / substitution.

The store: the five examples repeated to --tasks tasks (bulk-loaded, as bench_queries.py builds it; the first
copy keeps the examples' ids, so every parameter set selects what it selects on the examples), or --store PATH
(a store of your own, e.g. one `bench_scale.py --keep` left): a document or task parameter the store lacks is
pointed at one of its own.

    .venv/bin/python benchmarks/bench_binding.py [--tasks 100000] [--store PATH] [--runs 3] [--only NAME]
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from pyoxigraph import NamedNode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import PARAMS, example_graph, fill_oxigraph_bulk  # noqa: E402

from policykg.queries.registry import SPARQL_BINDINGS, Registry  # noqa: E402
from policykg.queries.runner import run  # noqa: E402


def timed(query, store, params: dict, runs: int) -> tuple[list, float]:
    """Rows and median seconds of ``runs`` runs after a warm-up (one run when the warm-up took over 5 s)."""
    started = time.perf_counter()
    rows = run(query, store, params).rows
    if time.perf_counter() - started > 5:
        return rows, time.perf_counter() - started
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        run(query, store, params)
        times.append(time.perf_counter() - t)
    return rows, statistics.median(times)


def pointed(params: dict, store, docs: list[str], task: str | None) -> dict:
    """``params`` with a document or task the store does not hold replaced by one it does."""
    out = dict(params)
    if out.get("document") and out["document"] not in docs and not out["document"].startswith("no-such"):
        out["document"] = docs[len(docs) // 2]
    if out.get("task") and task and not store.query(
            "ASK { ?t ?p ?o }", {"t": NamedNode(store.m.node_iri(out["task"]))}).rows[0][0]:
        out["task"] = task
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--store", help="an existing Oxigraph store instead of the examples repeated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", action="append", help="only this query (repeatable)")
    args = ap.parse_args()
    os.environ["POLICYKG_QUERY_TIMEOUT"] = "0"     # straight to the engine, no worker process
    registry = Registry.load()
    cases = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    tmp = None
    if args.store:
        from policykg.graph.stores.registry import open_store

        store = open_store(path=args.store, read_only=True)
    else:
        print("building the examples graph (extract, resolve, build, link) ...", file=sys.stderr)
        tmp = tempfile.TemporaryDirectory()
        store, n_docs, n_tasks, _ = fill_oxigraph_bulk(Path(tmp.name) / "oxigraph", example_graph(), args.tasks)
        print(f"oxigraph: bulk-loaded {n_docs:,} documents, {n_tasks:,} tasks")
    docs = sorted(store.document_hashes())
    implements = store.m.relationships["IMPLEMENTS"].iri
    linked = store.query(f"SELECT ?t WHERE {{ ?t <{implements}> ?h }} ORDER BY ?t LIMIT 1", {}).rows
    task = store.m.node_id(linked[0][0]) if linked else None
    print(f"median ms of {args.runs} runs after a warm-up; rows compared between the two bindings\n")
    print(f"{'query':<26} {'parameters':<58} {'rows':>5} {'substitution':>13} {'values':>9}  ratio")
    summary = []
    try:
        for name in args.only or registry.names():
            query = registry.get(name)
            ratios = []
            for params in cases.get(name) or [{}]:
                params = pointed(params, store, docs, task)
                got = {b: timed(dataclasses.replace(query, sparql_binding=b), store, params, args.runs)
                       for b in SPARQL_BINDINGS}
                (rows_s, t_s), (rows_v, t_v) = got["substitution"], got["values"]
                ratios.append(t_v / t_s)
                same = "" if rows_s == rows_v else "  ROWS DIFFER"
                print(f"{name:<26} {str(params)[:58]:<58} {len(rows_s):>5} {t_s * 1000:>13.1f} {t_v * 1000:>9.1f}"
                      f"  {t_v / t_s:5.2f}{same}", flush=True)
            mean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            faster = "values" if mean < 1 else "substitution"
            summary.append((name, mean, query.sparql_binding, faster))
        print(f"\n{'query':<26} {'values/substitution':>20}  declared      faster")
        for name, mean, declared, faster in summary:
            print(f"{name:<26} {mean:>20.2f}  {declared:<13} {faster}{'' if declared == faster else '  (differs)'}")
    finally:
        store.close()
        if tmp is not None:
            tmp.cleanup()


if __name__ == "__main__":
    main()
