"""Load throughput and aggregate-query time at scale: the Oxigraph store against rdflib's in-memory Graph.

The data is the five examples (extracted, resolved, built) repeated with fresh document ids until the graph
holds --tasks tasks (default 100,000); departments, functions and jurisdictions are shared by all copies, as
in a real national corpus. Both stores get the same quads.

  oxigraph ingest   the store's own write path, as `policykg ingest` calls it: write_documents per batch of
                    POLICYKG_INGEST_BATCH documents (native API, one transaction per batch of new documents)
  oxigraph bulk     pyoxigraph bulk_extend of all quads into a fresh on-disk store
  rdflib memory     rdflib Graph().addN of the same triples (the baseline)

Each aggregate query runs once to warm up, then --runs times; the median is printed.

    .venv/bin/python benchmarks/bench_rdf_store.py [--tasks 100000] [--runs 3] [--skip-rdflib]
"""
from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from policykg.graph.build import build
from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.pipeline import process_files
from policykg.graph.stores.rdf_codec import graph_quads
from policykg.graph.stores.rdf_store import OxigraphStore, with_prefixes

ROOT = Path(__file__).resolve().parents[1]

QUERIES = {
    "tasks per lead jurisdiction": """
        SELECT ?j (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a pk:Task ; pk:lead ?d . ?d pk:jurisdictionName ?j }
        GROUP BY ?j ORDER BY DESC(?n)""",
    "deadlines per year and kind": """
        SELECT ?y ?k (COUNT(?dl) AS ?n) WHERE { ?t pk:hasDeadline ?dl . ?dl pk:deadlineKind ?k
            OPTIONAL { ?dl pk:endDate ?end } BIND(YEAR(?end) AS ?y) }
        GROUP BY ?y ?k ORDER BY ?y ?k""",
    "targets per unit, sum of values": """
        SELECT ?u (COUNT(?x) AS ?n) (SUM(?v) AS ?total) WHERE { ?t pk:hasTarget ?x . ?x pk:unit ?u ; pk:value ?v }
        GROUP BY ?u ORDER BY DESC(?n) LIMIT 20""",
}


def copies(base: dict[str, PolicyGraph], tasks: int) -> list[tuple[str, PolicyGraph]]:
    """(doc, subgraph) pairs: the examples' documents, then renamed copies, until ``tasks`` tasks."""
    out, total, n = [], 0, 0
    while total < tasks:
        for doc, g in base.items():
            new = doc if n == 0 else f"{doc}-c{n}"
            out.append((new, g if n == 0 else rename(g, doc, new)))
            total += sum(1 for _ in g.nodes_by_label("Task"))
            if total >= tasks:
                break
        n += 1
    return out


def rename(g: PolicyGraph, doc: str, new: str) -> PolicyGraph:
    def nid(i: str) -> str:
        return i.replace(f"/{doc}", f"/{new}", 1) if g.nodes[i].doc == doc else i

    nodes = [Node(nid(n.id), n.label, {**n.props, **({"doc_id": new} if "doc_id" in n.props else {})},
                  new if n.doc == doc else n.doc) for n in g.nodes.values()]
    edges = [Edge(nid(e.source), e.type, nid(e.target), e.props, new if e.doc == doc else e.doc)
             for e in g.edges.values()]
    return PolicyGraph.from_parts(nodes, edges)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def median_time(fn, runs: int) -> tuple[float, object]:
    result = fn()   # warm-up
    times = []
    for _ in range(runs):
        dt, result = timed(fn)
        times.append(dt)
    return statistics.median(times), result


def time_queries(row: dict, run, runs: int, name: str) -> None:
    for title, q in QUERIES.items():
        t, _ = median_time(lambda: run(q), runs)
        row[title] = f"{t * 1000:.0f} ms"
        print(f"{name} {title}: {t * 1000:.0f} ms", flush=True)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-rdflib", action="store_true", help="Only Oxigraph (the baseline needs several GB).")
    ap.add_argument("--skip-ingest", action="store_true",
                    help="Skip the per-document write path (slow at scale); queries then run on the bulk-loaded store.")
    args = ap.parse_args(argv)

    results, problems = process_files([ROOT / "examples"])
    if problems:
        print(*problems, sep="\n", file=sys.stderr)
        return 1
    base = {r.meta.doc: build([r]).document_subgraph(r.meta.doc) for r in results}
    docs = copies(base, args.tasks)
    n_tasks = sum(sum(1 for _ in g.nodes_by_label("Task")) for _, g in docs)
    print(f"data: {len(docs)} documents, {n_tasks} tasks (the five examples repeated)", flush=True)

    rows: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = OxigraphStore(Path(tmp) / "ingest")
        if not args.skip_ingest:
            t0 = time.perf_counter()
            from policykg.graph.pipeline import batch_size

            size = batch_size()
            for i in range(0, len(docs), size):
                store.write_documents([(doc, "0" * 64, g) for doc, g in docs[i:i + size]])
            ingest_s = time.perf_counter() - t0
            n_quads = sum(1 for _ in store.quads())
            rows["oxigraph ingest"] = {"load s": f"{ingest_s:.1f}", "triples/s": f"{n_quads / ingest_s:,.0f}"}
            print(f"stored quads: {n_quads}; ingest {ingest_s:.1f} s", flush=True)
            time_queries(rows["oxigraph ingest"], lambda q: store.query(with_prefixes(q)), args.runs, "oxigraph")

        from pyoxigraph import Store

        bulk_path = Path(tmp) / "bulk"
        bulk = Store(str(bulk_path))
        bulk_s, _ = timed(lambda: bulk.bulk_extend(q for _, g in docs for q in graph_quads(g)))
        n_bulk = sum(1 for _ in bulk.quads_for_pattern(None, None, None, None))
        rows["oxigraph bulk"] = {"load s": f"{bulk_s:.1f}", "triples/s": f"{n_bulk / bulk_s:,.0f}"}
        print(f"bulk {bulk_s:.1f} s ({n_bulk} quads)", flush=True)
        del bulk
        gc.collect()
        if args.skip_ingest:
            store.close()
            store = OxigraphStore(bulk_path)
            n_quads = n_bulk
            time_queries(rows["oxigraph bulk"], lambda q: store.query(with_prefixes(q)), args.runs, "oxigraph")
        else:
            for name in QUERIES:
                rows["oxigraph bulk"][name] = "(same data)"

        if not args.skip_rdflib:
            from pyoxigraph import Literal
            from rdflib import Graph, Literal as RLiteral, URIRef

            def term(t):
                if isinstance(t, Literal):
                    return RLiteral(t.value, lang=t.language, datatype=None if t.language else URIRef(t.datatype.value))
                return URIRef(t.value)

            # the same quads, converted before timing so only rdflib's own loading is measured
            triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in store.quads()]
            del docs
            gc.collect()
            rg = Graph()
            load_s, _ = timed(lambda: rg.addN((s, p, o, rg) for s, p, o in triples))
            rows["rdflib memory"] = {"load s": f"{load_s:.1f}", "triples/s": f"{len(triples) / load_s:,.0f}"}
            del triples
            gc.collect()
            print(f"rdflib load {load_s:.1f} s ({len(rg)} triples)", flush=True)
            time_queries(rows["rdflib memory"], lambda q: list(rg.query(with_prefixes(q))), args.runs, "rdflib")
        store.close()

    cols = ["load s", "triples/s", *QUERIES]
    width = max(len(c) for c in cols) + 2
    print(f"\n{n_tasks} tasks, {n_quads} stored quads, peak RSS {rss_mb():,.0f} MB, median of {args.runs} runs")
    print(" " * width + "".join(f"{k:>22}" for k in rows))
    for c in cols:
        print(f"{c:<{width}}" + "".join(f"{rows[k].get(c, ''):>22}" for k in rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
