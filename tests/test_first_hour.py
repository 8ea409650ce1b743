"""A newcomer's first hour (issue 15): what trips a user up between `make demo` and their first own question.

Every test drives the real CLI (subprocess or typer's CliRunner) or the explorer (AppTest) on real embedded stores.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ENTRY = str(ROOT / "app" / "explorer.py")
POLICYKG = [sys.executable, "-m", "policykg.app.cli"]


def cli(*args, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", **(env or {})}
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT", "POLICYKG_STORE"):
        if name not in (env or {}):
            environment.pop(name, None)
    return subprocess.run([*POLICYKG, *map(str, args)], capture_output=True, text=True, cwd=cwd or ROOT,
                          env=environment, timeout=600)


@pytest.fixture(scope="module")
def example_store(tmp_path_factory) -> Path:
    """The five examples ingested by the real command into a fresh store."""
    kg = tmp_path_factory.mktemp("first-hour") / "kg"
    proc = cli("ingest", EXAMPLES, "--store", kg, "-q")
    assert proc.returncode == 0, proc.stderr
    return kg


def example_copy(folder: Path, n: int = 0, tag: str = "") -> Path:
    """Example n under a new name with one extra line: a new document for the store."""
    source = sorted(EXAMPLES.glob("*.txt"))[n]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"copy{tag}_{source.name}"
    target.write_bytes(source.read_bytes() + f"\n{tag}\n".encode())
    return target


def document_count(store: Path) -> int:
    proc = cli("sparql", "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pk:Document }", "--store", store, "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.splitlines()[1])


# ---- readers do not lock writers out ------------------------------------------------------------------------

def test_readers_run_while_a_writer_holds_the_store(example_store, tmp_path):
    """A writer holding the lock (an ingest in progress) does not stop query, sparql, export or validate."""
    from policykg.graph.stores import open_store

    writer = open_store(path=str(example_store))
    try:
        for args in (["query", "documents", "-f", "csv"], ["sparql", "ASK { ?s ?p ?o }"],
                     ["export", "-f", "nt"], ["validate"]):
            proc = cli(*args, "--store", example_store)
            assert proc.returncode == 0, (args, proc.stderr)
            assert "LOCK" not in proc.stderr and "lock" not in proc.stderr, args
        # a second writer is told plainly that another process is writing (not a RocksDB LOCK message)
        busy = cli("ingest", example_copy(tmp_path, 0, "busy"), "--store", example_store)
        assert busy.returncode == 2 and "being written by another process" in busy.stderr, busy.stderr
    finally:
        writer.close()


def test_a_reader_and_a_concurrent_ingest_both_succeed(tmp_path):
    """An ingest of four documents runs while readers query the same store again and again: all succeed."""
    kg = tmp_path / "kg"
    assert cli("ingest", sorted(EXAMPLES.glob("*.txt"))[0], "--store", kg, "-q").returncode == 0
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("POLICYKG_STORE", None)
    ingest = subprocess.Popen([*POLICYKG, "ingest", *sorted(EXAMPLES.glob("*.txt"))[1:], "--store", str(kg)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    reads = []
    while ingest.poll() is None or not reads:
        proc = cli("query", "documents", "--store", kg, "-f", "csv")
        assert proc.returncode == 0, proc.stderr
        reads.append(len(proc.stdout.splitlines()) - 1)
    out, err = ingest.communicate()
    assert ingest.returncode == 0, err
    assert "4 added" in err
    assert all(1 <= n <= 5 for n in reads), reads
    assert document_count(kg) == 5


def test_explorer_open_does_not_lock_out_ingest_and_sees_it(tmp_path, monkeypatch):
    """With the explorer showing a store, `policykg ingest` writes to it, and the explorer's next run shows it."""
    from streamlit.testing.v1 import AppTest

    kg = tmp_path / "kg"
    assert cli("ingest", sorted(EXAMPLES.glob("*.txt"))[0], "--store", kg, "-q").returncode == 0
    monkeypatch.setenv("POLICYKG_STORE", str(kg))
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT", "POLICYKG_QUERY_DIR"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["文件"] == "1"

    proc = cli("ingest", example_copy(tmp_path / "more", 1), "--store", kg)
    assert proc.returncode == 0, proc.stderr
    assert "1 added" in proc.stderr

    at.run()
    assert {m.label: m.value for m in at.metric}["文件"] == "2"


def test_explorer_ingest_holds_the_write_lock_only_while_writing(tmp_path, monkeypatch):
    """The explorer's writer waits for another writer to finish, writes, and lets go: a CLI ingest after it works."""
    from policykg.app import explorer_data as data
    from policykg.graph.stores import open_store
    from policykg.loaders import extract, read_bytes
    from policykg.ontology.resolve import resolve_result

    kg = tmp_path / "kg"
    monkeypatch.setenv("POLICYKG_STORE", str(kg))
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    data._open_store.clear()
    assert data.store().counts().get("Task", 0) == 0       # the explorer creates an empty store and reads it

    other = open_store(path=str(kg))                        # another process's ingest holds the lock ...
    threading.Timer(1.5, other.close).start()               # ... and finishes 1.5 s later
    source = sorted(EXAMPLES.glob("*.txt"))[2]
    result = extract(read_bytes(source.read_bytes(), source.name))
    resolve_result(result)
    started = time.monotonic()
    outcome = data.write_extraction(result)
    assert outcome.action == "added" and time.monotonic() - started >= 1.0

    proc = cli("ingest", example_copy(tmp_path / "more", 3), "--store", kg, "--no-link")
    assert proc.returncode == 0 and "1 added" in proc.stderr, proc.stderr
    assert data.store().counts()["Document"] == 2            # the explorer's reader reopened on the change
    data._open_store.clear()


# ---- a missing store is an error, never an empty store ------------------------------------------------------

@pytest.mark.parametrize("args", [["query", "documents"], ["query", "top-departments", "-p", "limit=3"],
                                  ["sparql", "ASK {}"], ["export", "-f", "nt"], ["validate"]])
def test_reading_commands_name_the_missing_store_and_create_nothing(tmp_path, args):
    typo = tmp_path / "polciykg-data"
    proc = cli(*args, "--store", typo)
    assert proc.returncode == 2, proc.stdout
    assert f"no store at {typo}" in proc.stderr and "policykg ingest" in proc.stderr
    assert "0 row(s)" not in proc.stderr and not typo.exists()


def test_query_without_store_in_the_working_folder_says_where_it_looked(tmp_path):
    proc = cli("query", "documents", cwd=tmp_path)
    assert proc.returncode == 2
    assert f"no store at {tmp_path / 'policykg-data'}" in proc.stderr
    assert not (tmp_path / "policykg-data").exists()
    # an existing folder that holds no store is no store either
    (tmp_path / "empty").mkdir()
    proc = cli("query", "documents", "--store", tmp_path / "empty")
    assert proc.returncode == 2 and f"no store at {tmp_path / 'empty'}" in proc.stderr
    assert list((tmp_path / "empty").iterdir()) == []
