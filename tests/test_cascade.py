"""Cascade linking on the five seeds: accuracy against the hand-made gold links, the linking rules, and the
evidence written on each IMPLEMENTS edge."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from policykg.graph import cascade
from policykg.graph import cascade_text as ct
from policykg.graph.cascade_scope import RANK, contains, split_level

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "cascade"))
from evaluate import load_gold, node_by_ref, ref_of, score  # noqa: E402
from seed_graph import pipeline_graph, seed_graph  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "test-output"


@pytest.fixture(scope="module")
def graph():
    """The examples through the real extract → resolve → build pipeline."""
    return pipeline_graph()


@pytest.fixture(scope="module")
def edges(graph):
    return cascade.link(graph)


@pytest.fixture(scope="module")
def items(graph):
    return {it.id: it for it in cascade.collect_items(graph)}


def test_gold_set_is_big_enough_and_every_pair_names_real_nodes(graph):
    positives, negatives = load_gold()
    assert len(positives) >= 40 and len(negatives) >= 15
    known = node_by_ref(graph)
    pairs = [(p["lower"], p["higher"]) for p in positives + negatives]
    assert len(pairs) == len(set(pairs)), "a pair is listed twice"
    for p in positives + negatives:
        assert p["reason"].strip()
        for ref in (p["lower"], p["higher"]):
            assert ref in known, ref


def test_confident_links_reach_precision_and_recall_on_the_gold(graph, edges):
    result = score(edges, graph)
    report = result.report()
    print(report)
    OUT.mkdir(exist_ok=True)
    (OUT / "cascade_scores.txt").write_text(
        f"method {cascade.METHOD}, threshold {cascade.THRESHOLD}, floor {cascade.FLOOR}\n"
        f"links {len(edges)}, confident {sum(not e.props['review'] for e in edges)}\n{report}\n", encoding="utf-8")
    assert result.precision >= 0.9, report
    assert result.recall >= 0.8, report


def test_verbatim_quotes_are_confident_and_carry_the_quoted_phrase(graph, edges):
    by_pair = {(ref_of(e.source, graph), ref_of(e.target, graph)): e for e in edges}
    quote = by_pair[("004-3/measure", "001-2")]
    assert quote.props["review"] is False
    evidence = json.loads(quote.props["evidence"])
    assert any("师生比不低于1:350" in p for p in evidence["shared_phrases"])
    restated = by_pair[("000-19", "001-7")]
    ev = json.loads(restated.props["evidence"])
    assert {"lower": "100所 优秀中等职业学校", "higher": "1000所左右 优质中职学校"}.items() <= ev["matching_targets"][0].items()
    assert ev["shared_functions"] == ["education"]


def test_links_go_only_upward_and_into_containing_jurisdictions(graph, edges, items):
    assert edges
    for e in edges:
        low, high = items[e.source], items[e.target]
        assert RANK[high.level] < RANK[low.level], (e.source, e.target)
        assert contains(high.jurisdiction, low.jurisdiction) is not False, (e.source, e.target)
    # Jiangyin (in Jiangsu) never links to Jiangxi; provincial lists never link to each other
    docs = {e.source.split("/")[1][:3] + ">" + e.target.split("/")[1][:3] for e in edges}
    assert "003>002" not in docs and "003>004" not in docs
    assert not docs & {"000>002", "002>000", "004>000", "004>002", "002>004", "000>004"}


def test_every_school_measure_links_confidently_to_its_own_row(graph, edges):
    row_of = {e.target: e.source for e in graph.edges_by_type("HAS_MEASURE")}
    confident = {(e.source, e.target) for e in edges if not e.props["review"]}
    assert len(row_of) == 27
    for measure, task in row_of.items():
        assert (measure, task) in confident, measure


def test_edges_carry_score_method_review_and_evidence(edges):
    for e in edges:
        assert e.type == "IMPLEMENTS"
        assert cascade.FLOOR <= e.props["score"] <= 1
        assert e.props["method"] == cascade.METHOD
        assert isinstance(e.props["review"], bool)
        if e.props["score"] < cascade.THRESHOLD:
            assert e.props["review"] is True
        ev = json.loads(e.props["evidence"])
        assert {"shared_phrases", "matching_targets", "shared_functions", "text_similarity", "same_row"} <= set(ev)


def test_threshold_and_floor_decide_facts_and_suggestions(graph, edges):
    strict = cascade.link(graph, threshold=0.6, floor=0.5)
    assert all(e.props["score"] >= 0.5 for e in strict)
    assert sum(not e.props["review"] for e in strict) < sum(not e.props["review"] for e in edges)
    assert all(e.props["score"] >= 0.6 for e in strict if not e.props["review"])
    with pytest.raises(ValueError, match="floor"):
        cascade.link(graph, threshold=0.3, floor=0.5)


def test_linking_is_deterministic(graph, edges):
    again = cascade.link(graph)
    assert [(e.key, e.props) for e in again] == [(e.key, e.props) for e in edges]


def test_the_gold_records_give_the_same_accuracy_as_the_pipeline():
    """The hand-checked records (tests/fixtures/seeds_gold) as a graph: linking does not hinge on extraction details."""
    g = seed_graph()
    result = score(cascade.link(g), g)
    assert result.precision >= 0.9 and result.recall >= 0.8, result.report()


def test_candidate_search_finds_what_scoring_every_pair_finds(graph, edges):
    items = cascade.collect_items(graph)
    brute = cascade.link_items(items, candidates=None)
    found = {e.key for e in edges if not e.props["review"]}
    wanted = {e.key for e in brute if not e.props["review"]}
    assert len(found & wanted) >= 0.97 * len(wanted)


def test_jurisdiction_containment_comes_from_the_reference_data():
    assert contains("江苏省", "江阴市") is True
    assert contains("江西省", "江阴市") is False
    assert contains("全国", "江阴市") is True
    assert contains("辽宁省", "锦州市") is True
    assert contains("江苏省", "某某学校") is None
    assert split_level("provincial+institution") == ("provincial", "institution")


def test_text_features_fold_long_forms_and_numbers():
    assert ct.normalise("遴选1000所左右优质中等职业学校") == ct.normalise("遴选200所优质中职学校")
    assert ct.segments("甲乙丙丁戊，己庚辛壬癸。子丑，2025年底前完成") == ["甲乙丙丁戊", "己庚辛壬癸"]
    assert ct.normalise("到2025年底前完成") == ct.normalise("在“十四五”期间") == ""
    q = ct.quantities("建设5门省级精品在线开放课程。")
    assert q == [{"text": "5门", "value": 5.0, "unit": "门", "object": "省级精品在线开放课程"}]
    # same head noun needed: 实训基地 is not 创新团队
    assert ct.overlap(ct.normalise("省级精品在线开放课程"), ct.normalise("职业教育精品在线开放课程")) > 0.5
    assert ct.overlap("国家级实训基地", "国家级教学创新团队") == 0.0
