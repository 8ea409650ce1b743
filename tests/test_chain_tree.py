"""A task's implementation tree by level (graph/cascade/chain_tree.py) and `policykg query task-chain` printing it.

The placement rules on hand-made items; then national task 20 of the examples, whose tree was written by
READING the five example files (examples/*.txt, examples/manifest.yaml), never from the program's output:

    001 (national, 全国) No. 20  遴选建设一批产教融合型城市，培育数以万计的产教融合型企业
      000 (provincial, 江苏省) No. 34   ... 发挥国家产教融合试点城市示范引领作用 ... 支持非营利性民办职业院校发展
        003 (municipal, 江阴市) No. 19   健全支持民办职业学校发展的相关政策 (restates 江苏's No. 34, its last clause)
      002 (provincial, 江西省) No. 38   ... 分批认定省级产教融合型企业100家左右 ...
      004 (provincial, 辽宁省) No. 26   持续推进省级产教融合型企业建设培育，积极支持国家产教融合型城市试点建设工作
      003 (municipal, 江阴市) No. 13   培育不少于3家省级产教融合型企业 (江苏's list has no such task: under the nation)
    not taken up: 锦州师范高等专科学校 (004's row 26 has no school measure).

(National task 51, read the same way, has 江苏省 44, 江西省 12, 辽宁省 35 and the school's measure of row 35, and
江阴市 not: its No. 22 recruits 高层次人才 at home, a look-alike of 江苏's 海外高层次人才 that the gold lists as
one; the linker now links it confidently, so 51 is not used here until it does not.)
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from policykg.graph.cascade import chain_tree as ct
from policykg.graph.cascade.chain_tree import ChainItem, ChainLink, build_tree

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NATIONAL_DOC = "001_8158844c7a4eb5af"
TASK_20 = f"task/{NATIONAL_DOC}/20"


def _item(node, level, place, no, kind="Task"):
    return ChainItem(node, kind, level, place, node.split("/")[1], f"doc {node.split('/')[1]}", no, f"text of {node}")


ITEMS = {i.id: i for i in (
    _item("task/n/1", "national", "全国", "1"),
    _item("task/js/4", "provincial", "江苏省", "4"),
    _item("task/jx/9", "provincial", "江西省", "9"),
    _item("task/jy/2", "municipal", "江阴市", "2"),
    _item("task/jy/3", "municipal", "江阴市", "3"),
    _item("task/ln/7", "provincial", "辽宁省", "7"),
    _item("measure/ln/7", "institution", "锦州师范高等专科学校", "7", "SchoolMeasure"),
)}
LINKS = [
    ChainLink("task/js/4", "task/n/1", 0.9, False),
    ChainLink("task/jy/2", "task/js/4", 0.8, False),     # the city restates the province, which restates the nation
    ChainLink("task/jy/2", "task/n/1", 0.95, False),     # ... and the nation directly: hangs under the province
    ChainLink("task/jy/3", "task/js/4", 0.3, True),      # a suggestion only
    ChainLink("task/ln/7", "task/n/1", 0.4, True),       # a suggestion ...
    ChainLink("measure/ln/7", "task/ln/7", 1.0, False),  # ... that a confident school measure answers
    ChainLink("measure/ln/7", "task/n/1", 0.7, False),
]
PLACES = {"national": ["全国"], "provincial": ["江苏省", "江西省", "辽宁省"], "municipal": ["江阴市"],
          "institution": ["锦州师范高等专科学校"]}
SCHOOLS = {"锦州师范高等专科学校": "辽宁省"}


def shape(tree):
    return [(r.depth, r.item.id, r.parent, r.review) for r in tree.rows]


def test_of_two_confident_parents_at_the_same_level_the_better_scored_one_holds_the_row():
    items = {i.id: i for i in (_item("task/n/1", "national", "全国", "1"), _item("task/js/4", "provincial", "江苏省", "4"),
                               _item("task/js/5", "provincial", "江苏省", "5"),
                               _item("task/jy/2", "municipal", "江阴市", "2"))}
    links = [ChainLink("task/js/4", "task/n/1", 0.9, False), ChainLink("task/js/5", "task/n/1", 0.9, False),
             ChainLink("task/jy/2", "task/js/4", 0.6, False),     # restates both of 江苏's tasks, No. 5 better
             ChainLink("task/jy/2", "task/js/5", 0.85, False)]
    tree = build_tree("task/n/1", items, links, PLACES, institutions=SCHOOLS)
    row = next(r for r in tree.rows if r.item.id == "task/jy/2")
    assert row.parent == "task/js/5"
    assert [(a.id, review) for a, review in row.also] == [("task/js/4", False)]


def test_confident_tree_by_level_with_the_closest_level_as_parent():
    tree = build_tree("task/n/1", ITEMS, LINKS, PLACES, institutions=SCHOOLS)
    assert shape(tree) == [
        (0, "task/n/1", None, False),
        (1, "task/js/4", "task/n/1", False),
        (2, "task/jy/2", "task/js/4", False),
        (1, "measure/ln/7", "task/n/1", False),   # its province's task is only suggested: under the nation
    ]
    assert [(a.id, review) for a, review in tree.rows[2].also] == [("task/n/1", False)]
    assert [(g.level, g.jurisdiction, g.suggested) for g in tree.gaps] == [
        ("provincial", "江西省", False), ("provincial", "辽宁省", True)]
    assert tree.hidden == 2 and tree.places_below == 5
    assert not any(link.review for link in tree.links)


def test_suggestions_join_the_tree_marked_and_confident_parents_first():
    tree = build_tree("task/n/1", ITEMS, LINKS, PLACES, suggestions=True, institutions=SCHOOLS)
    assert shape(tree) == [
        (0, "task/n/1", None, False),
        (1, "task/js/4", "task/n/1", False),
        (2, "task/jy/2", "task/js/4", False),
        (2, "task/jy/3", "task/js/4", True),
        (1, "task/ln/7", "task/n/1", True),
        (2, "measure/ln/7", "task/ln/7", False),  # its own row's province, confidently
    ]
    assert [(g.level, g.jurisdiction) for g in tree.gaps] == [("provincial", "江西省")]
    assert tree.hidden == 0


def test_a_provincial_task_looks_for_gaps_inside_its_province_only():
    tree = build_tree("task/js/4", ITEMS, LINKS, PLACES, institutions=SCHOOLS)
    assert shape(tree) == [(0, "task/js/4", None, False), (1, "task/jy/2", "task/js/4", False)]
    assert [(r.item.id, r.depth) for r in tree.above] == [("task/n/1", -1)]
    assert tree.gaps == [] and tree.places_below == 1    # 江阴市 lies in 江苏省; the Liaoning school does not


def test_a_task_nobody_took_up_is_a_tree_of_one_with_every_place_a_gap():
    alone = _item("task/n/2", "national", "全国", "2")
    tree = build_tree(alone.id, {**ITEMS, alone.id: alone}, LINKS, PLACES, institutions=SCHOOLS)
    assert shape(tree) == [(0, "task/n/2", None, False)]
    assert len(tree.gaps) == 5


def test_places_of_a_combined_document():
    assert ct.split_places("provincial+institution", "辽宁省 + 锦州师范高等专科学校") == {
        "provincial": "辽宁省", "institution": "锦州师范高等专科学校"}
    assert ct.split_places("municipal", "江阴市") == {"municipal": "江阴市"}


# ---- the examples ------------------------------------------------------------------------------------------

# written by reading the files (see the module docstring): (depth, document, task number, kind, jurisdiction)
EXPECTED_20 = [
    (0, "001", "20", "Task", "全国"),
    (1, "000", "34", "Task", "江苏省"),
    (2, "003", "19", "Task", "江阴市"),
    (1, "002", "38", "Task", "江西省"),
    (1, "004", "26", "Task", "辽宁省"),
    # 纳入省级产教融合型企业建设培育范围的企业享受税收减免: an incentive for the enterprises Liaoning cultivates,
    # a measure carrying out 培育…产教融合型企业 (the gold leaves it undecided: its nearer parent is 001-27's
    # 组合式激励政策); confident since the model's penalty was chosen by held-out log-loss
    (1, "004", "48", "Task", "辽宁省"),
    (1, "003", "13", "Task", "江阴市"),
]
GAPS_20 = [("institution", "锦州师范高等专科学校")]


def read(tree):
    return [(r.depth, r.item.doc_id[:3], r.item.task_no, r.item.kind, r.item.jurisdiction) for r in tree.rows]


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files
    from policykg.graph.stores.registry import open_store

    results, problems = process_files(sorted(EXAMPLES.glob("*.txt")))
    assert not problems
    graph = build(results)
    folder = tmp_path_factory.mktemp("chain") / "store"
    store = open_store(path=str(folder))
    for result in results:
        store.replace_document(result.meta.doc, result.meta.sha256, graph.document_subgraph(result.meta.doc))
    cascade.link_store(store)
    yield store, folder
    store.close()


def test_national_task_20_down_the_levels_as_read(examples):
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    store, _ = examples
    registry = Registry.load()
    docs = run(registry.get("documents"), store, {"limit": 1000})
    documents = ct.documents_from_rows(docs.columns, docs.rows)
    chain = run(registry.get("task-chain"), store, {"task": TASK_20})
    tree = ct.from_rows(TASK_20, chain.columns, chain.rows, documents)
    assert read(tree) == EXPECTED_20
    assert [(g.level, g.jurisdiction) for g in tree.gaps] == GAPS_20
    # the same tree from the graph held in memory (the briefing's way)
    whole = ct.from_graph(store.load_graph(), TASK_20)
    assert read(whole) == EXPECTED_20 and whole.gaps == tree.gaps
    # rows in tree order: each lower task after the one it hangs under
    ordered = ct.tree_rows(ct.from_rows(TASK_20, chain.columns, chain.rows, documents, suggestions=True),
                           chain.columns, chain.rows)
    lower = [str(r[chain.columns.index("lower")]) for r in ordered]
    assert lower.index("task/003_7fdab2a4388eb7e7/19") > lower.index("task/000_e0bd7c87301b5859/34")


def test_query_task_chain_prints_the_tree(examples):
    _, folder = examples
    env = {"PYTHONIOENCODING": "utf-8", "COLUMNS": "200", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "policykg.app.cli", "query", "task-chain", "-p", "task=001-20",
                           "-p", "confident_only=true", "--store", str(folder)], capture_output=True, text=True,
                          env=env, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.split("not taken up")[0].splitlines()
    heads = [line for line in lines if re.match(r"^[│├└─ ]*(National|Provincial|Municipal|County|Institution) · ", line)]
    assert heads[0].startswith("National · 全国") and "第20项" in heads[0]
    assert [h.split("《")[0].strip(" │├└─") for h in heads[1:]] == [
        "Provincial · 江苏省", "Municipal · 江阴市", "Provincial · 江西省", "Provincial · 辽宁省", "Provincial · 辽宁省",
        "Municipal · 江阴市"]
    # indentation follows the tree: 江阴市's No. 19 under 江苏省's No. 34, its No. 13 under the nation
    assert heads[2].index("Municipal") > heads[1].index("Provincial") == heads[6].index("Municipal")
    assert "not taken up" in proc.stdout and "Institution · 锦州师范高等专科学校" in proc.stdout
    # JSON keeps the query's rows, in the tree's order
    proc = subprocess.run([sys.executable, "-m", "policykg.app.cli", "query", "task-chain", "-p", "task=001-20",
                           "-p", "confident_only=true", "--store", str(folder), "-f", "json"],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["lower_document"][:3], r["lower_task_no"]) for r in rows] == [
        ("000", "34"), ("003", "19"), ("002", "38"), ("004", "26"), ("004", "48"), ("003", "13")]


@pytest.mark.neo4j
def test_the_same_tree_from_neo4j(examples, neo4j_uri):
    """The tree of the task-chain and documents queries on Neo4j is the one on the embedded store."""
    from conftest import wipe_neo4j
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.stores.neo4j_store import Neo4jStore
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    store, _ = examples
    graph = store.load_graph()
    wipe_neo4j(neo4j_uri)
    neo = Neo4jStore(neo4j_uri)
    try:
        for doc in sorted(n.props["doc_id"] for n in graph.nodes_by_label("Document")):
            sha = next(n.props.get("sha256") for n in graph.nodes_by_label("Document") if n.props["doc_id"] == doc)
            neo.replace_document(doc, sha, graph.document_subgraph(doc))
        cascade.link_store(neo)
        registry = Registry.load()
        trees = []
        for target in (store, neo):
            docs = run(registry.get("documents"), target, {"limit": 1000})
            chain = run(registry.get("task-chain"), target, {"task": TASK_20})
            tree = ct.from_rows(TASK_20, chain.columns, chain.rows, ct.documents_from_rows(docs.columns, docs.rows),
                                suggestions=True)
            trees.append(([(r.depth, r.item.id, r.parent, r.review) for r in tree.rows], tree.gaps))
        assert trees[0] == trees[1]
        assert read(ct.from_graph(neo.load_graph(), TASK_20)) == EXPECTED_20
    finally:
        neo.close()


def test_the_cli_and_the_explorer_find_an_unlinked_root_the_same_way(examples):
    """One root-from-names for the CLI's tree and the explorer's (queries.lookup.chain_root): a task no link
    touches is read from the names of its own document; a task in the chain's rows needs no lookup."""
    from policykg.app.chain_output import chain_tree
    from policykg.queries.lookup import EVERY_NAME, chain_root
    from policykg.queries.registry import Registry
    from policykg.queries.runner import run

    store, _ = examples
    registry = Registry.load()
    docs = run(registry.get("documents"), store, {"limit": EVERY_NAME})
    documents = ct.documents_from_rows(docs.columns, docs.rows)
    linked = {end for e in store.load_graph().edges.values() if e.type == "IMPLEMENTS" for end in (e.source, e.target)}
    task = next(r[1] for r in run(registry.get("names"), store, {"kind": "task", "limit": EVERY_NAME}).rows
                if r[1] not in linked)
    doc_id = task.split("/")[1]
    asked = []

    def names(params):
        asked.append(params)
        return run(registry.get("names"), store, params).rows

    chain = run(registry.get("task-chain"), store, {"task": task})
    assert chain.rows == []
    root = chain_root(task, chain.columns, chain.rows, documents, names)
    assert asked == [{"kind": "task", "limit": EVERY_NAME, "document": doc_id}]
    assert root.id == task and root.doc_id == doc_id and root.text and root.task_no == task.split("/")[2]
    assert chain_tree(store, registry, task, chain.columns, chain.rows, suggestions=False).root == root
    linked_chain = run(registry.get("task-chain"), store, {"task": TASK_20})
    assert chain_root(TASK_20, linked_chain.columns, linked_chain.rows, documents, names) is None
    assert len(asked) == 1


def test_the_cap_that_cuts_nothing_is_declared_once():
    """EVERYTHING (a Selection's max_nodes that cuts nothing) lives with Selection; the CLI's export, the
    explorer and the duties view use that one."""
    declared = [p.relative_to(ROOT).as_posix()
                for folder in ("app", "queries", "graph") for p in (ROOT / folder).rglob("*.py")
                if re.search(r"^EVERYTHING\s*=", p.read_text(encoding="utf-8"), re.M)]
    assert declared == ["graph/views/subgraph.py"]
    assert "max_nodes=10 ** 9" not in (ROOT / "graph" / "views" / "duties.py").read_text(encoding="utf-8")
