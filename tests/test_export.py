"""Subgraph export: the same selection, exported from a real Oxigraph store built from the examples in every
format, reads back (with independent readers) as the same nodes and edges, and those agree with the store."""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from lxml import etree
from pyoxigraph import RdfFormat, parse
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.graph.export.files import export_bytes, graphml_bytes, refs_from_rows
from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.stores.rdf_store import OxigraphStore
from policykg.graph.views.subgraph import Selection, select
from policykg.ontology.mapping import RDF_TYPE, load_mapping
from policykg.queries.registry import Registry
from policykg.queries.runner import plain, run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
XSD = ROOT / "tests" / "fixtures" / "graphml" / "graphml.xsd"
JX_DOC = "002_9942bf19912af7cb"
JY_DOC = "003_7fdab2a4388eb7e7"       # the one example with a 文号
SELECTIONS = {
    "department": (["--department", "江西省教育厅", "--with-units"], Selection(department="江西省教育厅", with_units=True)),
    "document": (["--document", JY_DOC], Selection(document=JY_DOC)),
}
FILES = {"graphml": "part.graphml", "csv": "part.csv", "ttl": "part.ttl", "nt": "part.nt", "jsonld": "part.jsonld",
         "html": "part.html"}
runner = CliRunner()


def build_example_store(path: Path) -> OxigraphStore:
    """The examples extracted, resolved, built, written document by document, and cascade-linked."""
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files

    results, problems = process_files([EXAMPLES])
    assert not problems, problems
    graph = build(results)
    store = OxigraphStore(str(path))
    for r in results:
        store.replace_document(r.meta.doc, r.meta.sha256, graph.document_subgraph(r.meta.doc))
    cascade.link_store(store)
    return store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("export-store") / "kg"
    build_example_store(path).close()
    return path


@pytest.fixture(scope="module")
def stored_graph(store_path):
    """The stored graph read back (the store is closed again: the CLI opens it in the same process)."""
    with OxigraphStore(str(store_path)) as store:
        return store.load_graph()


def _sets(graph: PolicyGraph) -> tuple[set[str], set[tuple[str, str, str]]]:
    return set(graph.nodes), set(graph.edges)


@pytest.fixture(scope="module", params=sorted(SELECTIONS))
def exported(request, store_path, stored_graph, tmp_path_factory):
    """Every format of one selection written by the CLI; and the selection computed in memory."""
    args, selection = SELECTIONS[request.param]
    out = tmp_path_factory.mktemp(f"export-{request.param}")
    for fmt, name in FILES.items():
        result = runner.invoke(app, ["export", *args, "--format", fmt, "-o", str(out / name),
                                     "--store", str(store_path)])
        assert result.exit_code == 0, result.output
    return request.param, out, select(stored_graph, Selection(**{**selection.__dict__, "max_nodes": 10 ** 9}))


# -- independent readers ---------------------------------------------------------------------------------------

def read_graphml(path: Path):
    g = nx.read_graphml(path)
    nodes = {d["pk_id"]: d for _, d in g.nodes(data=True)}
    ids = {n: d["pk_id"] for n, d in g.nodes(data=True)}
    edges = {(ids[u], d["type"], ids[v]) for u, v, d in g.edges(data=True)}
    return set(nodes), edges


def read_csv(out: Path, stem: str = "part"):
    with (out / f"{stem}.nodes.csv").open(encoding="utf-8-sig", newline="") as f:
        nodes = {row["id"] for row in csv.DictReader(f)}
    with (out / f"{stem}.edges.csv").open(encoding="utf-8-sig", newline="") as f:
        edges = {(row["source"], row["type"], row["target"]) for row in csv.DictReader(f)}
    return nodes, edges


def read_rdf(g: rdflib.Graph):
    """Nodes: subjects typed with a class of the mapping; edges: triples whose predicate is a relationship's."""
    m = load_mapping()
    classes = set(m.label_of_class())
    rels = m.rel_by_predicate()
    nodes = {m.node_id(str(s)) for s, o in g.subject_objects(rdflib.URIRef(RDF_TYPE)) if str(o) in classes}
    edges = {(m.node_id(str(s)), rels[str(p)].type, m.node_id(str(o)))
             for s, p, o in g if str(p) in rels and isinstance(o, rdflib.URIRef)}
    return nodes, edges


def rapper_triples(path: Path, syntax: str) -> rdflib.Graph:
    """Parse with raptor (rapper) into N-Triples, then load those: a second, independent Turtle parser."""
    if shutil.which("rapper") is None:
        if os.environ.get("CI"):
            pytest.fail("rapper (Debian raptor2-utils) is required under CI to check the Turtle export")
        pytest.skip("rapper (Debian raptor2-utils) is not installed")
    done = subprocess.run(["rapper", "-q", "-i", syntax, "-o", "ntriples", str(path)], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return rdflib.Graph().parse(data=done.stdout.decode("utf-8"), format="nt")


# -- the tests ---------------------------------------------------------------------------------------------------

def test_selection_agrees_with_the_store(exported, store_path, stored_graph):
    """The selected tasks are those the store itself answers for (SPARQL), not just what the selector thinks."""
    kind, _, expected = exported
    with OxigraphStore(str(store_path)) as store:
        _store_tasks_agree(store, kind, expected)
    assert set(expected.edges) <= set(stored_graph.edges)   # every edge of the part is an edge of the store


def _store_tasks_agree(store, kind, expected):
    tasks = {n for n in expected.nodes if expected.nodes[n].label in ("Task", "SchoolMeasure")}
    if kind == "department":
        q = Registry.load().get("department-obligations")
        rows = run(q, store, {"department": "江西省教育厅", "with_units": True, "limit": 10_000})
        named = {(r[2], r[3], r[5]) for r in rows.rows}
        assert {(expected.nodes[t].props["doc_id"], expected.nodes[t].props.get("task_no"),
                 expected.nodes[t].props.get("text")) for t in tasks} == named
        assert len(tasks) == 45
    else:
        res = store.query("PREFIX pk: <https://policykg.org/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
                          "SELECT ?t WHERE { ?d dcterms:identifier ?doc ; pk:hasTask ?t }", {"doc": JY_DOC})
        assert tasks == {plain(r[0]) for r in res.rows} and len(tasks) > 10


def test_graphml_is_schema_valid_and_reads_back(exported):
    _, out, expected = exported
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.parse(str(out / "part.graphml"))
    assert schema.validate(doc), schema.error_log
    assert read_graphml(out / "part.graphml") == _sets(expected)


def test_csv_reads_back(exported):
    _, out, expected = exported
    assert read_csv(out) == _sets(expected)


@pytest.mark.parametrize("fmt,syntax", [("ttl", "turtle"), ("nt", "ntriples")])
def test_rdf_reads_back_with_raptor_and_rdflib(exported, fmt, syntax):
    _, out, expected = exported
    path = out / FILES[fmt]
    by_rapper = rapper_triples(path, syntax)
    by_rdflib = rdflib.Graph().parse(str(path), format="turtle" if fmt == "ttl" else "nt")
    assert len(by_rapper) == len(by_rdflib) > 0
    assert read_rdf(by_rapper) == read_rdf(by_rdflib) == _sets(expected)


def test_jsonld_reads_back(exported):
    _, out, expected = exported
    g = rdflib.Graph().parse(str(out / "part.jsonld"), format="json-ld")
    assert read_rdf(g) == _sets(expected)


def test_html_is_standalone(exported):
    _, out, expected = exported
    page = (out / "part.html").read_text(encoding="utf-8")
    assert "vis.Network" in page and "<script>" in page
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", page, re.I)
    assert f'data-node-count="{len(expected.nodes)}"' in page


def test_formats_agree_with_each_other(exported):
    _, out, expected = exported
    from_graphml = read_graphml(out / "part.graphml")
    from_csv = read_csv(out)
    from_ttl = read_rdf(rdflib.Graph().parse(str(out / "part.ttl"), format="turtle"))
    assert from_graphml == from_csv == from_ttl
    assert len(from_graphml[0]) == len(expected.nodes) > 10 and len(from_graphml[1]) == len(expected.edges)


# -- hostile values, the query selection, errors ----------------------------------------------------------------

def _hostile() -> PolicyGraph:
    g = PolicyGraph()
    g.add_node(Node("doc/x", "Document", {"doc_id": "x", "title": "</script><script>alert(1)</script>"}, doc="x"))
    g.add_node(Node("task/x/1", "Task", {"doc_id": "x", "task_no": "1", "text": 'a<b>&"c\x0b\x1f',
                                        "starts": ["甲,乙", '"丙"']}, doc="x"))
    g.add_edge(Edge("doc/x", "HAS_TASK", "task/x/1", doc="x"))
    return g


def test_hostile_labels_are_escaped_everywhere(tmp_path):
    g = _hostile()
    page = export_bytes(g, "html").decode("utf-8")
    assert "<script>alert(1)" not in page and "\\u003c/script\\u003e" in page
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(graphml_bytes(g))
    assert schema.validate(etree.ElementTree(doc)), schema.error_log
    nodes = {d["pk_id"]: d for _, d in nx.read_graphml(_write(tmp_path / "h.graphml", graphml_bytes(g))).nodes(data=True)}
    assert nodes["doc/x"]["title"] == "</script><script>alert(1)</script>"
    assert nodes["task/x/1"]["starts"] == '["甲,乙", "\\"丙\\""]'     # lists as JSON text


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_query_result_selects_the_same_tasks_as_the_department(store_path, stored_graph):
    graph = stored_graph
    with OxigraphStore(str(store_path)) as store:
        rows = run(Registry.load().get("department-obligations"), store, {"department": "江西省教育厅"})
    refs = refs_from_rows(graph, rows.columns, rows.rows)
    by_query = select(graph, Selection(nodes=tuple(refs), depth=0, max_nodes=10 ** 9))
    by_department = select(graph, Selection(department="江西省教育厅", with_units=False, max_nodes=10 ** 9))
    assert _sets(by_query) == _sets(by_department)


def test_query_export_from_the_cli(store_path, tmp_path):
    out = tmp_path / "q.graphml"
    result = runner.invoke(app, ["export", "--query", "department-obligations", "-p", "department=江西省教育厅",
                                 "--format", "graphml", "-o", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    nodes, _ = read_graphml(out)
    assert sum(1 for n in nodes if n.startswith("task/")) == 45


@pytest.mark.parametrize("args,message", [
    (["--department", "不存在的部门"], "no department named"),
    (["--department", "江西省教育厅", "--from", "2040-01-01"], "no tasks"),
    (["--document", JX_DOC, "--level", "national"], "no tasks"),
    (["--document", JX_DOC, "--format", "trig"], "whole store"),
    (["--document", JX_DOC, "--format", "csv"], "needs -o"),
    (["--with-units"], "goes with --department"),
])
def test_empty_or_impossible_selection_is_an_error(store_path, tmp_path, args, message):
    out = tmp_path / "never.ttl"
    if "--format" not in args:
        args = [*args, "--format", "ttl", "-o", str(out)]
    result = runner.invoke(app, ["export", *args, "--store", str(store_path)])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_whole_graph_export_is_unchanged(store_path):
    """No selector: the store's own triples, with the node properties it packs into one JSON literal
    (rdf.packed_properties) written out one triple each, plus the vocabulary alignment (ODRL, ELI, PROV, OWL-Time)
    the store declares once in the ontology instead of storing per task; the per-document summaries (counts the
    store keeps for ranking queries, derived from the graph) are no part of it."""
    from pyoxigraph import Literal, NamedNode

    from policykg.graph.stores.rdf_codec import interop_quads
    from policykg.ontology.mapping import load_mapping

    m = load_mapping()
    result = runner.invoke(app, ["export", "--format", "nt", "--store", str(store_path)])
    assert result.exit_code == 0
    lines = {line for line in result.stdout.splitlines() if line.strip()}
    exported = {(q.subject, q.predicate, q.object) for q in parse(result.stdout.encode(), format=RdfFormat.N_TRIPLES)}
    with OxigraphStore(str(store_path)) as store:
        summary = m.summary_predicates()
        stored = list(store.quads())
        triples = {(q.subject, q.predicate, q.object) for q in stored if q.predicate.value not in summary}
        assert len(triples) < len(stored)    # the store does keep summaries
        extras = {(q.subject, q.predicate, q.object) for q in interop_quads(store.load_graph())}
    assert extras and not extras & triples
    unpacked, packed = set(), NamedNode(m.layout.packed_iri)
    label_of = {s: m.label_of_class()[o.value] for s, p, o in triples if p.value == RDF_TYPE}
    for s, p, o in [t for t in triples if t[1] == packed]:
        own = json.loads(o.value)
        for name, value in own.pop("node", {}).items():
            prop = m.nodes[label_of[s]].properties[name]
            unpacked.add((s, NamedNode(prop.iri), Literal(value) if prop.type == "string" else
                          Literal(str(value), datatype=NamedNode("http://www.w3.org/2001/XMLSchema#" + prop.type))))
        triples.remove((s, p, o))
        if own:
            triples.add((s, p, Literal(json.dumps(own, sort_keys=True, ensure_ascii=False, separators=(",", ":")))))
    assert unpacked and exported == triples | unpacked | extras
    assert len(lines) == len(exported)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")     # rdflib's Dataset warns about its own internals
@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_formats_put_each_document_in_a_graph_of_its_own(store_path, stored_graph, fmt):
    """trig / nq of the whole store, read back by rdflib: each document's own statements in a named graph named by
    its Document node's IRI; shared nodes and the cross-document links in the default graph; all graphs together
    are the nt export."""
    m = load_mapping()
    links = {m.relationships[r].iri for r in m.layout.links}
    nt = runner.invoke(app, ["export", "--format", "nt", "--store", str(store_path)])
    out = runner.invoke(app, ["export", "--format", fmt, "--store", str(store_path)])
    assert nt.exit_code == 0 and out.exit_code == 0, out.output
    dataset = rdflib.Dataset()
    dataset.parse(data=out.stdout, format={"nq": "nquads"}.get(fmt, fmt))
    graphs = {str(g.identifier): set(g) for g in dataset.graphs() if len(g)}
    default = graphs.pop(str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID))
    owner = {m.node_iri(n.id): m.node_iri(f"doc/{n.doc}") for n in stored_graph.nodes.values() if n.doc}
    documents = {n.doc for n in stored_graph.nodes.values() if n.doc}
    assert set(graphs) == {m.node_iri(f"doc/{d}") for d in documents}
    for name, triples in graphs.items():
        assert triples and all(owner[str(s)] == name and str(p) not in links for s, p, _o in triples)
    assert all(str(s) not in owner or str(p) in links for s, p, _o in default)
    assert any(str(p) in links for _s, p, _o in default)          # the store is linked: links stay outside
    union = set(rdflib.Graph().parse(data=nt.stdout, format="nt"))
    assert default.union(*graphs.values()) == union


def test_function_and_level_filters(store_path, stored_graph, tmp_path):
    out = tmp_path / "fn.csv"
    result = runner.invoke(app, ["export", "--function", "education", "--level", "provincial", "--format", "csv",
                                 "-o", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    nodes, edges = read_csv(tmp_path, "fn")
    tasks = {n for n in nodes if stored_graph.nodes[n].label == "Task"}
    docs = {stored_graph.nodes[n].props["doc_id"]: stored_graph.nodes[n].props["level"]
            for n in nodes if stored_graph.nodes[n].label == "Document"}
    assert tasks and all("provincial" in level.split("+") for level in docs.values())
    # each task is led or supported by an education department (in the store: the level filter may leave a
    # department of another level out of the export)
    for t in tasks:
        assert any(k[0] == t and k[1] in ("LEAD", "SUPPORT") and stored_graph.nodes[k[2]].props.get("function")
                   == "education" for k in stored_graph.edges)
    assert all(stored_graph.nodes[n].props.get("level") in (None, "provincial") for n in nodes
               if stored_graph.nodes[n].label == "Department")


def test_neighbourhood_html_has_the_description_as_title(store_path, tmp_path):
    out = tmp_path / "n.html"
    result = runner.invoke(app, ["export", "--node", "dept/provincial/江西省/education", "--depth", "1",
                                 "--format", "html", "-o", str(out), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<title>“江西省教育厅”周边1步以内的任务</title>" in page
