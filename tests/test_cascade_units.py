"""Unit tests of the cascade's text helpers (graph/cascade/text.py, cascade_scope.py), on made-up phrases whose
answers are worked out by hand from the documented rules (issue 19: mutants the example-level tests let through)."""
from __future__ import annotations

import pytest

from policykg.graph.cascade import text as ct
from policykg.graph.cascade.scope import _short


@pytest.mark.parametrize("a, b, share", [
    ("示范性实训基地", "实训基地", 1.0),                 # one contains the other
    ("实训基地", "实训基地", 1.0),
    ("优质实训基地", "示范实训基地", 0.6),               # bigrams 优质 质实 实训 训基 基地 / 示范 范实 实训 训基 基地: 3 of 5
    ("实训基地", "创新团队", 0.0),                       # heads differ
    ("基地", "实训基地", 0.0),                           # under three characters
    ("训基地", "实训基地", 1.0),                         # three characters are enough
    ("实训基地", "地", 0.0),
    ("省级基地", "市级基地", 2 / 3),                     # 省级 级基 基地 / 市级 级基 基地: 2 of 3
])
def test_overlap_of_counted_objects(a, b, share):
    assert ct.overlap(a, b) == pytest.approx(share)
    assert ct.overlap(b, a) == pytest.approx(share)


def test_overlap_is_at_most_one():
    assert ct.overlap("一二三四五实训基地", "三四五实训基地") == 1.0


@pytest.mark.parametrize("lower, higher, phrases", [
    ("建设高水平专业群", "推进高水平专业群建设", ["高水平专业群"]),
    ("建设高水平专业群", "无关的内容", []),
    ("abcd", "xxabcdxx", ["abcd"]),                      # a phrase of exactly the minimum length, at the end
    ("abc", "abc", []),                                  # shorter than the minimum (4)
    ("abcdefg", "abcdefg", ["abcdefg"]),                 # the whole text
    ("abcdXabcde", "abcde", ["abcde"]),                  # a phrase inside a longer one found is dropped
    ("甲乙丙丁 戊己庚辛", "甲乙丙丁戊己庚辛", ["甲乙丙丁戊己庚辛"]),   # blanks are no break
    ("一二三四，五六七八，九十壹贰", "一二三四五六七八九十壹贰", ["一二三四", "九十壹贰", "五六七八"]),   # same length: code point order
])
def test_shared_phrases(lower, higher, phrases):
    assert ct.shared_phrases(lower, higher) == phrases


def test_shared_phrases_longest_first_and_at_most_three():
    lower = "一二三四五，甲乙丙丁，子丑寅卯辰巳，东南西北"
    higher = "子丑寅卯辰巳。一二三四五。甲乙丙丁。东南西北"
    assert ct.shared_phrases(lower, higher) == ["子丑寅卯辰巳", "一二三四五", "东南西北"]
    assert ct.shared_phrases(lower, higher, limit=5) == ["子丑寅卯辰巳", "一二三四五", "东南西北", "甲乙丙丁"]
    assert ct.shared_phrases("甲乙丙", "甲乙丙", minimum=3) == ["甲乙丙"]


@pytest.mark.parametrize("name, short", [
    ("江西省", "江西"), ("南昌市", "南昌"), ("广西壮族自治区", "广西壮族"), ("香港特别行政区", "香港"),
    ("沛县", "沛县"), ("X市", "X市"), ("ab省", "ab"),
])
def test_short_place_names(name, short):
    assert _short(name) == short


# -- the link state of a store and the summary of a run (graph/cascade/linker.py) ----------------------------------

from policykg.graph.cascade import linker as cascade  # noqa: E402
from policykg.graph.model import Edge  # noqa: E402


class _Store:
    """What link_status reads of a store: the documents' hashes, the stored link state and the counts."""

    def __init__(self, hashes, state=None, implements=0):
        self.hashes, self.state, self.implements = hashes, state, implements

    def document_hashes(self):
        return dict(self.hashes)

    def link_state(self):
        return self.state

    def counts(self):
        return {"IMPLEMENTS": self.implements} if self.implements is not None else {}


def _state(hashes, links=3):
    return {"documents": cascade.documents_digest(hashes), "document_count": len(hashes), "links": links,
            "method": cascade.METHOD, "threshold": 0.5, "floor": 0.2}


def test_link_status():
    hashes = {"a": "1", "b": "2"}
    assert cascade.link_status(_Store({})).current is True
    pending = cascade.link_status(_Store(hashes))
    assert not pending.current and pending.message.startswith("pending") and "2 stored" in pending.message
    assert cascade.link_status(_Store(hashes, _state(hashes))).current is True
    stale = cascade.link_status(_Store({"a": "1", "b": "3"}, _state(hashes)))
    assert not stale.current and stale.message.startswith("stale: documents")
    assert cascade.link_status(_Store(hashes, _state(hashes), implements=3), count_links=True).current is True
    counted = cascade.link_status(_Store(hashes, _state(hashes), implements=2), count_links=True)
    assert not counted.current and "holds 2 link(s)" in counted.message
    # no IMPLEMENTS count at all is 0 links, as the state says
    assert cascade.link_status(_Store(hashes, _state(hashes, links=0), implements=None), count_links=True).current
    # links an older model made: stale, whatever the documents
    older = cascade.link_status(_Store(hashes, {**_state(hashes), "method": "char-ngram-bm25+logreg/v2"}))
    assert not older.current and older.message.startswith("stale: the links were made by char-ngram-bm25+logreg/v2")


def test_documents_digest_changes_with_any_document_and_not_with_order():
    d = cascade.documents_digest
    assert d({"a": "1", "b": "2"}) == d({"b": "2", "a": "1"})
    assert len({d({"a": "1"}), d({"a": "2"}), d({"b": "1"}), d({"a": "1", "b": "2"}), d({})}) == 5


def test_summary_of_a_run():
    edges = [Edge("l1", "IMPLEMENTS", "h1", {"review": False}), Edge("l1", "IMPLEMENTS", "h2", {"review": True}),
             Edge("l2", "IMPLEMENTS", "h1", {"review": False})]
    assert cascade.summary(edges) == {"links": 3, "confident": 2, "suggestions": 1, "lower_items_linked": 2}
