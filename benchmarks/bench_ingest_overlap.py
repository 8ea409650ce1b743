"""Ingest end to end (read, extract, resolve, build, write: `policykg ingest --no-link`'s ``ingest_files``) three
ways: each batch written before the next is read (the writer's thread replaced by the caller's); each batch
written while the next is read (``pipeline.BatchWriter``); and that with the files read in one worker process per
CPU beyond the first (``extract_pool``: what POLICYKG_EXTRACT_WORKERS=auto picks for a large folder): what each
overlap gains. And `--bulk` (``pipeline.bulk_ingest``) with and without the workers.

The ways run alternately on the same synthetic corpus (benchmarks/synth.py, seed 1, made by bench_scale.py's
``corpus``) into a fresh embedded store, and into Neo4j (started as scripts/test.sh starts it) unless
--no-neo4j; the first Neo4j round warms its JIT and is not counted. Prints medians of wall time, tasks/s and
the CPU seconds of this process and its workers (not the Neo4j server's).

    .venv/bin/python benchmarks/bench_ingest_overlap.py [--tasks 10000] [--rounds 3] [--no-neo4j]
"""
from __future__ import annotations

import argparse
import os
import resource
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


# (label, batches written while the next is read, POLICYKG_EXTRACT_WORKERS)
SPARE_CPUS = str(max(1, (os.cpu_count() or 1) - 1))
WAYS = (("each batch written, then the next read", False, "0"),
        ("written while the next is read", True, "0"),
        (f"... and files read in {SPARE_CPUS} worker process(es)", True, SPARE_CPUS))
BULK_WAYS = (("--bulk, every file read in this process", True, "0"),
             (f"--bulk, files read in {SPARE_CPUS} worker process(es)", True, SPARE_CPUS))


def cpu_seconds() -> float:
    """This process's CPU time and that of its finished children (the extraction workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def ingest_once(open_store, folder: Path, overlapped: bool, workers: str, bulk: bool) -> dict:
    files, problems = pipeline.input_files([folder / "docs"])
    if problems:
        raise SystemExit(f"the corpus has unreadable inputs: {problems[:3]}")
    real = pipeline.ThreadPoolExecutor
    if not overlapped:
        pipeline.ThreadPoolExecutor = InCallerThread
    os.environ["POLICYKG_EXTRACT_WORKERS"] = workers
    store = open_store()
    try:
        started, cpu, tasks = time.perf_counter(), cpu_seconds(), 0
        outcomes = []
        if bulk:
            pipeline.bulk_ingest(store, files, on_outcome=outcomes.append)
        for outcome in outcomes if bulk else pipeline.ingest_files(store, files):
            if outcome.action != "added":
                raise SystemExit(f"{outcome.file.path}: {outcome.action} ({outcome.detail})")
            tasks += outcome.tasks
        return {"s": time.perf_counter() - started, "cpu": cpu_seconds() - cpu, "tasks": tasks}
    finally:
        pipeline.ThreadPoolExecutor = real
        del os.environ["POLICYKG_EXTRACT_WORKERS"]
        store.close()


def compare(name: str, open_store, folder: Path, rounds: int, warm_up: bool, bulk: bool = False) -> None:
    ways = BULK_WAYS if bulk else WAYS
    runs: dict[str, list[dict]] = {label: [] for label, _o, _w in ways}
    for i in range(rounds + warm_up):
        for label, overlapped, workers in ways:
            run = ingest_once(open_store, folder, overlapped, workers, bulk)
            if i >= warm_up:
                runs[label].append(run)
    tasks = runs[ways[0][0]][0]["tasks"]
    print(f"\n{name}: {tasks:,} tasks, median of {rounds} alternating run(s); {os.cpu_count()} CPUs")
    print(f"{'':<42} {'wall s':>8} {'tasks/s':>8} {'CPU s (with workers)':>21}")
    for label, _o, _w in ways:
        s = statistics.median(r["s"] for r in runs[label])
        cpu = statistics.median(r["cpu"] for r in runs[label])
        print(f"{label:<42} {s:8.1f} {tasks / s:8,.0f} {cpu:21.1f}")


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
        compare("Oxigraph (embedded), a first load with --bulk", fresh_oxigraph, folder, args.rounds, warm_up=False,
                bulk=True)
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
