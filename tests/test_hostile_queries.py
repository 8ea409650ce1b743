"""Hostile and runaway user queries, on a real embedded store of the examples and on a real Neo4j:

- federation refused before anything runs: SPARQL SERVICE (16 forms) and foreign FROM graphs through
  `policykg sparql`, the explorer's query box and a user's saved query; Cypher LOAD CSV through `policykg cypher`.
  A local HTTP listener counts what reaches it: nothing may (and a control shows the engines would fetch);
- runaway queries stopped within the time limit (a cartesian product on both stores, and from the explorer),
  a query past the memory limit stopped, rows cut at the row limit.

Each test prints what it tried and what it measured.
"""
from __future__ import annotations

import http.server
import os
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.app.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ENTRY = str(ROOT / "app" / "explorer.py")
runner = CliRunner()

# {url}: the listener's SPARQL URL; every form must be refused without a request reaching it
SERVICE_FORMS = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?t a pk:Task OPTIONAL {{ SERVICE <{url}> {{ ?t ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?t a pk:Task FILTER EXISTS {{ SERVICE <{url}> {{ ?t ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?t a pk:Task FILTER NOT EXISTS {{ SERVICE SILENT <{url}> {{ ?t ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ {{ ?s a pk:Task }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s a pk:Task MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX remote: <{base}> SELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
    "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
]
# the word SERVICE where it is no pattern: these run
HARMLESS = [
    'SELECT ("SERVICE <{url}>" AS ?x) WHERE {{ }}',
    "# SERVICE <{url}> {{ ?s ?p ?o }}\nASK {{ ?s a pk:Task }}",
    "SELECT * FROM <https://policykg.org/id/graph/links> WHERE {{ ?s ?p ?o }} LIMIT 1",
]
# 3.9e12 rows on the examples store (15,706 quads cubed), and the same joined in Cypher
SPARQL_RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CYPHER_RUNAWAY = "MATCH (a), (b), (c) WHERE a.id + b.id + c.id = 'x' RETURN count(*) AS n"


class Listener:
    """A local HTTP server that counts every request (any method) and answers like a tiny CSV/SPARQL server."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.requests.append(f"{self.command} {self.path}")
                body = b"a,b\n1,2\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}/"
        self.url = self.base + "sparql"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "kg"
    result = runner.invoke(app, ["ingest", str(EXAMPLES), "--store", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


def ui_string(key: str) -> str:
    """The explorer's Chinese sentence for a kind of failure (the page's default language)."""
    import yaml

    return yaml.safe_load((ROOT / "app" / "i18n.yaml").read_text(encoding="utf-8"))[key]["zh"]


def forms(templates: list[str], listener: Listener) -> list[str]:
    return [t.format(url=listener.url, base=listener.base) for t in templates]


# ---- federation ------------------------------------------------------------------------------------------

def test_the_engine_would_fetch_without_the_check(listener):
    """Control: pyoxigraph itself does send SERVICE to the server named (so the listener is a fair witness)."""
    import pyoxigraph

    before = len(listener.requests)
    with pytest.raises(Exception):
        list(pyoxigraph.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    assert len(listener.requests) == before + 1
    print(f"control: unguarded pyoxigraph sent {len(listener.requests) - before} request to the listener")


def test_service_and_foreign_from_refused_by_policykg_sparql(kg, listener):
    before = len(listener.requests)
    for text in forms(SERVICE_FORMS, listener):
        result = runner.invoke(app, ["sparql", text, "--store", str(kg)])
        assert result.exit_code == 2, (text, result.output)
        assert "refused" in result.output and ("SERVICE" in result.output or "FROM" in result.output), result.output
    assert listener.requests[before:] == []
    for text in forms(HARMLESS, listener):
        result = runner.invoke(app, ["sparql", text, "--store", str(kg)])
        assert result.exit_code == 0, (text, result.output)
    assert listener.requests[before:] == []
    print(f"policykg sparql: {len(SERVICE_FORMS)} federated forms refused, {len(HARMLESS)} harmless mentions run, "
          f"{len(listener.requests) - before} request(s) reached the listener")


def test_values_written_into_the_text_stay_values(kg, listener):
    """A query that hands Oxigraph its values in the text (``sparql_binding: values``) escapes them as terms: a
    department or document named like query text closing the group and calling a SERVICE, or updating, finds
    nothing (or is refused as no such id) and reaches nobody."""
    from policykg.graph.stores.registry import open_store
    from policykg.queries.registry import QueryError, Registry
    from policykg.queries.runner import run

    registry = Registry.load()
    inline = [name for name in registry.names() if registry.get(name).sparql_binding == "values"]
    hostile = [f'" }} SERVICE <{listener.url}> {{ ?s ?p ?o }} }} #', "'\" . } ; DROP ALL ; #", "\\\u0022}\n}"]
    before, ran, refused = len(listener.requests), 0, 0
    store = open_store(path=str(kg), read_only=True)
    try:
        for name in inline:
            query = registry.get(name)
            # every looked-up text ("after" is a cursor: names sorting after it are rows, whatever it says)
            strings = [p.name for p in query.parameters
                       if p.type in ("department", "document", "string") and p.name != "after"]
            real = {"department": "江苏省教育厅", "date": "2030-01-01", "string": "task"}   # the other parameters
            base = {p.name: real[p.type] for p in query.parameters if p.required}
            for param in strings:
                for value in hostile:
                    try:
                        rows = run(query, store, {**base, param: value}).rows
                    except QueryError as exc:   # a document id is checked before any store sees it
                        assert "expects a document id" in str(exc), (name, param, value, exc)
                        refused += 1
                        continue
                    assert rows == [], (name, param, value)
                    ran += 1
        assert store.counts()["Task"] > 0
    finally:
        store.close()
    assert listener.requests[before:] == [] and (ran, refused) == (20, 4)   # 24 cases: 6 queries, 8 parameters
    print(f"{len(inline)} queries bound by VALUES in the text: {ran} hostile values ran and found nothing, "
          f"{refused} refused as ids; {len(listener.requests) - before} request(s) reached the listener")


def test_service_refused_in_a_saved_query(kg, listener, tmp_path):
    from policykg.queries.registry import QueryError, Registry

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "remote.rq").write_text(f"SELECT ?s WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}\n")
    (folder / "remote.cypher").write_text("MATCH (s) RETURN s.id AS s\n")
    (folder / "remote.yaml").write_text("title: {zh: 远程, en: remote}\ndescription: {zh: 远程, en: remote}\n"
                                        "columns: [s]\n")
    before = len(listener.requests)
    with pytest.raises(QueryError) as refused:
        Registry.load(folder)
    assert "remote.rq" in str(refused.value) and "SERVICE" in str(refused.value)
    result = runner.invoke(app, ["query", "remote", "--store", str(kg), "--query-dir", str(folder)])
    assert result.exit_code == 2 and "SERVICE" in result.output, result.output
    assert listener.requests[before:] == []
    print(f"saved query with SERVICE: refused when loaded ({refused.value})")


def test_service_refused_in_the_explorer_query_box(kg, listener, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POLICYKG_STORE", str(kg))
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT", "POLICYKG_QUERY_DIR"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("explorer_pages/queries.py")
    at.run()
    before = len(listener.requests)
    tried = forms([SERVICE_FORMS[0], SERVICE_FORMS[4], SERVICE_FORMS[7], SERVICE_FORMS[15]], listener)
    for text in tried:
        at.text_area(key="q_text").input(text).run()
        at.button(key="q_custom_run").click().run()
        assert not at.exception, [e.value for e in at.exception]
        errors = " ".join(e.value for e in at.error)
        assert ui_string("err_federation") in errors, errors
    assert listener.requests[before:] == []
    print(f"explorer query box: {len(tried)} federated queries refused, 0 requests reached the listener")


def test_load_csv_refused_on_neo4j(neo4j_uri, listener):
    from neo4j import GraphDatabase

    from policykg.graph.stores.neo4j_store import driver_auth

    before = len(listener.requests)
    tried = [f"LOAD CSV FROM '{listener.base}x.csv' AS row RETURN row",
             f"LOAD CSV WITH HEADERS FROM '{listener.base}x.csv' AS row RETURN row.a",
             f"MATCH (n) WITH n LIMIT 1 LOAD CSV FROM '{listener.base}' + n.id AS row RETURN row",
             f"CALL {{ LOAD CSV FROM '{listener.base}y.csv' AS row RETURN row }} RETURN row"]
    for text in tried:
        result = runner.invoke(app, ["cypher", text, "--neo4j", neo4j_uri])
        assert result.exit_code == 2 and "LOAD CSV is refused" in result.output, (text, result.output)
    assert listener.requests[before:] == []
    # control: the server itself would fetch the URL
    with GraphDatabase.driver(neo4j_uri, auth=driver_auth(), notifications_min_severity="OFF") as driver:
        driver.execute_query(tried[0])
    assert len(listener.requests) == before + 1
    print(f"policykg cypher: {len(tried)} LOAD CSV forms refused, 0 requests; control: Neo4j unguarded fetched 1")


# ---- runaway queries ---------------------------------------------------------------------------------------

def _workers_alive() -> list[str]:
    """Query worker processes still running (children of this process)."""
    alive = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if "policykg.graph.stores.query_worker" in cmd and ppid == os.getpid():
                alive.append(proc.name)
    return alive


def test_runaway_query_stopped_on_the_embedded_store(kg, monkeypatch):
    from policykg.graph.stores.rdf_store import OxigraphStore, with_prefixes
    from policykg.graph.stores.base import QueryTimeout

    monkeypatch.setenv("POLICYKG_QUERY_TIMEOUT", "2")
    store = OxigraphStore(kg, read_only=True)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as stopped:
            store.query(with_prefixes(SPARQL_RUNAWAY))
        elapsed = time.monotonic() - started
    finally:
        store.close()
    assert elapsed < 2 + 3, elapsed
    assert "POLICYKG_QUERY_TIMEOUT" in str(stopped.value)
    assert _workers_alive() == []
    # the same through the command line: a message and exit code 2, within the limit
    started = time.monotonic()
    result = runner.invoke(app, ["sparql", SPARQL_RUNAWAY, "--store", str(kg)])
    cli_elapsed = time.monotonic() - started
    assert result.exit_code == 2 and "ran longer than 2 s" in result.output, result.output
    assert cli_elapsed < 2 + 3
    print(f"embedded store: cartesian product (3.9e12 rows) stopped after {elapsed:.2f} s (limit 2 s), "
          f"CLI {cli_elapsed:.2f} s, no worker left")


def test_query_past_the_memory_limit_stopped(kg, monkeypatch):
    import resource

    from policykg.graph.stores.rdf_store import OxigraphStore
    from policykg.graph.stores.base import QueryTooLarge

    monkeypatch.setenv("POLICYKG_QUERY_TIMEOUT", "60")
    monkeypatch.setenv("POLICYKG_QUERY_MEMORY_MB", "300")
    store = OxigraphStore(kg, read_only=True)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTooLarge) as stopped:   # sorting 2.5e8 rows needs gigabytes
            store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1")
        elapsed = time.monotonic() - started
    finally:
        store.close()
    assert "POLICYKG_QUERY_MEMORY_MB" in str(stopped.value)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"embedded store: a sort of 2.5e8 rows stopped at the 300 MB limit after {elapsed:.2f} s "
          f"(largest child process so far: {peak_mb:.0f} MB resident)")


def test_rows_cut_at_the_row_limit(kg, monkeypatch):
    from policykg.graph.stores.rdf_store import OxigraphStore

    monkeypatch.setenv("POLICYKG_QUERY_MAX_ROWS", "1000")
    store = OxigraphStore(kg, read_only=True)
    try:
        started = time.monotonic()
        result = store.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")   # 2.5e8 rows, streamed
        elapsed = time.monotonic() - started
        small = store.query("SELECT ?s WHERE { ?s a <https://policykg.org/ontology#Document> }")
    finally:
        store.close()
    assert len(result.rows) == 1000 and result.truncated
    assert len(small.rows) == 5 and not small.truncated
    cli = runner.invoke(app, ["sparql", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "--store", str(kg), "-f", "csv"])
    assert cli.exit_code == 0 and "only the first 1,000 rows" in cli.output
    assert len([line for line in cli.stdout.splitlines() if line]) == 1001   # header + rows
    print(f"row limit 1,000: a 2.5e8-row result cut in {elapsed:.2f} s, flagged; a 5-row result untouched")


def test_runaway_query_stopped_from_the_explorer(kg, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("POLICYKG_STORE", str(kg))
    monkeypatch.setenv("POLICYKG_QUERY_TIMEOUT", "2")
    for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT", "POLICYKG_QUERY_DIR"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("explorer_pages/queries.py")
    at.run()
    at.text_area(key="q_text").input(SPARQL_RUNAWAY).run()
    started = time.monotonic()
    at.button(key="q_custom_run").click().run()
    elapsed = time.monotonic() - started
    errors = " ".join(e.value for e in at.error)
    assert ui_string("err_timeout") in errors, errors
    assert _workers_alive() == []
    print(f"explorer: the runaway query was stopped and reported after {elapsed:.2f} s of page run (limit 2 s)")


@pytest.fixture(scope="module")
def neo4j_examples(neo4j_uri):
    from conftest import wipe_neo4j

    from policykg.graph.build import build
    from policykg.graph.stores.neo4j_store import Neo4jStore
    from policykg.graph.pipeline import process_files

    wipe_neo4j(neo4j_uri)
    results, _ = process_files(sorted(EXAMPLES.glob("*.txt")))
    store = Neo4jStore(neo4j_uri)
    for result in results:
        store.replace_document(result.meta.doc, result.meta.sha256, build([result]))
    yield store
    store.close()


def test_runaway_query_stopped_on_neo4j(neo4j_examples, monkeypatch):
    from policykg.graph.stores.base import QueryTimeout

    monkeypatch.setenv("POLICYKG_QUERY_TIMEOUT", "2")
    nodes = neo4j_examples.query("MATCH (n) RETURN count(n) AS n").rows[0][0]
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        neo4j_examples.query(CYPHER_RUNAWAY)
    elapsed = time.monotonic() - started
    assert elapsed < 2 + 3, elapsed
    assert "POLICYKG_QUERY_TIMEOUT" in str(stopped.value)
    # the server stopped it too: no transaction of ours is still running it
    running = neo4j_examples._read("SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery")
    assert not [q for (q,) in running if q and "a.id + b.id + c.id" in q], running
    monkeypatch.setenv("POLICYKG_QUERY_MAX_ROWS", "1000")
    cut = neo4j_examples.query("MATCH (a), (b) RETURN a.id, b.id")
    assert len(cut.rows) == 1000 and cut.truncated
    print(f"Neo4j: cartesian product over {nodes} nodes ({nodes ** 3:.1e} rows) stopped by the server after "
          f"{elapsed:.2f} s (limit 2 s), no transaction left; a {nodes ** 2:,}-row result cut at 1,000")
