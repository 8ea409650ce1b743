"""Cascade linking on the five seeds: accuracy against the hand-made gold links, the linking rules, and the
evidence written on each IMPLEMENTS edge."""
from __future__ import annotations

import json
import sys
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from policykg.graph.cascade import linker as cascade
from policykg.graph.cascade import text as ct
from policykg.graph.cascade.scope import RANK, contains, split_level

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "cascade"))
from evaluate import KINDS, load_pairs, node_by_ref, ref_of, score  # noqa: E402
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
    pairs = load_pairs()
    kinds = Counter(p["kind"] for p in pairs)
    assert set(kinds) <= set(KINDS)
    # no easier than real links: the hard kinds outnumber the quotes and the same-row links
    assert kinds["paraphrase"] + kinds["refinement"] >= 100 and kinds["lookalike"] >= 50
    assert kinds["paraphrase"] + kinds["refinement"] > 2.5 * (kinds["verbatim"] + kinds["same_row"])
    known = node_by_ref(graph)
    keys = [(p["lower"], p["higher"]) for p in pairs]
    assert len(keys) == len(set(keys)), "a pair is listed twice"
    for p in pairs:
        assert p["reason"].strip()
        for ref in (p["lower"], p["higher"]):
            assert ref in known, ref


# Measured on the examples as extracted (the pipeline) with the shipped model; per kind: (linked confidently,
# listed). Negative kinds count the look-alikes linked confidently (lower is better). Same-row links are left
# out of the headline precision and recall, as in the issue.
PIPELINE = {"verbatim": (13, 13), "paraphrase": (30, 31), "refinement": (63, 79), "same_row": (27, 27),
            "lookalike": (12, 74), "scope": (0, 7)}
PIPELINE_PRECISION, PIPELINE_RECALL = 0.898, 0.862


def test_confident_links_precision_and_recall_per_kind(graph, edges):
    result = score(edges, graph)
    report = result.report()
    print(report)
    OUT.mkdir(exist_ok=True)
    (OUT / "cascade_scores.txt").write_text(
        f"method {cascade.METHOD}, threshold {cascade.THRESHOLD}, floor {cascade.FLOOR}\n"
        f"links {len(edges)}, confident {sum(not e.props['review'] for e in edges)}\n{report}\n", encoding="utf-8")
    assert result.recall_by_kind == PIPELINE, report
    assert (round(result.precision, 3), round(result.recall, 3)) == (PIPELINE_PRECISION, PIPELINE_RECALL), report
    assert not result.unlisted, "judge these links and add them to gold_links.yaml (origin: output)"


def test_class_clashes_are_never_confident(graph, edges):
    """Negative evidence: 技工 schools (human resources) are not 中职 schools (education), whatever the words."""
    by_pair = {(ref_of(e.source, graph), ref_of(e.target, graph)): e for e in edges}
    for pair in [("000-19", "001-8"), ("004-12", "001-8"), ("000-14", "001-38"), ("004-32", "001-38")]:
        assert pair not in by_pair or by_pair[pair].props["review"], pair
    assert by_pair[("000-19", "001-7")].props["review"] is False


def test_paraphrases_meet_through_the_synonym_table():
    assert ct.normalise("进一步完善“职教高考”制度") == ct.normalise("进一步完善分类考试招生制度")
    assert ct.normalise("参与“学历证书+若干职业技能等级证书”制度试点") == ct.normalise("参与1+X证书制度试点")
    assert ct.normalise("推进“中文＋职业技能”项目") == ct.normalise("推进中文+职业技能项目")
    assert ct.normalise("推进本科层次职业教育试点") == ct.normalise("推进职业本科试点")
    # a variant inside a longer canonical form is not rewritten twice
    assert ct.normalise("保持分类考试招生为主渠道") == "保持分类考试招生为主渠道"
    assert ct.class_conflicts(ct.classes(ct.normalise("优质技工学校")), ct.classes(ct.normalise("优质中职学校"))) \
        == ["sector"]


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
        assert {"shared_phrases", "matching_targets", "shared_functions", "text_similarity", "same_row",
                "contributions", "conflicts"} <= set(ev)
        # the contributions are the model's log-odds: the score is their logistic (same-row links lifted)
        z = sum(ev["contributions"].values())
        p = 1 / (1 + math.exp(-z))
        expected = p + cascade.SAME_ROW_LIFT * (1 - p) if ev["same_row"] else p
        assert e.props["score"] == pytest.approx(expected, abs=0.01)


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


# The same measured on the hand-checked records of the examples (tests/fixtures/seeds_gold): the model's own
# training input, constant whatever the extraction does.
RECORDS = {"verbatim": (13, 13), "paraphrase": (30, 31), "refinement": (63, 79), "same_row": (27, 27),
           "lookalike": (11, 74), "scope": (0, 7)}


def test_the_gold_records_give_the_measured_figures():
    """The hand-checked records (tests/fixtures/seeds_gold) as a graph: linking does not hinge on extraction details."""
    g = seed_graph()
    result = score(cascade.link(g), g)
    assert result.recall_by_kind == RECORDS, result.report()


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


def test_the_shipped_model_is_what_the_fit_script_gives():
    """cascade_model.json is versioned data: refitting from the gold (scripts/fit_cascade_model.py) gives the
    same coefficients, and the held-out figures and calibration recorded in it are those the script measures."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import fit_cascade_model as fitter

    from policykg.graph.cascade import scoring as cascade_model
    from policykg.graph.cascade.features import FEATURES

    shipped = cascade_model.model()
    assert shipped["features"] == list(FEATURES)
    g = seed_graph()
    rows = fitter.training_pairs(g)
    intercept, coef = fitter.fit(rows)
    assert shipped["intercept"] == pytest.approx(intercept, abs=1e-4)
    assert shipped["coefficients"] == pytest.approx(list(coef), abs=1e-4)
    assert shipped["trained_on"]["pairs"] == len(rows)
    cv, probs, sweep = fitter.cross_validate(g, rows, cascade.THRESHOLD)
    recorded = shipped["cross_validation"]
    assert recorded["per_threshold"] == sweep
    assert (recorded["precision"], recorded["recall"], recorded["by_kind"]) == (cv["precision"], cv["recall"],
                                                                                 cv["by_kind"])
    assert shipped["calibration_held_out"] == fitter.calibration(probs)
    assert recorded["log_loss"] == fitter.log_loss(probs)
    cv_pairs, probs_pairs, sweep_pairs = fitter.cross_validate(g, rows, cascade.THRESHOLD, by="group")
    recorded = shipped["cross_validation_document_pairs"]
    assert recorded["per_threshold"] == sweep_pairs
    assert (recorded["precision"], recorded["recall"], recorded["by_kind"], recorded["log_loss"]) == (
        cv_pairs["precision"], cv_pairs["recall"], cv_pairs["by_kind"], fitter.log_loss(probs_pairs))
    # the threshold is the script's choice from the held-out sweeps, and the linker's
    assert shipped["threshold"] == cascade.THRESHOLD == fitter.choose_threshold(
        shipped["cross_validation"]["per_threshold"], recorded["per_threshold"]) == 0.4
    # measured held out at the threshold: 0.907 / 0.797 holding out lower documents, 0.900 / 0.805 pairs of them
    assert (shipped["cross_validation"]["precision"], shipped["cross_validation"]["recall"]) == (0.907, 0.797)
    assert (recorded["precision"], recorded["recall"]) == (0.9, 0.805)
    # negative evidence pulls the odds down, agreement pushes them up
    weight = dict(zip(shipped["features"], shipped["coefficients"]))
    assert weight["class_clash"] < 0 and weight["target_clash"] < 0 and weight["target_outmatched"] < 0
    assert weight["target_match"] > 0 and weight["clause_higher"] > 0 and weight["concept_clause"] > 0
    assert weight["function_agree"] > 0          # functions shared by none (0) score below unknown ones (0.5)
    assert weight["char_cover"] > 0 and weight["char_clause"] > 0 and weight["char_lower"] > 0


def test_candidate_search_reads_only_the_postings_of_rare_ngrams():
    from policykg.graph.cascade.index import NgramIndex, gram_ids

    common = {"职业", "教育"}
    sets = [gram_ids(common | {f"甲{i}", f"乙{i % 20}"}) for i in range(100)]
    index = NgramIndex(sets)
    query = index.lookup(gram_ids(common | {"甲3", "乙3"}))[0]
    terms = index.query_terms(query)
    # the stop-grams (in every task) are never read; the rarest first
    assert {int(index.df[t]) for t in terms} == {1, 5}
    assert index.df[terms[0]] == 1
    assert index.top(query, None, 3)[0] == 3
    allowed = np.zeros(100, dtype=bool)
    allowed[[23, 43]] = True
    assert index.top(query, allowed, 3) == [23, 43]       # only allowed tasks a query touched; ties by index


def test_the_scope_of_a_lower_task_is_may_implement_for_every_higher_one_at_once():
    """Linker.allowed decides for thousands of higher jurisdictions from the lower one's ancestors; it must
    agree with cascade_scope.may_implement pair by pair."""
    import random

    from policykg.graph.cascade.features import make_item
    from policykg.graph.cascade.scope import _ancestors_table, may_implement

    rng = random.Random(14)
    names = [*rng.sample(sorted(_ancestors_table()), 600), "全国", None, "某某学校", "江苏", "江阴"]
    highers = [make_item(f"h{i}", "Task", "d", "x", rng.choice([0, 1, 2, 3]), j, "甲乙丙", frozenset(), [], None)
               for i, j in enumerate(names)]
    linker = cascade.Linker(highers)
    for low_jur in [*rng.sample(names, 60), None, "某某学校", "江阴市"]:
        for rank in (1, 2, 3, 4):
            low = make_item("l", "Task", "d", "x", rank, low_jur, "甲乙丙", frozenset(), [], None)
            expected = [may_implement(rank, low_jur, h.rank, h.jurisdiction) for h in highers]
            assert linker.allowed(low).tolist() == expected, (low_jur, rank)
