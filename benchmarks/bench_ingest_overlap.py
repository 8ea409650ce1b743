"""Ingest end to end (read, extract, resolve, build, write: `policykg ingest --no-link`'s ``ingest_files``) with
each batch written while the next is read (``pipeline.BatchWriter``, what ingest does) beside the same code
writing each batch before the next is read (the writer's thread replaced by the caller's): the overlap's gain.

Both ways run alternately on the same synthetic corpus (benchmarks/synth.py, seed 1, made by bench_scale.py's
``corpus``) into a fresh embedded store, and into Neo4j (started as scripts/test.sh starts it) unless
--no-neo4j; the first Neo4j round warms its JIT and is not counted. Prints medians of wall time, tasks/s and
this process's CPU seconds.

    .venv/bin/python benchmarks/bench_ingest_overlap.py [--tasks 10000] [--rounds 3] [--no-neo4j]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_scale import InCallerThread, corpus, start_neo4j  # noqa: E402

from policykg.graph import pipeline  # noqa: E402


def ingest_once(open_store, folder: Path, overlapped: bool) -> dict:
    files, problems = pipeline.input_files([folder / "docs"])
    if problems:
        raise SystemExit(f"the corpus has unreadable inputs: {problems[:3]}")
    real = pipeline.ThreadPoolExecutor
    if not overlapped:
        pipeline.ThreadPoolExecutor = InCallerThread
    store = open_store()
    try:
        started, cpu, tasks = time.perf_counter(), time.process_time(), 0
        for outcome in pipeline.ingest_files(store, files):
            if outcome.action != "added":
                raise SystemExit(f"{outcome.file.path}: {outcome.action} ({outcome.detail})")
            tasks += outcome.tasks
        return {"s": time.perf_counter() - started, "cpu": time.process_time() - cpu, "tasks": tasks}
    finally:
        pipeline.ThreadPoolExecutor = real
        store.close()


def compare(name: str, open_store, folder: Path, rounds: int, warm_up: bool) -> None:
    runs: dict[bool, list[dict]] = {True: [], False: []}
    for i in range(rounds + warm_up):
        for overlapped in (False, True):
            run = ingest_once(open_store, folder, overlapped)
            if i >= warm_up:
                runs[overlapped].append(run)
    print(f"\n{name}: {runs[True][0]['tasks']:,} tasks, median of {rounds} alternating run(s)")
    print(f"{'':<40} {'wall s':>8} {'tasks/s':>8} {'CPU s (client)':>15}")
    for overlapped, label in ((False, "each batch written, then the next read"), (True, "written while the next is read")):
        s = statistics.median(r["s"] for r in runs[overlapped])
        cpu = statistics.median(r["cpu"] for r in runs[overlapped])
        print(f"{label:<40} {s:8.1f} {runs[True][0]['tasks'] / s:8,.0f} {cpu:15.1f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=10_000, help="tasks in the synthetic corpus")
    ap.add_argument("--rounds", type=int, default=3, help="timed runs each way")
    ap.add_argument("--no-neo4j", action="store_true", help="the embedded store only")
    args = ap.parse_args()
    folder = corpus(args.tasks)
    work = Path(tempfile.mkdtemp(prefix="policykg-overlap-"))
    try:
        from policykg.graph.stores.rdf_store import OxigraphStore

        def fresh_oxigraph():
            shutil.rmtree(work / "kg", ignore_errors=True)
            return OxigraphStore(work / "kg")

        compare("Oxigraph (embedded)", fresh_oxigraph, folder, args.rounds, warm_up=False)
        if not args.no_neo4j:
            from bench_neo4j_writer import wipe

            from policykg.graph.stores.neo4j_store import Neo4jStore

            launcher, uri = start_neo4j()

            def fresh_neo4j():
                store = Neo4jStore(uri)
                store.ensure_schema()
                wipe(store)
                return store

            try:
                compare("Neo4j 5 (local server, same machine)", fresh_neo4j, folder, args.rounds, warm_up=True)
            finally:
                launcher.stdin.close()
                launcher.wait(timeout=120)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
