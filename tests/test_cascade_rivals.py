"""The two rival rules of cascade linking (graph/cascade.py ``_decide``), each on its own, on hand-made pairs.

Rule 1, same lower clause: a link is a fact only if its raw score is at least RELATIVE of the best raw score
of any link answered by the same clause of the same lower task (same-row links do not compete).
Rule 2, same higher clause: a link is a fact only if its raw score is at least RELATIVE_DOC of the best raw
score among the tasks of the same document and level whose best match is the same clause of the same higher
task. Scores below are made up so that each case turns on one rule; the expected flags are worked out by hand.
"""
from __future__ import annotations

from policykg.graph import cascade
from policykg.graph.cascade import RELATIVE, RELATIVE_DOC, THRESHOLD, Item

assert (RELATIVE, RELATIVE_DOC) == (0.7, 0.7) and THRESHOLD < 0.5   # the cases below are worked out for these


def _item(id_: str, doc: str = "city", level: str = "municipal") -> Item:
    return Item(id=id_, label="Task", doc=doc, level=level, rank=2 if level == "municipal" else 1,
                jurisdiction="无锡市", text=id_, grams=set(), segments=[], functions=frozenset(), targets=[])


def _s(raw: float, low_clause: int = 0, high_clause: int = 0, same_row: bool = False, score: float | None = None):
    return {"score": raw if score is None else score, "raw": raw, "same_row": same_row,
            "low_clause": low_clause, "high_clause": high_clause, "text": raw, "cov_higher": raw,
            "cov_lower": raw, "clause_higher": raw, "targets": [], "function": None}


def _review(kept) -> dict[tuple[str, str], bool]:
    return {(e.source, e.target): e.props["review"] for e in cascade._decide(kept, THRESHOLD)}


HIGH_1, HIGH_2 = _item("h1", "prov", "provincial"), _item("h2", "prov", "provincial")


def test_rule_1_a_weaker_higher_task_answered_by_the_same_lower_clause_is_a_suggestion():
    low = _item("l")
    flags = _review([(low, HIGH_1, _s(0.8)), (low, HIGH_2, _s(0.5))])      # 0.5 < 0.7 × 0.8 = 0.56
    assert flags == {("l", "h1"): False, ("l", "h2"): True}


def test_rule_1_a_close_rival_is_a_fact_too():
    low = _item("l")
    flags = _review([(low, HIGH_1, _s(0.8)), (low, HIGH_2, _s(0.6))])      # 0.6 >= 0.56
    assert flags == {("l", "h1"): False, ("l", "h2"): False}
    flags = _review([(low, HIGH_1, _s(1.0)), (low, HIGH_2, _s(0.7))])      # exactly 0.7 × best: kept
    assert flags == {("l", "h1"): False, ("l", "h2"): False}


def test_rule_1_two_clauses_restating_two_higher_tasks_have_no_rival():
    low = _item("l")
    flags = _review([(low, HIGH_1, _s(0.8, low_clause=0)), (low, HIGH_2, _s(0.5, low_clause=1))])
    assert flags == {("l", "h1"): False, ("l", "h2"): False}


def test_rule_1_a_same_row_link_is_no_rival_and_has_none():
    low = _item("l")
    # the same-row link (raw 0.9) does not push the other link (0.5) below its share ...
    flags = _review([(low, HIGH_1, _s(0.9, same_row=True, score=0.95)), (low, HIGH_2, _s(0.5))])
    assert flags == {("l", "h1"): False, ("l", "h2"): False}
    # ... and is a fact whatever beats it
    flags = _review([(low, HIGH_1, _s(0.3, same_row=True, score=0.65)), (low, HIGH_2, _s(0.9))])
    assert flags == {("l", "h1"): False, ("l", "h2"): False}


def test_rule_2_a_weaker_task_of_the_same_document_on_the_same_higher_clause_is_a_suggestion():
    a, b = _item("a"), _item("b")
    flags = _review([(a, HIGH_1, _s(0.8)), (b, HIGH_1, _s(0.5))])           # 0.5 < 0.7 × 0.8
    assert flags == {("a", "h1"): False, ("b", "h1"): True}


def test_rule_2_a_close_one_is_a_fact_too():
    a, b = _item("a"), _item("b")
    flags = _review([(a, HIGH_1, _s(0.8)), (b, HIGH_1, _s(0.6))])
    assert flags == {("a", "h1"): False, ("b", "h1"): False}


def test_rule_2_other_documents_levels_and_clauses_are_no_rivals():
    a = _item("a")
    other_doc, other_level = _item("b", doc="town"), _item("c", level="county")
    flags = _review([(a, HIGH_1, _s(0.8)), (other_doc, HIGH_1, _s(0.5)), (other_level, HIGH_1, _s(0.5))])
    assert flags == {("a", "h1"): False, ("b", "h1"): False, ("c", "h1"): False}
    b = _item("b")          # same document and level, another clause of the higher task
    flags = _review([(a, HIGH_1, _s(0.8, high_clause=0)), (b, HIGH_1, _s(0.5, high_clause=1))])
    assert flags == {("a", "h1"): False, ("b", "h1"): False}
    flags = _review([(a, HIGH_1, _s(0.8)), (b, HIGH_2, _s(0.5))])          # another higher task
    assert flags == {("a", "h1"): False, ("b", "h2"): False}


def test_rule_2_counts_same_row_links_as_rivals():
    a, b = _item("a"), _item("b")
    # a same-row link is itself a fact, but its raw score is the best for the higher clause: b falls below
    flags = _review([(a, HIGH_1, _s(0.9, same_row=True, score=0.95)), (b, HIGH_1, _s(0.5))])
    assert flags == {("a", "h1"): False, ("b", "h1"): True}


def test_below_the_threshold_it_is_a_suggestion_without_rivals():
    low = _item("l")
    assert _review([(low, HIGH_1, _s(THRESHOLD - 0.01))]) == {("l", "h1"): True}
    assert _review([(low, HIGH_1, _s(THRESHOLD))]) == {("l", "h1"): False}


def test_the_decision_does_not_depend_on_the_order_of_the_pairs():
    a, b = _item("a"), _item("b")
    kept = [(a, HIGH_1, _s(0.8)), (b, HIGH_1, _s(0.5)), (a, HIGH_2, _s(0.5)), (b, HIGH_2, _s(0.45))]
    assert _review(kept) == _review(list(reversed(kept))) == {
        ("a", "h1"): False, ("b", "h1"): True,     # rule 2 against a
        ("a", "h2"): True,                         # rule 1: a's clause is answered better by h1
        ("b", "h2"): False}   # 0.45 >= 0.7 × 0.5 (b's best, rule 1) and >= 0.7 × 0.5 (h2's best, rule 2)
