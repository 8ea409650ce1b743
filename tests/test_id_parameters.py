"""Id parameters: a malformed id is an error when bound, never a wildcard; a well-formed id of nothing is no rows.

Every canned query with a task or document parameter is tried with malformed values (through the registry
and the command line) and with well-formed ids the store does not hold (on the embedded store with its
links, and on Neo4j). Before, task-chain built its start IRI from the text: an id that made no IRI left the
start unbound and the query returned every link in the store.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.queries import runner as query_runner
from policykg.queries.registry import QueryError, Registry

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
runner = CliRunner()

MALFORMED_TASKS = ["", " ", "foo", "7", "task", "task/", "task//7", "task/001_8158844c7a4eb5af/",
                   "task/001_8158844c7a4eb5af/0", "task/001_8158844c7a4eb5af/07", "task/001_8158844c7a4eb5af/x",
                   "task/001\n/7", "task/\x00/7", "doc/001_8158844c7a4eb5af",
                   "dept/national/教育部", "*", "?task", "$task", "<https://policykg.org/id/task/a/1>",
                   "https://policykg.org/id/task/001_8158844c7a4eb5af/7", "task/a/1 } UNION { ?s ?p ?o }\n#",
                   "measure/004_2a2449f2b149ce8a/-1", "TASK/001_8158844c7a4eb5af/7"]
MALFORMED_DOCUMENTS = ["/", "/etc/passwd", "001\n002", "\x00", "a\tb", "\x7f"]   # (values are stripped first)
# well formed, but naming nothing in the store: no rows, never all of them
ABSENT_TASKS = ["task/nothing/1", "task/001 x>/7", 'task/a"b/1', "task/001_8158844c7a4eb5af/999",
                "measure/} UNION {/1", "task/%20/1"]


VALID = {"task": "task/x/1", "document": "x", "date": "2025-12-31", "integer": "1", "decimal": "1.5",
         "boolean": "true", "level": "provincial"}


@pytest.fixture(scope="module")
def registry():
    return Registry.load(include_builtin=True)


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ids") / "kg"
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


def id_parameters(registry):
    return [(q, p) for q in registry for p in q.parameters if p.type in ("task", "document")]


def test_malformed_ids_are_refused_when_bound(registry):
    tried = 0
    pairs = id_parameters(registry)
    assert {q.name for q, p in pairs if p.type == "task"} >= {"task-chain"}
    for query, param in pairs:
        values = MALFORMED_TASKS if param.type == "task" else MALFORMED_DOCUMENTS
        required = {p.name: VALID.get(p.type, "x") for p in query.parameters
                    if p.required and p.name != param.name}
        for value in values:
            if value == "":      # empty means "not given": a required one is missing, an optional one unset
                continue
            with pytest.raises(QueryError, match=param.name):
                query.bind({**required, param.name: value})
            tried += 1
    print(f"{tried} malformed ids refused at bind time over {len(pairs)} id parameters of "
          f"{len({q.name for q, _ in pairs})} queries")


def test_malformed_task_ids_never_a_wildcard_on_the_command_line(kg):
    """The command line may read a value that is no id as a reference (a document number, words of the task)
    and say which task it took; otherwise it refuses it. Either way the answer is never every link."""
    refused = resolved = 0
    total = runner.invoke(app, ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?a pk:implements ?b }", "--store", str(kg),
                                "-f", "csv"])
    links = int(total.stdout.splitlines()[1])
    for value in MALFORMED_TASKS:
        result = runner.invoke(app, ["query", "task-chain", "-p", f"task={value}", "--store", str(kg), "-f", "csv"])
        if result.exit_code == 2:
            assert "task" in result.output, result.output
            refused += 1
            continue
        assert result.exit_code == 0, (value, result.output)
        rows = [line for line in result.stdout.splitlines() if line][1:]
        assert "policykg: task" in result.output and len(rows) < links, (value, result.output)   # said which
        resolved += 1
    assert refused >= len(MALFORMED_TASKS) // 2
    print(f"policykg query task-chain: {len(MALFORMED_TASKS)} malformed task ids: {refused} refused (exit 2), "
          f"{resolved} read as a named reference to one task; none answered with the {links} links")


def test_absent_ids_give_no_rows_never_every_link(kg, registry):
    from policykg.graph.stores.rdf_store import OxigraphStore

    chain = registry.get("task-chain")
    store = OxigraphStore(kg, read_only=True)
    try:
        links = store.counts()["IMPLEMENTS"]
        real = query_runner.run(chain, store, {"task": "task/001_8158844c7a4eb5af/7"}).rows
        for value in ABSENT_TASKS:
            assert query_runner.run(chain, store, {"task": value}).rows == [], value
    finally:
        store.close()
    assert links > 100 and 0 < len(real) < links
    print(f"embedded store with {links} links: a real task's chain has {len(real)} rows; "
          f"{len(ABSENT_TASKS)} well-formed ids of nothing give 0 rows each")


def test_absent_ids_give_no_rows_on_neo4j(neo4j_store, registry):
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files

    results, _ = process_files(sorted(EXAMPLES.glob("*.txt")))
    for result in results:
        neo4j_store.replace_document(result.meta.doc, result.meta.sha256, build([result]))
    links = len(cascade.link_store(neo4j_store))
    chain = registry.get("task-chain")
    real = query_runner.run(chain, neo4j_store, {"task": "task/001_8158844c7a4eb5af/7"}).rows
    for value in ABSENT_TASKS:
        assert query_runner.run(chain, neo4j_store, {"task": value}).rows == [], value
    assert 0 < len(real) < links
    print(f"Neo4j with {links} links: {len(ABSENT_TASKS)} well-formed ids of nothing give 0 rows each")
