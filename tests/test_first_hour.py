"""A newcomer's first hour (issue 15): what trips a user up between `make demo` and their first own question.

Every test drives the real CLI (subprocess or typer's CliRunner) or the explorer (AppTest) on real embedded stores.
"""
from __future__ import annotations

import os
import re
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
    from policykg.graph.stores.registry import open_store

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
    from policykg.graph.stores.registry import open_store
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


def test_app_on_a_missing_store_says_it_starts_empty(tmp_path):
    """`policykg app` on a folder with no store says so (the explorer's ingest page creates it) and serves."""
    import socket

    from processes import stop_process

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT", "POLICYKG_STORE"):
        env.pop(name, None)
    proc = subprocess.Popen([*POLICYKG, "app", "--store", str(tmp_path / "none"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stderr.readline()
    finally:
        stop_process(proc)
    assert f"no store at {tmp_path / 'none'} yet" in first and "ingest page" in first
    assert not (tmp_path / "none").exists()


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


# ---- the setup: the right Python, policykg on the PATH, a quiet install ----------------------------------------

FAKE_OLD_PYTHON = "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'Python 3.9.18'; exit 0; }\nexit 1\n"


def scripts_copy(tmp_path: Path) -> Path:
    """A folder with the setup scripts and nothing else (no .venv), to run them without touching this checkout."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("setup.sh", "link-command.sh"):
        shutil.copy2(ROOT / "scripts" / name, repo / "scripts" / name)
    return repo


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def setup(repo: Path, python: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "scripts/setup.sh", "--venv-only"], cwd=repo, capture_output=True, text=True,
                          env={**os.environ, "PYTHON": python}, timeout=300)


def test_setup_recreates_a_venv_made_with_an_old_or_missing_python(tmp_path):
    repo = scripts_copy(tmp_path)
    executable(repo / ".venv" / "bin" / "python", FAKE_OLD_PYTHON)
    proc = setup(repo, sys.executable)
    assert proc.returncode == 0, proc.stderr
    assert "Python 3.9.18" in proc.stdout and "recreating" in proc.stdout
    version = subprocess.run([repo / ".venv" / "bin" / "python", "-c", "import sys; print(sys.version_info >= (3, 11))"],
                             capture_output=True, text=True)
    assert version.stdout.strip() == "True"
    # an interpreter that is gone (a dangling link after a Python upgrade) is noticed as well
    (repo / ".venv" / "bin" / "python").unlink()
    (repo / ".venv" / "bin" / "python").symlink_to(tmp_path / "gone" / "python3.10")
    proc = setup(repo, sys.executable)
    assert proc.returncode == 0 and "no working interpreter" in proc.stdout, proc.stdout + proc.stderr
    assert (repo / ".venv" / "bin" / "python").exists()


def test_setup_says_what_to_do_when_no_new_enough_python_is_given(tmp_path):
    repo = scripts_copy(tmp_path)
    old = executable(tmp_path / "old" / "python3", FAKE_OLD_PYTHON)
    proc = setup(repo, str(old))
    assert proc.returncode == 1
    assert "Python 3.9.18" in proc.stderr and "3.11 or newer" in proc.stderr and "PYTHON=python3.11" in proc.stderr
    assert not (repo / ".venv").exists()
    # an old .venv is left as it is when nothing can replace it
    executable(repo / ".venv" / "bin" / "python", FAKE_OLD_PYTHON)
    proc = setup(repo, str(tmp_path / "nowhere" / "python3"))
    assert proc.returncode == 1 and "PYTHON=python3.11" in proc.stderr
    assert (repo / ".venv" / "bin" / "python").read_text() == FAKE_OLD_PYTHON


def link_command(repo: Path, home: Path, on_path: bool) -> subprocess.CompletedProcess:
    path = f"{home / '.local' / 'bin'}:{os.environ['PATH']}" if on_path else os.environ["PATH"]
    env = {**os.environ, "HOME": str(home), "PATH": path}
    env.pop("POLICYKG_NO_LINK", None)
    return subprocess.run(["bash", "scripts/link-command.sh"], cwd=repo, capture_output=True, text=True, env=env)


def test_policykg_goes_on_the_path_through_local_bin(tmp_path):
    repo = scripts_copy(tmp_path)
    executable(repo / ".venv" / "bin" / "policykg", "#!/bin/sh\necho policykg-from-venv\n")
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)

    proc = link_command(repo, home, on_path=True)
    link = home / ".local" / "bin" / "policykg"
    assert proc.returncode == 0 and link.is_symlink() and link.resolve() == (repo / ".venv" / "bin" / "policykg")
    assert "on your PATH" in proc.stdout
    ran = subprocess.run(["policykg"], capture_output=True, text=True,
                         env={**os.environ, "PATH": f"{home / '.local' / 'bin'}:{os.environ['PATH']}"})
    assert ran.stdout.strip() == "policykg-from-venv"
    # run again: the same link, no error
    assert link_command(repo, home, on_path=True).returncode == 0 and link.is_symlink()


def test_path_link_is_honest_when_it_cannot_be_made(tmp_path):
    repo = scripts_copy(tmp_path)
    executable(repo / ".venv" / "bin" / "policykg", "#!/bin/sh\necho policykg-from-venv\n")
    # ~/.local/bin not on the PATH: nothing linked, the activate line printed
    home = tmp_path / "home"
    proc = link_command(repo, home, on_path=False)
    assert proc.returncode == 0 and not (home / ".local" / "bin" / "policykg").exists()
    assert "source .venv/bin/activate" in proc.stdout
    # someone else's policykg there is never replaced
    other = executable(home / ".local" / "bin" / "policykg", "#!/bin/sh\necho someone-else\n")
    proc = link_command(repo, home, on_path=True)
    assert proc.returncode == 0 and not other.is_symlink() and "someone-else" in other.read_text()
    assert "source .venv/bin/activate" in proc.stdout


def test_pyproject_lists_every_folder_that_holds_package_files():
    """setuptools warns (and a wheel leaves the files out) for a folder of a package missing from `packages`;
    the licence is an SPDX string (a TOML table is deprecated)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert isinstance(config["project"]["license"], str)
    tool = config["tool"]["setuptools"]
    listed = set(tool["packages"])
    for package, folder in tool["package-dir"].items():
        for sub in (ROOT / folder).rglob("*"):
            if sub.is_dir() and sub.name != "__pycache__" and any(f.is_file() for f in sub.iterdir()):
                name = package + "." + ".".join(sub.relative_to(ROOT / folder).parts)
                assert name in listed, f"{sub.relative_to(ROOT)} holds files but {name} is not in packages"


@pytest.mark.slow
def test_building_the_package_prints_no_setuptools_warning(tmp_path):
    """The wheel build that `pip install` runs, verbose: no setuptools warning (it fetches setuptools from the
    package index or pip's cache; skipped when neither is reachable)."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("core", "loaders", "ontology", "graph", "queries", "app"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", tmp_path / "wheel", source],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and ("No matching distribution" in proc.stdout + proc.stderr
                                 or "Could not find a version" in proc.stdout + proc.stderr):
        pytest.skip("setuptools>=77 is not reachable (no package index, not in pip's cache)")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    warnings = [line for line in (proc.stdout + proc.stderr).splitlines()
                if ("Warning" in line or "warning:" in line.lower()) and "byte-compiling is disabled" not in line]
    assert warnings == []
    import zipfile

    names = zipfile.ZipFile(next((tmp_path / "wheel").glob("*.whl"))).namelist()
    for needed in ("policykg/app/commands/query.py", "policykg/app/explorer_pages/overview.py",
                   "policykg/ontology/data/national.yaml", "policykg/queries/documents.rq", "policykg/app/i18n.yaml"):
        assert needed in names


# ---- a folder run reads task lists only -----------------------------------------------------------------------

def extracted_docs(folder: Path) -> tuple[set[str], subprocess.CompletedProcess]:
    import json

    proc = cli("extract", folder)
    return {json.loads(line)["doc"] for line in proc.stdout.splitlines() if line.strip()}, proc


def test_extract_of_a_folder_skips_hidden_folders_and_virtual_environments(tmp_path):
    work = tmp_path / "work"
    example = sorted(EXAMPLES.glob("*.txt"))[2]
    work.mkdir()
    shutil.copy2(example, work / example.name)
    # task-list-like text where no task list lives: a real virtual environment, its packages, tool folders
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", work / "env"], check=True)
    site = next((work / "env" / "lib").glob("python*")) / "site-packages" / "somepkg"
    for folder in (site, work / ".venv" / "lib", work / ".git" / "objects", work / "node_modules" / "pkg",
                   work / "vendor" / "site-packages" / "pkg", work / "sub" / "__pycache__"):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(example, folder / "dictionary.txt")
    (work / "sub" / "lists").mkdir(parents=True)
    shutil.copy2(sorted(EXAMPLES.glob("*.txt"))[3], work / "sub" / "lists" / "nested.txt")

    docs, proc = extracted_docs(work)
    assert proc.returncode == 0, proc.stderr
    assert docs == {example.stem, "nested"}, docs


def test_extract_of_a_folder_skips_the_briefing_and_graph_page_export_wrote_there(example_store, tmp_path):
    work = tmp_path / "lists"
    work.mkdir()
    example = sorted(EXAMPLES.glob("*.txt"))[2]
    shutil.copy2(example, work / example.name)
    for fmt, name in (("docx", "briefing.docx"), ("html", "graph.html")):
        proc = cli("export", "--department", "江西省教育厅", "--format", fmt, "-o", work / name,
                   "--store", example_store)
        assert proc.returncode == 0, proc.stderr
    from policykg.loaders.generated import is_generated

    assert is_generated(work / "briefing.docx") and is_generated(work / "graph.html")
    assert not is_generated(work / example.name)

    docs, proc = extracted_docs(work)
    assert proc.returncode == 0, proc.stderr
    assert docs == {example.stem}
    # named on the command line, a file is read whatever wrote it (the user asked for it)
    from policykg.loaders import iter_input_files

    assert list(iter_input_files([work / "briefing.docx"])) == [work / "briefing.docx"]


def test_a_manifest_with_an_unknown_level_names_the_allowed_values(tmp_path):
    manifest = tmp_path / "meta.yaml"
    manifest.write_text("documents:\n  002_9942bf19912af7cb:\n    level: citywide\n", encoding="utf-8")
    example = sorted(EXAMPLES.glob("*.txt"))[2]
    for command in (["extract"], ["ingest", "--store", tmp_path / "kg"]):
        proc = cli(*command, example, "--manifest", manifest)
        assert proc.returncode == 2, (command, proc.stderr)
        assert "citywide" in proc.stderr
        for allowed in ("national", "provincial", "municipal", "county", "institution", "provincial+institution"):
            assert allowed in proc.stderr, (command, allowed)
    assert not (tmp_path / "kg").exists()
    # the combined level of a province's list answered by a school stays valid, and so does an empty entry
    manifest.write_text("defaults: {level: provincial}\ndocuments:\n  a: {level: provincial+institution}\n  b:\n",
                        encoding="utf-8")
    from policykg.loaders import load_manifest

    assert load_manifest(manifest).for_doc("a")["level"] == "provincial+institution"
    # a manifest beside the files is checked as well
    work = tmp_path / "beside"
    work.mkdir()
    shutil.copy2(sorted(EXAMPLES.glob("*.txt"))[2], work)
    (work / "manifest.yaml").write_text("defaults:\n  level: citywide\n", encoding="utf-8")
    proc = cli("extract", work)
    assert proc.returncode != 0 and "citywide" in proc.stderr and "municipal" in proc.stderr


# ---- tables: every character shown, laid out by display width ----------------------------------------------

def table_cells(text: str) -> list[list[str]]:
    """The rows of a rich table as printed: each cell's wrapped lines joined again (whitespace dropped)."""
    rows, block = [], []
    for line in text.splitlines():
        if line.startswith("│"):
            block.append([c.strip() for c in line.split("│")[1:-1]])
        elif block and line[:1] in ("├", "└"):
            rows.append(["".join(parts) for parts in zip(*block)])
            block = []
    return rows


@pytest.mark.parametrize("width", [80, 120])
def test_query_table_wraps_chinese_text_within_the_terminal_width(example_store, width):
    from rich.cells import cell_len

    args = ["query", "department-obligations", "-p", "department=江西省教育厅", "--store", example_store]
    table = cli(*args, env={"COLUMNS": str(width)})
    csv_out = cli(*args, "-f", "csv")
    assert table.returncode == 0 and csv_out.returncode == 0, table.stderr + csv_out.stderr
    assert "…" not in table.stdout
    assert max(cell_len(line) for line in table.stdout.splitlines()) <= width
    import csv
    import io

    expected = [["".join(v.split()) for v in row] for row in list(csv.reader(io.StringIO(csv_out.stdout)))[1:]]
    shown = table_cells(table.stdout)
    assert len(shown) == len(expected) > 10
    assert shown == expected          # every character of every value, in order, Chinese text wrapped not cut


def test_narrow_columns_keep_their_width_and_wide_ones_share_the_rest():
    from policykg.app.output import column_widths

    cells = [["1", "national", "教育部" * 30], ["22", "provincial", "省教育厅"]]
    widths = column_widths(["no", "level", "text"], cells, 60)
    assert widths == [2, 10, 60 - (3 * 3 + 1) - 2 - 10]   # borders and padding, the narrow two, the rest
    assert column_widths(["no", "level", "text"], cells, 300) == [2, 10, 180]


# ---- names that do not match exactly: the closest names, and tasks given the way people name them -----------

GOLD = ROOT / "tests" / "fixtures" / "seeds_gold" / "seeds.jsonl"


def gold_tasks() -> list[dict]:
    import json

    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def suggestions(stderr: str) -> list[str]:
    return stderr.split("closest: ")[1].split(" (")[0].split(", ")


def test_a_department_that_matches_nothing_names_the_closest(example_store):
    proc = cli("query", "department-obligations", "-p", "department=江西省教育局", "--store", example_store)
    assert proc.returncode == 2 and "no department named '江西省教育局'" in proc.stderr
    assert suggestions(proc.stderr)[0] == "江西省教育厅"
    assert "0 row(s)" not in proc.stderr

    proc = cli("query", "department-obligations", "-p", "department=省教育厅", "--store", example_store)
    assert proc.returncode == 2
    assert set(suggestions(proc.stderr)[:3]) == {"江苏省教育厅", "江西省教育厅", "辽宁省教育厅"}

    # an existing department with nothing to show is still an empty table, not an error
    proc = cli("query", "due-by", "-p", "date=1990-01-01", "-p", "department=江西省教育厅", "--store", example_store)
    assert proc.returncode == 0 and "0 row(s)" in proc.stderr


def test_a_document_by_id_prefix_or_title_and_the_closest_when_it_matches_nothing(example_store):
    full = cli("query", "search-tasks", "-p", "keyword=教材", "-p", "document=002_9942bf19912af7cb",
               "--store", example_store, "-f", "csv")
    for alias in ("002", "江西省工作任务清单"):
        proc = cli("query", "search-tasks", "-p", "keyword=教材", "-p", f"document={alias}",
                   "--store", example_store, "-f", "csv")
        assert proc.returncode == 0 and proc.stdout == full.stdout and len(full.stdout.splitlines()) > 1
        assert "002_9942bf19912af7cb" in proc.stderr
    proc = cli("query", "search-tasks", "-p", "keyword=教材", "-p", "document=江西任务清单", "--store", example_store)
    assert proc.returncode == 2 and "no document '江西任务清单'" in proc.stderr
    assert "江西省工作任务清单 (002_9942bf19912af7cb)" in proc.stderr


def test_a_task_as_doc_number_title_and_number_or_words_from_its_text(example_store):
    by_id = cli("query", "task-chain", "-p", "task=task/001_8158844c7a4eb5af/51", "--store", example_store, "-f", "csv")
    assert by_id.returncode == 0 and len(by_id.stdout.splitlines()) > 1
    for reference in ("001-51", "001_8158844c7a4eb5af-51", "重点任务（项目）一览表 第51项"):
        proc = cli("query", "task-chain", "-p", f"task={reference}", "--store", example_store, "-f", "csv")
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == by_id.stdout and "task/001_8158844c7a4eb5af/51" in proc.stderr, reference

    # words found in exactly one task's text (the gold says which)
    words = "虚拟仿真实实践教学国家标准"
    assert [(t["doc"], t["task_no"]) for t in gold_tasks() if words in t["text"]] == [("002_9942bf19912af7cb", "17")]
    proc = cli("query", "task-chain", "-p", f"task={words}", "--store", example_store, "-f", "csv")
    assert proc.returncode == 0 and "002_9942bf19912af7cb" in proc.stderr and "task 17 " in proc.stderr


def test_words_in_several_tasks_list_them_and_a_wrong_number_says_which_exist(example_store):
    proc = cli("query", "task-chain", "-p", "task=鲁班工坊", "--store", example_store)
    expected = sorted(f"{t['doc'][:3]}-{t['task_no']}" for t in gold_tasks() if "鲁班工坊" in t["text"])
    assert len(expected) > 1 and proc.returncode == 2
    assert sorted(re.findall(r"\b\d{3}-\d+\b", proc.stderr.split(" — ")[0])) == expected
    proc = cli("query", "task-chain", "-p", "task=001-99", "--store", example_store)
    numbers = [int(t["task_no"]) for t in gold_tasks() if t["doc"].startswith("001")]
    assert proc.returncode == 2 and f"has no task 99; its tasks are numbered 1–{max(numbers)}" in proc.stderr
    proc = cli("query", "task-chain", "-p", "task=task/001_8158844c7a4eb5af/999", "--store", example_store)
    assert proc.returncode == 2 and "no task 'task/001_8158844c7a4eb5af/999'" in proc.stderr


def test_hostile_names_stay_bound_values(example_store, tmp_path):
    """A name that looks like query text is looked up as a value, answered with 'no such name', and changes
    nothing in the store."""
    before = cli("export", "-f", "nq", "--store", example_store).stdout
    for value in ['" } ; DELETE WHERE { ?s ?p ?o } #', "x' OR 1=1 //", "}) DETACH DELETE n //"]:
        for args in (["department-obligations", "-p", f"department={value}"],
                     ["search-tasks", "-p", "keyword=教材", "-p", f"document={value}"],
                     ["task-chain", "-p", f"task={value}"]):
            proc = cli("query", *args, "--store", example_store)
            assert proc.returncode == 2 and "no " in proc.stderr, (args, proc.stderr)
    assert cli("export", "-f", "nq", "--store", example_store).stdout == before


def test_export_offers_the_closest_names_and_takes_a_task_reference(example_store, tmp_path):
    proc = cli("export", "--department", "江西省教育局", "-f", "ttl", "--store", example_store)
    assert proc.returncode == 2 and suggestions(proc.stderr + " (")[0] == "江西省教育厅"
    by_id = cli("export", "--node", "task/001_8158844c7a4eb5af/51", "-f", "nt", "--store", example_store)
    by_ref = cli("export", "--node", "001-51", "-f", "nt", "--store", example_store)
    assert by_ref.returncode == 0 and by_ref.stdout == by_id.stdout and by_id.stdout
