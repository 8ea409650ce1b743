"""The two rules that demote a cascade link below its score (graph/cascade/linker.py ``decide``), each on its own,
on hand-made scores.

Rule 1, rivals on the same lower clause: a link is a fact only if its score is at least RELATIVE of the best
score of any link answered by the same clause of the same lower task (a school measure's own-row link neither
competes nor is demoted). Rule 2, exclusive classes: a pair whose texts name exclusive classes of object
(技工 vs 中职, 本科 vs 高职) stays a suggestion whatever its score, except a school measure's own row.
Also: the threshold, the floor and at most MAX_LINKS links per lower task. The expected flags below are worked
out by hand for the constants asserted first.
"""
from __future__ import annotations

import pytest

from policykg.graph.cascade import linker as cascade, scoring as cascade_model
from policykg.graph.cascade.linker import FLOOR, MAX_LINKS, RELATIVE
from policykg.graph.cascade.features import make_item
from policykg.graph.cascade.scope import RANK


# The cases are worked out for this threshold; decide takes it as an argument (the linker's own is the model
# file's, tested with the model in test_cascade.py).
THRESHOLD = 0.5


def test_the_constants_the_cases_are_worked_out_for():
    assert (RELATIVE, FLOOR, MAX_LINKS) == (0.6, 0.2, 5)


def _item(id_: str, level: str = "municipal"):
    return make_item(id_, "Task", "city" if level == "municipal" else "prov", level, RANK[level], "无锡市",
                     "建设实训基地", frozenset(), [], None)


def _f(score: float, low_clause: int = 0, same_row: bool = False, class_clash: bool = False) -> dict:
    f = {name: 0.0 for name in cascade_model.model()["features"]}
    f.update(score=score, same_row=same_row, low_clause=low_clause, class_clash=class_clash, cov_higher=0.0,
             cov_lower=0.0, clause_higher=0.0, matches=[], function_agree=0.5)
    return f


def _review(scored) -> dict[tuple[str, str], bool]:
    return {(e.source, e.target): e.props["review"] for e in cascade.decide(scored, THRESHOLD, FLOOR)}


LOW = _item("l")
H = [_item(f"h{i}", "provincial") for i in range(8)]


def test_rule_1_a_weaker_higher_task_answered_by_the_same_lower_clause_is_a_suggestion():
    assert _review([(LOW, H[1], _f(0.9)), (LOW, H[2], _f(0.53))]) == {   # 0.53 < 0.6 × 0.9 = 0.54
        ("l", "h1"): False, ("l", "h2"): True}


def test_rule_1_a_close_rival_is_a_fact_too():
    assert _review([(LOW, H[1], _f(0.9)), (LOW, H[2], _f(0.55))]) == {("l", "h1"): False, ("l", "h2"): False}
    assert _review([(LOW, H[1], _f(1.0)), (LOW, H[2], _f(0.6))]) == {    # exactly 0.6 × best: kept
        ("l", "h1"): False, ("l", "h2"): False}


def test_rule_1_two_clauses_restating_two_higher_tasks_have_no_rival():
    assert _review([(LOW, H[1], _f(0.9, low_clause=0)), (LOW, H[2], _f(0.51, low_clause=1))]) == {
        ("l", "h1"): False, ("l", "h2"): False}


def test_rule_1_another_lower_task_is_no_rival():
    other = _item("m")
    assert _review([(LOW, H[1], _f(0.95)), (other, H[1], _f(0.51))]) == {("l", "h1"): False, ("m", "h1"): False}


def test_rule_1_a_same_row_link_is_no_rival_and_is_never_demoted():
    assert _review([(LOW, H[1], _f(0.99, same_row=True)), (LOW, H[2], _f(0.51))]) == {
        ("l", "h1"): False, ("l", "h2"): False}
    assert _review([(LOW, H[1], _f(0.52, same_row=True)), (LOW, H[2], _f(0.99))]) == {
        ("l", "h1"): False, ("l", "h2"): False}


def test_rule_2_exclusive_classes_stay_a_suggestion_whatever_the_score():
    assert _review([(LOW, H[1], _f(0.99, class_clash=True))]) == {("l", "h1"): True}
    # ... but a clashing link still counts as the best of its clause for rule 1
    assert _review([(LOW, H[1], _f(0.99, class_clash=True)), (LOW, H[2], _f(0.55))]) == {
        ("l", "h1"): True, ("l", "h2"): True}
    assert _review([(LOW, H[1], _f(0.8, same_row=True, class_clash=True))]) == {("l", "h1"): False}


def test_threshold_floor_and_number_of_links():
    assert _review([(LOW, H[1], _f(THRESHOLD))]) == {("l", "h1"): False}
    assert _review([(LOW, H[1], _f(0.49))]) == {("l", "h1"): True}
    assert _review([(LOW, H[1], _f(FLOOR))]) == {("l", "h1"): True}
    assert _review([(LOW, H[1], _f(0.19))]) == {}                     # below the floor: no link at all
    scored = [(LOW, H[i], _f(0.3 + i / 100, low_clause=i)) for i in range(7)]
    assert sorted(_review(scored)) == [("l", f"h{i}") for i in range(2, 7)]   # the five best kept


def test_ties_are_kept_in_higher_id_order():
    scored = [(LOW, H[i], _f(0.3, low_clause=i)) for i in (6, 5, 4, 3, 2, 1, 0)]
    assert sorted(_review(scored)) == [("l", f"h{i}") for i in range(5)]


@pytest.mark.parametrize("reverse", [False, True])
def test_the_decision_does_not_depend_on_the_order_of_the_pairs(reverse):
    other = _item("m")
    scored = [(LOW, H[1], _f(0.9)), (LOW, H[2], _f(0.5)), (other, H[2], _f(0.7)), (other, H[3], _f(0.4))]
    if reverse:
        scored.reverse()
    assert _review(scored) == {("l", "h1"): False, ("l", "h2"): True,       # 0.5 < 0.54
                               ("m", "h2"): False, ("m", "h3"): True}       # 0.4: below the threshold


def test_an_edge_carries_its_rounded_score_and_text_evidence():
    import json

    f = _f(0.567891)
    f.update(cov_higher=0.3, cov_lower=0.6, clause_higher=0.9)
    (edge,) = cascade.decide([(LOW, H[1], f)], THRESHOLD, FLOOR)
    assert (edge.source, edge.type, edge.target) == ("l", "IMPLEMENTS", "h1")
    assert edge.props["score"] == 0.5679 and edge.props["review"] is False
    evidence = json.loads(edge.props["evidence"])
    assert evidence["text_similarity"] == 0.6                 # the mean of the three coverages
    assert (evidence["coverage_of_higher"], evidence["coverage_of_lower"], evidence["best_clause_of_higher"]) == (
        0.3, 0.6, 0.9)
    assert evidence["levels"] == ["municipal", "provincial"] and evidence["same_row"] is False
