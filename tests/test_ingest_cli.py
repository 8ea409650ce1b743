"""`policykg ingest / validate / export / sparql` end to end on the examples, through the real CLI."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from policykg.app.cli import app

from helpers.stores import dump

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
OUT = Path(__file__).resolve().parents[1] / "test-output" / "rdf"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "kg"
    result = run("ingest", str(EXAMPLES), "--store", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.count("added ") == 5
    return path


def extract_counts() -> dict[str, int]:
    """What `policykg extract` reports for the same files."""
    result = run("extract", str(EXAMPLES), "--quiet")
    tasks = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {"documents": len({t["doc"] for t in tasks}), "tasks": len(tasks),
            "targets": sum(len(t["targets"]) for t in tasks), "deadlines": sum(len(t["deadlines"]) for t in tasks)}


def test_validate_reports_no_violations_and_the_extracted_counts(kg):
    result = run("validate", "--store", str(kg))
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert lines["SHACL violations"] == "0"
    for name, n in extract_counts().items():
        assert int(lines[name]) == n, name
    assert int(lines["departments"]) > 50


def test_second_ingest_is_unchanged_and_store_identical(kg):
    before = dump(kg)
    result = run("ingest", str(EXAMPLES), "--store", str(kg))
    assert result.exit_code == 0 and result.output.count("unchanged ") == 5
    assert dump(kg) == before


def test_failing_file_leaves_the_store_exactly_as_it_was(kg, tmp_path):
    bad = tmp_path / "not-a-task-list.txt"
    bad.write_text("这只是一段没有任务的文字。\n", encoding="utf-8")
    before = dump(kg)
    result = run("ingest", str(bad), str(tmp_path / "missing.docx"), "--store", str(kg))
    assert result.exit_code == 1
    assert f"failed     {bad}: no recognisable task list" in result.stdout
    assert "missing.docx: no such file or folder" in result.stdout
    assert dump(kg) == before


def test_modified_copy_replaces_only_that_document(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES, corpus)
    kg = tmp_path / "kg"
    assert run("ingest", str(corpus), "--store", str(kg)).exit_code == 0
    target = corpus / "003_7fdab2a4388eb7e7.txt"
    text = target.read_text(encoding="utf-8")
    assert "立德树人" in text
    head, word, tail = text.rpartition("立德树人")   # the last one is in the annex table of tasks
    target.write_text(head + "立德育人" + tail, encoding="utf-8")
    result = run("ingest", str(corpus), "--store", str(kg))
    assert result.exit_code == 0
    assert result.stdout.count("unchanged ") == 4 and f"replaced   {target}" in result.stdout
    sparql = run("sparql", "--store", str(kg), "-f", "json",
                 "SELECT ?doc (COUNT(?t) AS ?n) WHERE { ?t a pk:Task ; pk:docId ?doc ; ?p ?x "
                 "FILTER(CONTAINS(STR(?x), ?word)) } GROUP BY ?doc", "-p", "word=立德育人")
    rows = [json.loads(line) for line in sparql.stdout.splitlines()]
    assert [r["doc"] for r in rows] == ["003_7fdab2a4388eb7e7"]


def test_exported_turtle_is_read_by_rapper(kg):
    OUT.mkdir(parents=True, exist_ok=True)
    ttl, nt = OUT / "examples.ttl", OUT / "examples.nt"
    assert run("export", "--format", "ttl", "-o", str(ttl), "--store", str(kg)).exit_code == 0
    assert run("export", "--format", "nt", "-o", str(nt), "--store", str(kg)).exit_code == 0
    checked = subprocess.run(["rapper", "-i", "turtle", "-c", str(ttl)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    n_triples = len([line for line in nt.read_text(encoding="utf-8").splitlines() if line.strip()])
    assert f"returned {n_triples} triples" in checked.stderr
    # every one of the examples' 247 tasks is typed in the export
    assert sum(1 for line in nt.read_text(encoding="utf-8").splitlines()
               if line.endswith("<https://policykg.org/ontology#Task> .")) == 247


def test_exported_jsonld_is_read_by_rdflib(kg):
    result = runner.invoke(app, ["export", "--format", "jsonld", "--store", str(kg)])
    assert result.exit_code == 0
    g = Graph().parse(data=result.stdout_bytes.decode("utf-8"), format="json-ld")
    nt = runner.invoke(app, ["export", "--format", "nt", "--store", str(kg)])
    assert len(g) == len(Graph().parse(data=nt.stdout_bytes.decode("utf-8"), format="nt")) > 0
    pk = "https://policykg.org/ontology#"
    q = f"SELECT (COUNT(?t) AS ?n) WHERE {{ ?t a <{pk}Task> }}"
    assert int(next(iter(g.query(q)))[0]) == 247


def test_sparql_prints_table_csv_json_and_refuses_updates(kg):
    q = "SELECT ?doc (COUNT(?t) AS ?n) WHERE { ?t a pk:Task ; pk:docId ?doc } GROUP BY ?doc ORDER BY ?doc"
    csv_out = run("sparql", q, "--store", str(kg), "--format", "csv")
    assert csv_out.stdout.splitlines()[:2] == ["doc,n", "000_e0bd7c87301b5859,56"]
    table = run("sparql", q, "--store", str(kg))
    assert "003_7fdab2a4388eb7e7" in table.stdout and "31" in table.stdout
    before = dump(kg)
    refused = run("sparql", "DELETE WHERE { ?s ?p ?o }", "--store", str(kg))
    assert refused.exit_code == 2 and "refused" in refused.output and "read-only" in refused.output
    assert run("sparql", "SELEKT nothing", "--store", str(kg)).exit_code == 2
    assert dump(kg) == before


def test_every_command_has_help_with_an_example():
    for command in ("ingest", "validate", "export", "sparql"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.stdout, command


def test_reading_commands_refuse_a_missing_store(tmp_path):
    missing = tmp_path / "nowhere"
    for args in (["validate"], ["export", "-f", "nt"], ["sparql", "ASK {}"]):
        result = run(*args, "--store", str(missing))
        assert result.exit_code == 2 and f"no store at {missing}" in result.output, args
    assert not missing.exists()
