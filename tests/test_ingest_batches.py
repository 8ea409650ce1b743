"""Ingest in batches (graph.pipeline.ingest_files, POLICYKG_INGEST_BATCH) and `policykg ingest --bulk`, on the real
embedded store: the batch size changes nothing stored, a document that fails inside a batch fails alone and
named, re-ingest stays idempotent, and a bulk first load stores exactly what the ingest path stores."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.graph.build import build
from policykg.graph.pipeline import ingest_files, input_files, process_files, write_items
from policykg.graph.stores.rdf_store import OxigraphStore

from helpers.stores import dump

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()




def ingest(path: Path, size: int) -> list[tuple[str, str]]:
    files, problems = input_files([EXAMPLES])
    assert not problems
    store = OxigraphStore(path)
    try:
        return [(o.file.doc, o.action) for o in ingest_files(store, files, size=size)]
    finally:
        store.close()


def test_the_batch_size_changes_nothing_stored_and_reingest_is_unchanged(tmp_path):
    one = ingest(tmp_path / "one", 1)
    two = ingest(tmp_path / "two", 2)
    assert [a for _d, a in one] == [a for _d, a in two] == ["added"] * 5
    assert dump(tmp_path / "one") == dump(tmp_path / "two")
    before = dump(tmp_path / "two")
    assert [a for _d, a in ingest(tmp_path / "two", 50)] == ["unchanged"] * 5
    assert dump(tmp_path / "two") == before


def mixed_folder(tmp_path: Path) -> list:
    """The examples, a .docx that is no zip archive (after the second) and a copy of the first (after the third)."""
    import shutil

    folder = tmp_path / "lists"
    folder.mkdir()
    for path in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    (folder / "001b_broken.docx").write_bytes(b"not a zip archive")
    shutil.copy(EXAMPLES / "000_e0bd7c87301b5859.txt", folder / "002b_twin.txt")
    files, problems = input_files([folder])
    assert not problems
    return files


def test_outcomes_come_in_the_order_of_the_files(tmp_path):
    """A batch is written while the next one is read (pipeline.BatchWriter): an outcome decided before any
    writing (a file that cannot be read, the same content as a document already taken) still comes after the
    outcomes of the files before it, and every file gets one."""
    files = mixed_folder(tmp_path)
    store = OxigraphStore(tmp_path / "kg")
    try:
        for size in (1, 2):
            outcomes = list(ingest_files(store, files, size=size))
            assert [o.file.doc for o in outcomes] == [f.doc for f in files]
            if size == 1:
                assert [o.action for o in outcomes] == ["added", "added", "failed", "added", "unchanged",
                                                        "added", "added"]
                assert "000_e0bd7c87301b5859" in outcomes[4].detail
            else:          # the second time: stored already
                assert [o.action for o in outcomes] == ["unchanged"] * 2 + ["failed"] + ["unchanged"] * 4
        assert sorted(store.document_hashes()) == sorted(p.stem for p in EXAMPLES.glob("*.txt"))
    finally:
        store.close()


def test_files_read_in_worker_processes_give_what_the_ingest_process_reads(tmp_path, monkeypatch):
    """POLICYKG_EXTRACT_WORKERS=2 (graph.extract_pool): two worker processes read the files while the ingest
    process writes; the outcomes, their order and the store are those of reading every file in the ingest
    process, a broken file and a twin included, and no worker outlives the run (nor a run stopped early)."""
    import multiprocessing

    from policykg.graph.extract_pool import extracted

    files = mixed_folder(tmp_path)
    runs = {}
    for workers in ("0", "2"):
        monkeypatch.setenv("POLICYKG_EXTRACT_WORKERS", workers)
        store = OxigraphStore(tmp_path / f"kg{workers}")
        runs[workers], children = [], []
        try:
            for o in ingest_files(store, files, size=2):
                runs[workers].append((o.file.doc, o.action, o.detail))
                children.append(len(multiprocessing.active_children()))     # the workers, while outcomes come
        finally:
            store.close()
        assert max(children) == int(workers) and not multiprocessing.active_children()
    assert runs["2"] == runs["0"]
    assert [action for _d, action, _x in runs["2"]] == ["added", "added", "failed", "added", "unchanged", "added",
                                                        "added"]
    assert runs["2"][2][2].startswith("no recognisable task list"), runs["2"][2]     # the worker's reason
    assert dump(tmp_path / "kg2") == dump(tmp_path / "kg0")
    stopped = extracted(files, workers=2)
    assert next(stopped)[0] == files[0]
    stopped.close()
    assert not multiprocessing.active_children()


def test_a_worker_that_dies_stops_the_run_naming_a_file(tmp_path):
    """A worker killed mid-run (out of memory, a crash in a native library): the run stops with an error that
    names a file being read and the way round it, instead of the executor's bare message."""
    import multiprocessing
    import os
    import signal

    from policykg.graph.extract_pool import extracted

    files = mixed_folder(tmp_path)
    run = extracted(files, workers=1)
    assert next(run)[0] == files[0]
    for child in multiprocessing.active_children():
        os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match=r"worker process stopped abruptly while .*lists/.* was being read.*"
                                           r"POLICYKG_EXTRACT_WORKERS=0"):
        list(run)
    assert not multiprocessing.active_children()


def test_the_worker_setting_is_checked(monkeypatch, tmp_path):
    """auto: one worker per CPU beyond the ingest process's own, none for a few files. A number is taken as it
    is; anything else is refused, naming the setting and the value."""
    import os

    from policykg.graph.extract_pool import FEW_FILES, extract_workers

    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    for value, files, expected in (("auto", FEW_FILES - 1, 0), ("auto", FEW_FILES, 7), ("auto", None, 7),
                                   ("3", 1, 3), ("0", 1000, 0)):
        monkeypatch.setenv("POLICYKG_EXTRACT_WORKERS", value)
        assert extract_workers(files) == expected, (value, files)
    monkeypatch.setenv("POLICYKG_EXTRACT_WORKERS", "many")
    with pytest.raises(ValueError, match="extract_workers.*'many'"):
        extract_workers(5)
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "kg")])
    assert result.exit_code == 2 and "POLICYKG_EXTRACT_WORKERS" in result.output, result.output


@pytest.mark.parametrize("size", [1, 5])
def test_a_file_of_the_same_content_as_a_document_that_fails_fails_too(tmp_path, size):
    """A file found the same as a document still to be written is "unchanged" only if that document is written:
    when the store refuses it, both are "failed", the second naming the first (nothing silently left out). A
    file read after the refusal is known (batches of one: the first was written while the second was read) is
    no twin and is written under its own name. The store is the real embedded one; it refuses one document as a
    server would refuse a transaction."""
    import shutil

    folder = tmp_path / "lists"
    folder.mkdir()
    first = "000_e0bd7c87301b5859"
    for name in (f"{first}.txt", "001_8158844c7a4eb5af.txt"):
        shutil.copy(EXAMPLES / name, folder / name)
    shutil.copy(EXAMPLES / f"{first}.txt", folder / "002_twin.txt")
    files, _ = input_files([folder])
    store = OxigraphStore(tmp_path / "kg")
    real = store.write_documents

    def refusing(items):
        if any(doc == first for doc, _sha, _g in items):
            raise ValueError(f"document {first!r} was refused")
        return real(items)

    store.write_documents = refusing
    try:
        outcomes = list(ingest_files(store, files, size=size))
        twin = "added" if size == 1 else "failed"
        assert [(o.file.doc, o.action) for o in outcomes] == [(first, "failed"), ("001_8158844c7a4eb5af", "added"),
                                                              ("002_twin", twin)]
        if size == 1:
            assert sorted(store.document_hashes()) == ["001_8158844c7a4eb5af", "002_twin"]
        else:
            assert first in outcomes[2].detail and "refused" in outcomes[2].detail
            assert sorted(store.document_hashes()) == ["001_8158844c7a4eb5af"]
    finally:
        store.close()


def test_bulk_writes_a_file_whose_twin_failed_under_its_own_name(tmp_path, monkeypatch):
    """--bulk: a document the loader leaves out is no longer known, so a later file of the same content is
    written under its own name, not reported "unchanged" as the same as a document that is not stored."""
    import shutil

    import policykg.graph.stores.rdf_write as rdf_write
    from policykg.graph.pipeline import bulk_ingest

    folder = tmp_path / "lists"
    folder.mkdir()
    first = "000_e0bd7c87301b5859"
    shutil.copy(EXAMPLES / f"{first}.txt", folder / f"{first}.txt")
    shutil.copy(EXAMPLES / f"{first}.txt", folder / "001_twin.txt")
    real = rdf_write.document_quads

    def refusing(sub, doc, m):           # a value the codec refuses, in the first document only
        if doc == first:
            raise ValueError("date='2021年' is not a valid date")
        return real(sub, doc, m)

    monkeypatch.setattr(rdf_write, "document_quads", refusing)
    files, _ = input_files([folder])
    store = OxigraphStore(tmp_path / "kg")
    outcomes = []
    try:
        bulk_ingest(store, files, on_outcome=outcomes.append)
        assert [(o.file.doc, o.action) for o in outcomes] == [(first, "failed"), ("001_twin", "added")]
        assert sorted(store.document_hashes()) == ["001_twin"]
    finally:
        store.close()


def test_flushing_the_write_buffers_changes_nothing_stored(tmp_path, monkeypatch):
    """The writer flushes Oxigraph's write buffers every FLUSH_EVERY quads (memory stays flat in a national
    load): flushing after every write stores exactly what never flushing stores, and the flush does happen."""
    import policykg.graph.stores.rdf_write as rdf_write

    monkeypatch.setattr(rdf_write, "FLUSH_EVERY", 10**12)
    ingest(tmp_path / "never", 1)
    monkeypatch.setattr(rdf_write, "FLUSH_EVERY", 1)
    flushes = []
    store = OxigraphStore(tmp_path / "always")
    writer = store.writer
    real = writer.store

    class Counting:        # pyoxigraph's Store cannot take attributes: count flushes around it
        def __getattr__(self, name):
            return getattr(real, name)

        def flush(self):
            flushes.append(len(real))
            real.flush()

    writer.store = Counting()
    files, _ = input_files([EXAMPLES])
    try:
        assert [o.action for o in ingest_files(store, files, size=2)] == ["added"] * 5
    finally:
        store.close()
        writer = real = None     # the last references to the pyoxigraph Store: its folder lock goes with them
    assert len(flushes) == 3 and flushes == sorted(flushes) and flushes[0] > 0     # batches of 2, 2 and 1
    assert dump(tmp_path / "always") == dump(tmp_path / "never")


def test_a_document_failing_inside_a_batch_fails_alone_and_named(tmp_path):
    results, _ = process_files([EXAMPLES])
    items = [(r.meta.doc, r.meta.sha256, build([r])) for r in results[:3]]
    bad_doc, _sha, bad = items[1]
    bad.nodes[f"doc/{bad_doc}"].props["date"] = "2021年"       # no date: the codec refuses it
    store = OxigraphStore(tmp_path / "kg")
    try:
        outcomes = write_items(store, items)
        assert [o.action for o in outcomes] == ["added", "failed", "added"]
        assert bad_doc in outcomes[1].note and "2021年" in outcomes[1].note
        assert sorted(store.document_hashes()) == sorted([items[0][0], items[2][0]])
    finally:
        store.close()


@pytest.mark.parametrize("workers", ["0", "2"])
def test_bulk_first_load_stores_what_the_ingest_path_stores(tmp_path, monkeypatch, workers):
    ingested = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "a")])
    monkeypatch.setenv("POLICYKG_EXTRACT_WORKERS", workers)      # files read in worker processes, or not
    bulk = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "b"), "--bulk"])
    assert ingested.exit_code == 0 and bulk.exit_code == 0, bulk.output
    assert bulk.stdout.count("added ") == 5 and "linked:" in bulk.output
    assert dump(tmp_path / "a") == dump(tmp_path / "b")


def test_bulk_refuses_a_store_that_is_not_empty_and_other_stores(tmp_path):
    assert runner.invoke(app, ["ingest", str(EXAMPLES / "000_e0bd7c87301b5859.txt"),
                               "--store", str(tmp_path / "kg")]).exit_code == 0
    before = dump(tmp_path / "kg")
    again = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "kg"), "--bulk"])
    assert again.exit_code == 2
    assert "is not empty" in again.output and "without --bulk" in again.output
    assert dump(tmp_path / "kg") == before
    other = runner.invoke(app, ["ingest", str(EXAMPLES), "--neo4j", "bolt://127.0.0.1:1", "--bulk"])
    assert other.exit_code == 2 and "embedded Oxigraph store only" in other.output
    assert "policykg import-files" in other.output


def test_the_batch_size_setting_is_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYKG_INGEST_BATCH", "0")
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "kg")])
    assert result.exit_code == 2 and "POLICYKG_INGEST_BATCH" in result.output


@pytest.mark.parametrize("size", ["many"])
def test_a_batch_size_that_is_no_number_is_named(monkeypatch, tmp_path, size):
    monkeypatch.setenv("POLICYKG_INGEST_BATCH", size)
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(tmp_path / "kg")])
    assert result.exit_code == 2 and "POLICYKG_INGEST_BATCH" in result.output
