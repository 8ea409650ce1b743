"""Time to first render of the explorer's overview, a 300-node graph view and a national task's tree by level, at
scale (default 100,000 tasks) side by side with the five examples, measured with Streamlit's AppTest (the real
pages, no browser).

The large store is the examples repeated with fresh document ids (the generator of bench_queries.py, bulk-
loaded into Oxigraph), so departments recur across documents as in a national corpus. Each figure is a
script run of the app: "cold" starts from empty Streamlit caches (store opened, counts and canned queries run),
"warm" is the same page again with the caches filled (what a user sees on their next click). The graph view is
centred on the department with the most tasks, depth 2, capped at 300 nodes, and read around that centre from
the store. Browse and search (shown for comparison) reads the whole graph into memory on its cold run.

    .venv/bin/python benchmarks/bench_explorer.py [--tasks 100000] [--runs 3] [--browse]
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_queries import example_graph, fill_oxigraph_bulk  # noqa: E402  (the shared scale generator)

ENTRY = str(ROOT / "app" / "explorer.py")
CAP = 300
CHAIN_TASK = "task/001_8158844c7a4eb5af/20"   # national task 20 of the examples (the first copy keeps its id)


def busiest_department(graph) -> str:
    lead = Counter(e.target for e in graph.edges.values() if e.type in ("LEAD", "SUPPORT"))
    return lead.most_common(1)[0][0]


class App:
    """One AppTest session on a store. Its first run (Streamlit scanning installed component packages, several
    seconds) is not timed: a server does that once at start, not per page view."""

    def __init__(self, store: Path) -> None:
        from streamlit.testing.v1 import AppTest

        os.environ["POLICYKG_STORE"] = str(store)
        self.at = AppTest.from_file(ENTRY, default_timeout=3600)
        self.at.run()

    def render(self, page: str | None = None, params: dict[str, str] | None = None, cold: bool = False) -> float:
        """Seconds for one script run of ``page`` (the overview when None); ``cold`` empties the caches first."""
        import streamlit as st

        if cold:
            st.cache_data.clear()
            st.cache_resource.clear()
            gc.collect()
        for key, value in (params or {}).items():
            self.at.query_params[key] = value
        if page is not None:
            self.at.switch_page(f"explorer_pages/{page}.py")
        started = time.perf_counter()
        self.at.run()
        seconds = time.perf_counter() - started
        if self.at.exception:
            raise RuntimeError(f"{page or 'overview'} failed: {self.at.exception[0].value}")
        return seconds


def measure(store: Path, centre: str, runs: int, browse: bool) -> dict[str, object]:
    app = App(store)
    out: dict[str, object] = {}
    out["overview cold"] = app.render(cold=True)
    out["overview warm"] = statistics.median(app.render() for _ in range(runs))
    out["graph cold"] = app.render("graph", {"node": centre}, cold=True)
    out["graph nodes"] = next(c.value for c in app.at.caption if "节点" in c.value)
    out["graph cut"] = bool(app.at.warning)
    out["graph warm"] = statistics.median(app.render("graph") for _ in range(runs))
    # a national task down the levels: its tree, and the pickers of its level, document and task
    out["chain cold"] = app.render("chain", {"task": CHAIN_TASK}, cold=True)
    out["chain warm"] = statistics.median(app.render("chain") for _ in range(runs))
    if browse:
        out["browse cold"] = app.render("browse", cold=True)
        out["browse warm"] = statistics.median(app.render("browse") for _ in range(runs))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--browse", action="store_true",
                    help="also time Browse & search (its cold run reads the whole graph: minutes at 100,000 tasks)")
    args = ap.parse_args()

    base = example_graph()
    centre = busiest_department(base)
    tmp = tempfile.TemporaryDirectory(prefix="bench-explorer-")
    small_store, small_docs, small_tasks, _ = fill_oxigraph_bulk(Path(tmp.name) / "small", base, 1)
    small_store.close()
    large_store, large_docs, large_tasks, seconds = fill_oxigraph_bulk(Path(tmp.name) / "large", base, args.tasks)
    large_store.close()
    del small_store, large_store
    gc.collect()
    print(f"stores: examples {small_docs} documents / {small_tasks:,} tasks; "
          f"large {large_docs:,} documents / {large_tasks:,} tasks (bulk-loaded in {seconds:.0f} s)")
    print(f"graph view centred on {centre}, depth 2, cap {CAP} nodes; warm = median of {args.runs} runs\n")

    small = measure(Path(tmp.name) / "small", centre, args.runs, args.browse)
    large = measure(Path(tmp.name) / "large", centre, args.runs, args.browse)

    print(f"{'first render':<28}{'examples':>16}{f'{large_tasks:,} tasks':>22}{'ratio':>9}")
    for key in ("overview cold", "overview warm", "graph cold", "graph warm", "chain cold", "chain warm",
                "browse cold", "browse warm"):
        if key not in small:
            continue
        a, b = small[key], large[key]
        print(f"{key:<28}{a:>15.2f}s{b:>21.2f}s{b / a:>8.1f}x")
    print(f"{'graph shown':<28}{small['graph nodes']:>16}   {large['graph nodes']}"
          f"{'  (cut at the cap)' if large['graph cut'] else ''}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
