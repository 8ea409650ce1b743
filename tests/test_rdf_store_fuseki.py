"""The SPARQL-endpoint store against a real Apache Jena Fuseki (from Maven Central, tests/sparql-server/pom.xml)
started here on a free loopback port: same writes, same answers as the embedded Oxigraph store."""
from __future__ import annotations

import copy
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from pyoxigraph import NamedNode, RdfFormat, serialize
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.graph.build import build
from policykg.graph.pipeline import process_files
from policykg.graph.stores.rdf_store import OxigraphStore, StoreError
from policykg.graph.stores.sparql_bind import bind_nested
from policykg.graph.stores.sparql_endpoint import SparqlEndpointStore
from policykg.graph.stores.base import ReadOnlyViolation
from policykg.queries.registry import Registry
from policykg.queries.runner import run

from processes import stop_process
from test_rdf_totals import counted as counted_totals, stored as stored_totals

ROOT = Path(__file__).resolve().parents[1]
JARS = ROOT / "tests" / "sparql-server" / "target" / "dependency"
OUT = ROOT / "test-output"
PK = "https://policykg.org/ontology#"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    if not any(JARS.glob("jena-fuseki-main-*.jar")):
        message = ("Fuseki is not fetched: run `mvn -q -B -f tests/sparql-server/pom.xml dependency:copy-dependencies` "
                   "(scripts/setup.sh --test does)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    OUT.mkdir(exist_ok=True)
    log = open(OUT / "fuseki.log", "w")
    proc = subprocess.Popen(["java", "-Xmx1g", "-cp", f"{JARS}/*", "org.apache.jena.fuseki.main.cmds.FusekiMainCmd",
                             "--mem", "--update", "--localhost", "--port", str(port), "/ds"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/ds/query"
    deadline = time.time() + 90
    while not SparqlEndpointStore(url).ping():
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail(f"Fuseki did not start on port {port}; see {OUT / 'fuseki.log'}")
        time.sleep(0.3)
    yield url
    stop_process(proc, timeout=20)
    log.close()


@pytest.fixture(scope="module")
def results():
    results, problems = process_files([ROOT / "examples"])
    assert not problems
    return results


@pytest.fixture(scope="module")
def local(results, tmp_path_factory):
    store = OxigraphStore(tmp_path_factory.mktemp("oxi"))
    for r in results:
        store.replace_document(r.meta.doc, r.meta.sha256, build([r]))
    yield store
    store.close()


def fresh(url: str, results) -> SparqlEndpointStore:
    store = SparqlEndpointStore(url)
    store.clear()
    assert [store.replace_document(r.meta.doc, r.meta.sha256, build([r])).action for r in results] == ["added"] * 5
    return store


@pytest.fixture(scope="module")
def remote(endpoint, results):
    """The examples ingested once over HTTP; tests that change it run last (file order)."""
    return fresh(endpoint, results)


def dump(store) -> list[bytes]:
    return sorted(serialize(list(store.quads()), format=RdfFormat.N_QUADS).splitlines())


def test_ingest_over_http_stores_what_oxigraph_stores(remote, local):
    assert remote.counts() == local.counts()
    assert dump(remote) == dump(local)   # byte-identical quads: the SHACL-valid local store's, so valid too


QUERIES = [
    # parameter projected (pyoxigraph substitution) and not projected (VALUES join) must agree with Fuseki
    (f"PREFIX pk: <{PK}> SELECT ?doc (COUNT(?t) AS ?n) WHERE {{ ?t a pk:Task ; pk:docId ?doc }} GROUP BY ?doc",
     {"doc": "002_9942bf19912af7cb"}),
    (f"PREFIX pk: <{PK}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
     f"SELECT ?name (COUNT(?t) AS ?n) WHERE {{ ?t pk:lead ?d ; pk:docId ?doc . ?d skos:prefLabel ?name }} "
     f"GROUP BY ?name ORDER BY DESC(?n) ?name", {"doc": "001_8158844c7a4eb5af"}),
    (f"PREFIX pk: <{PK}> SELECT ?doc (COUNT(?t) AS ?n) WHERE {{ ?t a pk:Task ; pk:docId ?doc ; pk:sequence ?s "
     f"FILTER(?s >= ?from) }} GROUP BY ?doc ORDER BY ?doc", {"from": 20}),
    (f"PREFIX pk: <{PK}> ASK {{ ?t pk:text ?x FILTER(CONTAINS(?x, ?w)) }}", {"w": '" } DROP ALL #'}),
]


@pytest.mark.parametrize("text,params", QUERIES)
def test_same_answers_as_oxigraph(remote, local, text, params):
    got, want = remote.query(text, params), local.query(text, params)
    assert got.rows == want.rows and got.columns == want.columns
    assert want.rows


def test_reingest_is_unchanged_and_replace_touches_one_document(remote, local, results):
    before = dump(remote)
    assert {remote.replace_document(r.meta.doc, r.meta.sha256, build([r])).action for r in results} == {"unchanged"}
    assert dump(remote) == before
    changed = copy.deepcopy(results[0])
    changed.meta.sha256 = "a" * 64
    changed.tasks = changed.tasks[:3]
    assert remote.replace_document(changed.meta.doc, changed.meta.sha256, build([changed])).action == "replaced"
    after = dump(remote)
    # the other documents' own quads (their boundary, as the embedded store finds it) are all still there
    others = set(serialize([q for r in results[1:] for q in local.document_quads(r.meta.doc)],
                           format=RdfFormat.N_QUADS).splitlines())
    pick = lambda lines: [x for x in lines if x in others]
    assert pick(after) == pick(before) == sorted(others) and others
    assert remote.counts()["Task"] == 247 - len(results[0].tasks) + 3
    # the store-wide totals of departments and pairs follow the replaced document (recomputed in its update)
    assert stored_totals(remote) == counted_totals(build([changed, *results[1:]])) != counted_totals(build(results))


def test_updates_refused_and_hostile_text_round_trips(remote, results):
    with pytest.raises(ReadOnlyViolation):
        remote.query("DROP ALL")
    odd = copy.deepcopy(results[2])
    odd.meta.sha256 = "b" * 64
    nasty = 'a "quote" \\ back\\slash \\u0022 \n new line }\'\'\' ; DROP ALL ; #'
    odd.tasks[0].text = nasty
    remote.replace_document(odd.meta.doc, odd.meta.sha256, build([odd]))
    back = remote.load_graph().nodes[f"task/{odd.meta.doc}/1"].props["text"]
    assert back == nasty
    assert remote.counts()["Document"] == 5


def test_cli_ingest_and_sparql_against_the_endpoint(endpoint):
    SparqlEndpointStore(endpoint).clear()
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(ROOT / "examples"), "--sparql", endpoint])
    assert result.exit_code == 0 and result.stdout.count("added ") == 5, result.output
    out = runner.invoke(app, ["sparql", "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }", "--sparql", endpoint,
                              "-f", "csv"])
    assert out.stdout.splitlines() == ["n", "247"]


def test_unreachable_endpoint_is_a_clear_error():
    with pytest.raises(StoreError, match=r"cannot reach the SPARQL endpoint http://127\.0\.0\.1:9/"):
        SparqlEndpointStore("http://127.0.0.1:9/ds/query").counts()


# -- canned queries over HTTP: the same rows as the embedded store --------------------------------------------

REGISTRY = Registry.load(include_builtin=True)
PARAMS = yaml.safe_load((ROOT / "tests" / "fixtures" / "queries" / "params.yaml").read_text(encoding="utf-8"))
CANNED = [(name, p) for name in REGISTRY.names() for p in PARAMS.get(name, [])]


@pytest.fixture(scope="module")
def linked(endpoint, results, local):
    """The examples ingested and linked (the cascade, run on each store) on the endpoint and on ``local``."""
    from policykg.graph.cascade import linker as cascade

    remote = fresh(endpoint, results)
    cascade.link_store(remote)
    cascade.link_store(local)
    assert remote.counts() == local.counts() and local.counts()["IMPLEMENTS"]
    return remote, local


@pytest.mark.parametrize("name,params", CANNED, ids=[f"{n}{p or ''}" for n, p in CANNED])
def test_canned_queries_give_the_embedded_stores_rows(name, params, linked):
    """A parameter a subquery projects is bound inside it on both stores (a VALUES block at the top alone would
    reach the subquery after it ran: documents level=... listed every level, task-chain walked every task)."""
    remote, local = linked
    query = REGISTRY.get(name)
    got, want = run(query, remote, params), run(query, local, params)
    assert got.columns == want.columns
    if query.ordered:
        assert got.rows == want.rows
    else:
        assert sorted(map(repr, got.rows)) == sorted(map(repr, want.rows))


def test_nested_groups_get_the_values_of_the_parameters_they_mention():
    q = ('PREFIX ex: <http://e/> SELECT ?t ?n (EXISTS { ?t ?p 1 } AS ?e) WHERE { { SELECT ?t ?x WHERE '
         '{ ?t ex:select "{ SELECT ?t" } ORDER BY ?x LIMIT 1 } { SELECT (COUNT(*) AS ?t) WHERE { ?t ?p ?o } } '
         '{ SELECT * { ?s ?p ?o { SELECT ?o WHERE { ?t ?p ?o } } } } '
         'UNION { FILTER(?k = 2) VALUES ?z { 1 } } OPTIONAL { ?s ?p ?z } MINUS { ?s ?p ?k } # SELECT ?t {\n}')
    out = bind_nested(q, {"t": NamedNode("http://a/b"), "o": 1, "k": 2, "bad name": 3})
    t, o, k = "(?t) { (<http://a/b>) }", '(?o) { ("1"^^<http://www.w3.org/2001/XMLSchema#integer>) }', "(?k) { ("
    assert 'SELECT ?t ?x WHERE { VALUES ' + t + '  ?t ex:select "{ SELECT ?t" }' in out    # a subquery projecting it
    assert "SELECT (COUNT(*) AS ?t) WHERE { ?t" in out               # a subquery's own ?t: another variable
    assert "SELECT * { VALUES (" in out and "?s ?p ?o { SELECT ?o WHERE { VALUES " + o in out  # nested, each projects ?o
    assert "UNION { VALUES " + k in out and "MINUS { VALUES " + k in out and "VALUES ?z { 1 }" in out
    assert "OPTIONAL { ?s ?p ?z }" in out and "(EXISTS { ?t ?p 1 } AS ?e) WHERE { {" in out  # mentions none; top left alone
    assert "WHERE { { SELECT ?t ?x" in out and out.count("VALUES") == 6 and "bad" not in out
    assert bind_nested(q, {}) == q
    # task-chain's walk starts from the task on the server: the task is in the walk's own subquery
    chain = bind_nested(REGISTRY.get("task-chain").text("sparql"), {"task": NamedNode("https://policykg.org/id/task/a/1")})
    assert "{ SELECT ?task ?lower_node WHERE { VALUES (?task) { (<https://policykg.org/id/task/a/1>) }  ?task" in chain
