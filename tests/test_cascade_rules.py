"""Rule-level unit tests of the cascade linker's parts (issue 19, mutation testing): text normalisation, n-grams,
clauses, quantity phrases, object classes and themes (graph/cascade/text.py); level order and jurisdiction
containment (scope.py); the n-gram index and its BM25 (index.py); the logistic model's arithmetic on a
hand-made model (scoring.py); the features of hand-made pairs (features.py); reading a graph and linking a
store (linker.py).

Every expected value is worked out by hand from what the text means or from the documented formula (BM25's
idf, a logistic) — never copied from the program — and none depends on the shipped model's coefficients, so a
refit of cascade_model.json leaves these tests as they are.
"""
from __future__ import annotations

import json
import math
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest
from policykg.graph.cascade import features as cf
from policykg.graph.cascade import index as cindex
from policykg.graph.cascade import linker as cl
from policykg.graph.cascade import scoring
from policykg.graph.cascade import text as ct
from policykg.graph.cascade.features import (
    FEATURES,
    make_item,
    pair_features,
    relative_features,
    weigh,
)
from policykg.graph.cascade.index import CorpusStats, NgramIndex, gram_ids
from policykg.graph.cascade.scope import (
    _ancestors_table,
    containing,
    contains,
    main_jurisdiction,
    may_implement,
    provinces,
    short_name,
    split_level,
)
from policykg.graph.model import Edge, Node, PolicyGraph

# -- text.py: normalisation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, norm", [
    ("遴选1000所左右优质中等职业学校", "遴选#所优质中职学校"),        # number → #, 左右 dropped, long form folded
    ("建设三所高等职业院校", "建设#所高职学校"),                      # a Chinese numeral before a measure word
    ("建设两个技工院校", "建设#个技工学校"),
    ("推进一体化教学", "推进一体化教学"),                              # 一 not before a measure word: kept
    ("到2025年6月底前完成建设", "建设"),                              # a time limit is boilerplate
    ("自2023年起实施", "实施"),
    ("“十四五”期间建成", "建成"),
    ("师生比不低于1:350", "师生比#"),                                 # a ratio is one number; 不低于 dropped
    ("达到１２个", "达到#个"),                                        # full-width digits
    ("建设 实训\n基地", "建设实训基地"),                              # whitespace dropped
    ("推进职业教育高考", "推进分类考试招生"),                          # synonym rewritten to its first form
    ("完善分类考试制度", "完善分类考试招生制度"),
    ("建设高水平专业（群）", "建设高水平专业群"),
    ("设置本科层次职业学校", "设置职业本科学校"),
    ("加强思想政治教育", "加强思政教育"),
    ("人力资源社会保障部门", "人社部门"),
    ("《职业教育法》", "职业教育法"),                                  # quotes and title marks dropped
    ("“中文＋职业技能”", "中文+职业技能"),
    ("至少3所以上", "#所"),
    ("", ""),
])
def test_normalise(raw, norm):
    assert ct.normalise(raw) == norm


def test_canonical_keeps_the_numbers_and_normalise_replaces_them():
    assert ct.canonical("建设100所中等职业学校") == "建设100所中职学校"
    assert ct.normalise("建设100所中等职业学校") == "建设#所中职学校"
    assert ct.canonical(None) == ""


def test_the_terms_file_has_its_three_parts():
    t = ct.terms()
    assert {"synonyms", "exclusive", "concepts"} <= set(t)
    assert ["分类考试招生", "职教高考", "职业教育高考", "分类考试"] in t["synonyms"]


def test_overlap_of_phrases_with_no_two_characters_together_is_zero():
    # same last two characters, neither inside the other, but punctuation leaves no bigram to compare
    assert ct.overlap("甲，乙，丙", "丁，丙") == 0.0
    assert ct.overlap("甲，乙，丙", "丁戊，丙") == 0.0      # one side has a bigram, the other none
    assert ct.overlap("丁戊，丙", "甲，乙，丙") == 0.0
    # ... but a phrase inside the other is covered whole, bigrams or not
    assert ct.overlap("丙，乙", "甲丙，乙") == 1.0
    assert ct.overlap("甲丙，乙", "丙，乙") == 1.0


# -- text.py: classes and themes ----------------------------------------------------------------------------

NONE = frozenset()


@pytest.mark.parametrize("raw, learners, sector, tier", [
    ("建设优质技工院校", NONE, {"human-resources"}, NONE),
    ("扩大中等职业学校招生", {"students"}, {"education"}, {"secondary"}),
    ("建设高职院校", NONE, {"education"}, {"higher"}),
    ("举办职业本科", NONE, NONE, {"bachelor"}),
    ("开展职工继续教育", {"adults"}, NONE, NONE),
    ("推进中职与高职贯通", NONE, {"education"}, {"secondary", "higher"}),
    ("修订人才培养方案", NONE, NONE, NONE),
])
def test_classes_named_by_a_text(raw, learners, sector, tier):
    # the groups in name order: learners, sector, tier
    assert ct.classes(ct.normalise(raw)) == (("learners", frozenset(learners)), ("sector", frozenset(sector)),
                                             ("tier", frozenset(tier)))


@pytest.mark.parametrize("a, b, groups", [
    ("优质技工学校", "优质中职学校", ["sector"]),                    # human resources vs education
    ("中职学校", "高职学校", ["tier"]),                              # both education: only the tier clashes
    ("职业本科", "高职学校", ["tier"]),
    ("中职学生", "职工培训", ["learners"]),
    ("技工学校学生", "中职学校职工", ["learners", "sector"]),
    ("中职和技工学校", "技工学校", []),                              # a shared class: no clash
    ("中职学校", "修订培养方案", []),                                # only one side names a class
    ("修订培养方案", "修订培养方案", []),
])
def test_class_conflicts(a, b, groups):
    ca, cb = ct.classes(ct.normalise(a)), ct.classes(ct.normalise(b))
    assert ct.class_conflicts(ca, cb) == groups
    assert ct.class_conflicts(cb, ca) == groups


@pytest.mark.parametrize("raw, themes", [
    ("建设实训基地和职业教育集团", {"training-bases", "vocational-groups"}),   # 职业教育集团 → 职教集团
    ("推进职业本科", {"vocational-bachelor"}),
    ("落实生均拨款制度", {"funding"}),
    ("修订人才培养方案", set()),
])
def test_concepts(raw, themes):
    assert ct.concepts(ct.normalise(raw)) == frozenset(themes)


# -- text.py: n-grams, clauses, quantities ------------------------------------------------------------------


@pytest.mark.parametrize("norm, sizes, grams", [
    ("甲乙丙", (2, 3), {"甲乙", "乙丙", "甲乙丙"}),
    ("甲乙丙", (2,), {"甲乙", "乙丙"}),
    ("甲乙丙丁", (3,), {"甲乙丙", "乙丙丁"}),
    ("甲乙，丙丁", (2, 3), {"甲乙", "丙丁"}),                   # none crosses punctuation
    ("甲乙、丙丁戊", (2, 3), {"甲乙", "丙丁", "丁戊", "丙丁戊"}),
    ("甲乙/丙丁 戊己", (2,), {"甲乙", "丙丁", "戊己"}),
    ("甲", (2, 3), set()),
    ("甲乙", (2, 3), {"甲乙"}),
    ("", (2, 3), set()),
])
def test_ngrams(norm, sizes, grams):
    assert ct.ngrams(norm, sizes) == grams


@pytest.mark.parametrize("raw, clauses", [
    ("甲乙丙丁戊，己庚辛壬癸。子丑", ["甲乙丙丁戊", "己庚辛壬癸"]),     # a clause needs five normalised characters
    (" 甲乙丙丁戊 ；己庚辛壬癸！子丑寅卯辰", ["甲乙丙丁戊", "己庚辛壬癸", "子丑寅卯辰"]),
    ("甲乙丙丁，建设100所学校", ["建设100所学校"]),               # 甲乙丙丁: four; 建设#所学校: six
    ("建100所，甲乙丙丁戊", ["甲乙丙丁戊"]),                       # 建#所: three after normalising
    ("甲乙，丙丁", ["甲乙，丙丁"]),                                 # no clause long enough: the whole text
    ("", [""]),
    (None, [""]),
])
def test_segments(raw, clauses):
    assert ct.segments(raw) == clauses


@pytest.mark.parametrize("raw, found", [
    ("新增1000所左右优质中职学校", [("1000所左右", 1000.0, "所", "优质中职学校")]),
    ("培训200万人次", [("200万人次", 200.0, "万人次", "")]),
    ("培训10人次", [("10人次", 10.0, "人次", "")]),
    ("培训3-5万人", [("3-5万人", 3.0, "万人", "")]),
    ("就业率达到90%以上", [("90%以上", 90.0, "%", "")]),
    ("规模扩大2.5倍", [("2.5倍", 2.5, "倍", "")]),
    ("建设5门省级精品在线开放课程和10个实训基地", [("5门", 5.0, "门", "省级精品在线开放课程"),
                                                 ("10个", 10.0, "个", "实训基地")]),
    ("完善制度", []),
    (None, []),
])
def test_quantities(raw, found):
    got = ct.quantities(raw)
    assert [(q["text"], q["value"], q["unit"], q["object"]) for q in got] == found


def test_object_after_a_quantity():
    text = "遴选100所优秀中等职业学校"
    assert ct.object_after(text, text.index("所") + 1) == "优秀中等职业学校"
    assert ct.object_after("", 0) == ""
    assert ct.object_after(None, 0) == ""


# -- scope.py ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("level, parts", [
    (None, (None, None)), ("", (None, None)),
    ("provincial", ("provincial", None)),
    ("provincial+institution", ("provincial", "institution")),
    (" provincial + institution ", ("provincial", "institution")),
    ("+institution", (None, "institution")),
])
def test_split_level(level, parts):
    assert split_level(level) == parts


@pytest.mark.parametrize("jurisdiction, main", [
    (None, None), ("", None), ("江苏省", "江苏省"),
    ("辽宁省 + 锦州师范高等专科学校", "辽宁省"), (" + 某某学校", None),
])
def test_main_jurisdiction(jurisdiction, main):
    assert main_jurisdiction(jurisdiction) == main


def test_the_ancestors_of_a_place_come_from_the_reference_data():
    table = _ancestors_table()
    assert table["江阴市"] == frozenset({"江苏省", "无锡市"})        # county-city: province and prefecture
    assert table["无锡市"] == table["无锡"] == frozenset({"江苏省"})  # the short name too
    assert table["江苏省"] == frozenset()                             # a province is not its own ancestor
    assert table["北京市"] == frozenset()
    assert "江阴" not in table                                        # 江阴市 has no short name in the data


@pytest.mark.parametrize("higher, lower, answer", [
    (None, "江阴市", True), ("全国", "江阴市", True), ("国家", None, True), ("中华人民共和国", "某某学校", True),
    ("江苏省", None, None),
    ("江苏省", "江苏省", True), ("江苏", "江苏省", True), ("江苏省", "江苏", True),
    ("江苏省", "江阴市", True), ("江苏", "江阴市", True), ("无锡市", "江阴市", True), ("无锡", "江阴市", True),
    ("苏州市", "江阴市", False), ("江西省", "江阴市", False), ("江西省", "无锡", False),
    ("江苏省", "某某学校", None), ("江苏省", "江阴", None),
])
def test_contains(higher, lower, answer):
    assert contains(higher, lower) is answer


@pytest.mark.parametrize("lower_rank, lower_jur, higher_rank, higher_jur, answer", [
    (3, "江阴市", 1, "江苏省", True),
    (3, "江阴市", 2, "无锡市", True),
    (3, "江阴市", 1, "江西省", False),              # not the containing province
    (1, "江苏省", 1, "江苏省", False),              # same level: never
    (1, "江苏省", 2, "无锡市", False),              # downward: never
    (2, "无锡市", 0, "全国", True),
    (4, "某某学校", 1, "江西省", True),             # unknown place: not excluded
    (4, None, 3, "江阴市", True),
])
def test_may_implement(lower_rank, lower_jur, higher_rank, higher_jur, answer):
    assert may_implement(lower_rank, lower_jur, higher_rank, higher_jur) is answer


def test_containing_gives_the_short_names_of_a_place_and_its_ancestors():
    assert containing("江阴市") == frozenset({"江阴", "无锡", "江苏"})
    assert containing("无锡") == frozenset({"无锡", "江苏"})
    assert containing("北京市") == frozenset({"北京"})
    assert containing("某某学校") is None
    assert containing(None) is None
    assert short_name("江苏省") == "江苏" and short_name("沛县") == "沛县"



def test_places_renamed_by_the_usual_upgrades_are_found_under_their_former_names():
    """jurisdictions.csv still lists 龙南县 (龙南市 since 2020) and 临安市 (临安区 since 2017)."""
    assert containing("龙南市") == frozenset({"龙南", "赣州", "江西"})
    assert containing("临安区") == frozenset({"临安区", "杭州", "浙江"})
    assert contains("江西省", "龙南市") is True and contains("江苏省", "龙南市") is False
    assert containing("火星区") is None


def test_provinces_of_a_place():
    assert provinces("江阴市") == provinces("江苏省") == provinces("无锡") == frozenset({"江苏"})
    assert provinces("朝阳区") == frozenset({"北京", "吉林"})        # two districts of that name
    assert provinces("临安区") == frozenset({"浙江"})
    for national_or_unknown in ("全国", None, "火星市"):
        assert provinces(national_or_unknown) is None

# -- scoring.py: the logistic model's arithmetic, on a hand-made model -------------------------------------


@pytest.fixture
def toy_model():
    scoring.use({"version": "toy-1", "features": ["a", "b"], "coefficients": [2.0, -1.0], "intercept": 0.5})
    yield
    scoring.use(None)


def test_logit_probability_and_contributions(toy_model):
    assert scoring.version() == "toy-1"
    assert scoring.logit({"a": 1.0, "b": 3.0}) == pytest.approx(-0.5)          # 0.5 + 2 - 3
    assert scoring.probability({"a": 1.0, "b": 3.0}) == pytest.approx(1 / (1 + math.exp(0.5)))
    assert scoring.probability({"a": 1.0, "b": 0.0}) == pytest.approx(1 / (1 + math.exp(-2.5)))
    assert scoring.probability({"a": -0.25, "b": 0.0}) == 0.5                   # z = 0
    assert scoring.probability({"a": 0.0, "b": 1000.0}) == 0.0                  # no overflow either way
    assert scoring.probability({"a": 1000.0, "b": 0.0}) == 1.0
    # each non-zero term, the intercept always
    assert scoring.contributions({"a": 1.0, "b": 0.0}) == {"intercept": 0.5, "a": 2.0}
    assert scoring.contributions({"a": 0.0, "b": 0.12345}) == {"intercept": 0.5, "b": -0.123}


def test_use_replaces_the_model_and_none_restores_the_shipped_one():
    shipped = scoring.model()
    scoring.use({"version": "toy-2", "features": [], "coefficients": [], "intercept": 0.0})
    try:
        assert scoring.version() == "toy-2" and scoring.probability({}) == 0.5
    finally:
        scoring.use(None)
    assert scoring.model() == shipped
    # the intercept is shown to three decimals like every contribution
    scoring.use({"version": "toy-3", "features": ["a"], "coefficients": [1.0], "intercept": -0.123456})
    try:
        assert scoring.contributions({"a": 0.0}) == {"intercept": -0.123}
    finally:
        scoring.use(None)


# -- index.py: the n-gram index and its BM25 ----------------------------------------------------------------



def test_gram_ids_are_the_sorted_unique_crc32_of_the_grams():
    import zlib

    assert gram_ids(set()).tolist() == [] and gram_ids([]).dtype == np.int64
    want = sorted({zlib.crc32("职业".encode()), zlib.crc32("教育".encode())})
    assert gram_ids({"职业", "教育"}).tolist() == want
    assert gram_ids(["职业", "教育", "职业"]).tolist() == want


def _idf(n: int, df: int) -> float:
    """BM25's idf (the documented formula)."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


# three higher items over grams 1..4: item 0 {1, 2, 3}, item 1 {2, 3}, item 2 {3, 4}
SMALL = [np.array([1, 2, 3]), np.array([2, 3]), np.array([3, 4])]


def test_index_postings_document_frequencies_and_idf():
    index = NgramIndex(SMALL)
    assert index.size == 3
    assert index.keys.tolist() == [1, 2, 3, 4]
    assert index.df.tolist() == [1, 2, 3, 1]
    assert index.indptr.tolist() == [0, 1, 3, 6, 7]
    assert index.postings.tolist() == [0, 0, 1, 0, 1, 2, 2]          # owners ascending within each gram
    assert index.idf.tolist() == pytest.approx([_idf(3, 1), _idf(3, 2), _idf(3, 3), _idf(3, 1)])
    assert index.max_df == 2                                          # max(2, min(0.1 × 3, 2000))
    assert index.unseen_idf == pytest.approx(math.log(8))             # log(1 + 3.5 / 0.5)


def test_corpus_stats_count_each_gram_once_per_item_across_batches():
    stats = CorpusStats()
    stats.add(SMALL[:2])
    stats.add(SMALL[2:])
    stats.add([])
    assert (stats.size, stats.total_length) == (3, 7)
    assert stats.keys.tolist() == [1, 2, 3, 4] and stats.df.tolist() == [1, 2, 3, 1]
    assert stats.frequencies(np.array([0, 3, 4, 9])).tolist() == [0, 3, 1, 0]
    assert CorpusStats().frequencies(np.array([1])).tolist() == [0]


def test_an_index_over_part_of_a_corpus_scores_as_the_whole_index_does():
    """Items 1 and 2 of SMALL indexed with the stats of all three: the idf, weights, lookups and ranking of the
    whole index (item 0 left out), so linking a province against its part gives the links of one index."""
    stats = CorpusStats()
    stats.add(SMALL)
    whole, part = NgramIndex(SMALL), NgramIndex(SMALL[1:], stats)
    assert part.keys.tolist() == [2, 3, 4] and part.df.tolist() == [2, 3, 1]       # the corpus frequencies
    assert part.idf.tolist() == pytest.approx([_idf(3, 2), _idf(3, 3), _idf(3, 1)])
    assert (part.max_df, part.unseen_idf) == (whole.max_df, whole.unseen_idf)
    assert part.weights.tolist() == pytest.approx(whole.weights[whole.postings != 0].tolist())   # item 0's gone
    query = np.array([1, 3, 4, 7])
    pos, idf = part.lookup(query)
    assert pos.tolist() == [-1, 1, 2, -1]
    assert idf.tolist() == pytest.approx(whole.lookup(query)[1].tolist())        # gram 1: corpus idf, not unseen
    assert idf[0] == pytest.approx(_idf(3, 1)) and idf[3] == pytest.approx(whole.unseen_idf)
    q = np.array([2, 4])
    in_whole = whole.top(whole.lookup(q)[0], np.array([False, True, True]), 2)
    assert part.top(part.lookup(q)[0], None, 2) == [i - 1 for i in in_whole]


def test_the_whole_index_query_scores_the_same_bits_in_each_part():
    """A lower task of unknown place is ranked from every group's index in turn: the query terms the whole
    index would pick (CorpusStats.query_grams), scored in each part, give each item the very score (to the
    bit) the whole index gives it, so the best of the parts are the best of the whole."""
    rng = np.random.default_rng(1)
    # common grams (some stop-grams) and rare ones (each part knows a different share of a query's)
    items = [np.unique(np.concatenate([rng.integers(0, 60, 10), rng.integers(60, 3000, rng.integers(5, 60))]))
             for _ in range(200)]
    stats = CorpusStats()
    stats.add(items[:120])
    stats.add(items[120:])
    whole = NgramIndex(items, stats)
    parts = [(0, NgramIndex(items[:70], stats)), (70, NgramIndex(items[70:], stats))]
    counted = [CorpusStats(), CorpusStats()]
    counted[0].add(items[:70])
    counted[1].add(items[70:])
    for query in (np.unique(np.concatenate([rng.integers(0, 60, 20), rng.integers(60, 3200, 600)]))
                  for _ in range(20)):
        terms = whole.query_terms(whole.lookup(query)[0])
        assert stats.query_grams(query).tolist() == whole.keys[terms].tolist()
        touched, scores = whole.scores(terms, None)
        for (_, part), own_stats in zip(parts, counted):   # a part's own terms: the statistics, its frequencies
            own = part.keys[part.query_terms(part.lookup(query)[0])]
            assert stats.query_grams(query, own_stats).tolist() == own.tolist()
        got = {}
        for offset, part in parts:
            t, s = part.scores_for(stats.query_grams(query), None)
            got.update(zip((t + offset).tolist(), s.tolist()))
        assert got == dict(zip(touched.tolist(), scores.tolist()))


def test_index_weights_are_bm25_with_one_occurrence_per_gram():
    index = NgramIndex(SMALL)
    avg = 7 / 3                                                       # mean length (3 + 2 + 2) / 3
    norm = [1.2 * (1 - 0.75 + 0.75 * n / avg) for n in (3, 2, 2)]
    owners, grams = [0, 0, 1, 0, 1, 2, 2], [1, 2, 2, 3, 3, 3, 4]
    idf = {1: _idf(3, 1), 2: _idf(3, 2), 3: _idf(3, 3), 4: _idf(3, 1)}
    want = [idf[g] * 2.2 / (1 + norm[o]) for o, g in zip(owners, grams)]
    assert index.weights.tolist() == pytest.approx(want, rel=1e-6)


def test_lookup_gives_the_position_or_minus_one_and_the_idf():
    index = NgramIndex(SMALL)
    pos, idf = index.lookup(np.array([0, 2, 4, 5, 99]))
    assert pos.tolist() == [-1, 1, 3, -1, -1]
    assert idf.tolist() == pytest.approx([math.log(8), _idf(3, 2), _idf(3, 1), math.log(8), math.log(8)])


def test_an_empty_index_knows_no_gram_and_finds_nothing():
    index = NgramIndex([])
    assert index.size == 0 and index.keys.tolist() == [] and index.max_df == 2
    pos, idf = index.lookup(np.array([7]))
    assert pos.tolist() == [-1]
    assert idf.tolist() == pytest.approx([math.log(4)])               # n counted as 1: log(1 + 1.5 / 0.5)
    assert index.top(pos, None, 3) == []
    assert index.every(np.zeros(0, dtype=bool)) == []


def test_query_terms_skip_unknown_and_stop_grams_rarest_first():
    index = NgramIndex(SMALL)
    # gram 3 is in all three items (df 3 > max_df 2): a stop-gram; rarest first, ties by position
    assert index.query_terms(np.array([-1, 2, 1, 3, 0])).tolist() == [0, 3, 1]
    assert index.query_terms(np.array([2, -1])).tolist() == []
    assert index.query_terms(np.array([], dtype=np.int64)).tolist() == []


def test_a_query_uses_at_most_query_terms_grams():
    assert cindex.QUERY_TERMS == 400
    index = NgramIndex([np.arange(500)])                              # 500 grams, each df 1
    assert index.query_terms(np.arange(500)).tolist() == list(range(400))
    assert index.query_terms(np.arange(399, -1, -1)).tolist() == list(range(399, -1, -1))[::-1]


def test_the_stop_gram_share():
    assert cindex.MAX_DF == 0.1
    assert NgramIndex([np.array([1])] * 39).max_df == 3               # 0.1 × 39 = 3.9 → 3
    assert NgramIndex([np.array([1])] * 40).max_df == 4
    assert NgramIndex([np.array([1])] * 19).max_df == 2               # never below 2
    assert NgramIndex([np.array([1])] * 20010).max_df == 2001         # a share, never a count: see below


def test_a_query_reads_at_most_postings_cap_postings():
    assert cindex.POSTINGS_CAP == 30000
    # 20,000 items; gram 0 in item 0 only; grams 1..15 in 2,000 items each (the most a gram may be in before it
    # is a stop-gram: 0.1 × 20,000): items (g - 1) × 1000 up to (g - 1) × 1000 + 1999
    members = {i: [] for i in range(20000)}
    members[0].append(0)
    for g in range(1, 16):
        for i in range((g - 1) * 1000, (g - 1) * 1000 + 2000):
            members[i].append(g)
    index = NgramIndex([np.array(sorted(members[i]), dtype=np.int64) for i in range(20000)])
    assert index.max_df == 2000 and index.df.tolist() == [1] + [2000] * 15
    # grams 1..15 alone: 15 × 2,000 = 30,000 postings, exactly the cap: all read
    assert index.query_terms(np.arange(1, 16)).tolist() == list(range(1, 16))
    # gram 0 first (the rarest), then 1 + 14 × 2,000 = 28,001; the fifteenth would make 30,001: left out
    assert index.query_terms(np.arange(16)).tolist() == list(range(15))


def test_an_index_over_part_of_a_corpus_caps_a_query_by_its_own_postings():
    """One province's index at national scale: grams 1..20 are in 2,000 of 40,000 items each (not stop-grams:
    under 0.1 × 40,000), 1,900 of them outside the part. The whole index reads the first 15 (15 × 2,000 =
    30,000 postings); the part holds 100 postings of each and reads all 20 — ranked as the whole ranks them,
    capped by what it reads — and CorpusStats.query_grams picks the same from the part's frequencies."""
    members = {i: [] for i in range(40000)}
    for g in range(1, 21):
        for i in [*range(g * 100, g * 100 + 100), *range(20000 + g * 500, 20000 + g * 500 + 1900)]:
            members[i].append(g)
    items = [np.array(sorted(members[i]) or [99], dtype=np.int64) for i in range(40000)]
    stats, own = CorpusStats(), CorpusStats()
    stats.add(items)
    own.add(items[:20000])
    whole, part = NgramIndex(items), NgramIndex(items[:20000], stats)
    assert whole.df[:20].tolist() == [2000] * 20 and whole.max_df == 4000       # (gram 99: the empty ones)
    query = np.arange(1, 21)
    assert whole.keys[whole.query_terms(whole.lookup(query)[0])].tolist() == list(range(1, 16))
    assert part.keys[part.query_terms(part.lookup(query)[0])].tolist() == list(range(1, 21))
    assert stats.query_grams(query, own).tolist() == list(range(1, 21))
    assert stats.query_grams(query).tolist() == list(range(1, 16))


def test_merged_corpus_stats_count_as_one():
    stats, first, second = CorpusStats(), CorpusStats(), CorpusStats()
    first.add(SMALL[:1])
    second.add(SMALL[1:])
    stats.merge(first)
    stats.merge(second)
    assert (stats.size, stats.total_length) == (3, 7)
    assert stats.keys.tolist() == [1, 2, 3, 4] and stats.df.tolist() == [1, 2, 3, 1]


def test_top_scores_bm25_over_the_query_terms():
    index = NgramIndex(SMALL)
    query = index.lookup(np.array([1, 2]))[0]            # grams 1 (item 0) and 2 (items 0 and 1)
    assert index.top(query, None, 1) == [0]
    assert index.top(query, None, 5) == [0, 1]           # item 2 shares no query gram: never scored
    allowed = np.array([False, True, True])
    assert index.top(query, allowed, 5) == [1]
    assert index.top(query, np.array([False, False, True]), 5) == []
    assert index.top(index.lookup(np.array([3]))[0], None, 5) == []   # only a stop-gram
    # equal items tie: by index
    twins = NgramIndex([np.array([1, 9]), np.array([1, 8]), np.array([5, 6])])
    assert twins.top(twins.lookup(np.array([1]))[0], None, 5) == [0, 1]
    assert twins.every(np.array([True, False, True])) == [0, 2]


# -- features.py: items and the features of hand-made pairs ---------------------------------------------------



def _item(id_, text, rank=1, jurisdiction="江苏省", functions=(), targets=(), row_task=None, doc="d"):
    return make_item(id_, "Task", doc, "x", rank, jurisdiction, text, frozenset(functions), list(targets), row_task)


def _pair(low, high, others=()):
    """The features of (low, high) with the index over ``high`` and ``others``."""
    index = NgramIndex([h.ids for h in (high, *others)])
    for it in (low, high, *others):
        weigh(it, index)
    return pair_features(low, high)


def test_an_item_keeps_its_grams_by_clause():
    it = _item("t", "甲乙丙丁戊，甲乙庚辛壬")
    # clause 1: 甲乙 乙丙 丙丁 丁戊 甲乙丙 乙丙丁 丙丁戊; clause 2: 甲乙 乙庚 庚辛 辛壬 甲乙庚 乙庚辛 庚辛壬
    assert it.n_clauses == 2 and len(it.ids) == 13 and it.clause_of.shape == (13, 2)
    assert it.clause_of.sum(axis=0).tolist() == [7, 7]
    both = np.flatnonzero(it.clause_of.sum(axis=1) == 2)
    assert it.ids[both].tolist() == gram_ids({"甲乙"}).tolist()        # the one gram of both clauses
    assert it.norm == "甲乙丙丁戊，甲乙庚辛壬"
    one = _item("u", "甲乙丙")                                          # too short for a clause: one, the whole
    assert one.n_clauses == 1 and one.clause_of.shape == (3, 1) and one.clause_of.sum() == 3


def test_an_item_keeps_at_most_max_clauses_clauses():
    assert cf.MAX_CLAUSES == 62
    chars = [chr(0x7000 + k) for k in range(70 * 5)]
    text = "，".join("".join(chars[5 * c:5 * c + 5]) for c in range(70))
    it = _item("t", text)
    assert it.n_clauses == 62 and it.clause_of.shape == (70 * 7, 62)
    # clauses 62..70 share the last column: 9 clauses of 7 grams
    assert it.clause_of.sum(axis=0).tolist() == [7] * 61 + [63]


def test_an_item_keeps_the_themes_of_each_clause_that_has_any():
    it = _item("t", "建设一批实训基地，完善人才培养方案，推进职教集团建设")
    assert it.concepts == frozenset({"training-bases", "vocational-groups"})
    assert it.clause_concepts == (frozenset({"training-bases"}), frozenset({"vocational-groups"}))
    assert it.classes == ct.classes(ct.normalise(it.text))


def test_weigh_gives_the_idf_of_each_gram_and_the_mass_of_item_and_clauses():
    high = _item("h", "甲乙丙丁戊，子丑寅卯辰")
    low = _item("l", "甲乙丙丁戊，己庚辛壬癸", rank=2)
    index = NgramIndex([high.ids])
    weigh(low, index)
    known, unseen = _idf(1, 1), math.log(4)                            # n = 1: df 1, or a gram of no item
    assert sorted(low.idf.tolist()) == pytest.approx(sorted([known] * 7 + [unseen] * 7))
    assert low.weight == pytest.approx(7 * known + 7 * unseen)
    assert low.seg_weights.tolist() == pytest.approx([7 * known, 7 * unseen])
    assert (low.positions >= 0).sum() == 7


def test_the_mass_of_a_short_clause_and_of_an_empty_one():
    short = _item("h", "甲乙丙")                       # one clause of three grams: 甲乙 乙丙 甲乙丙
    index = NgramIndex([short.ids])
    weigh(short, index)
    assert short.seg_weights.tolist() == pytest.approx([3 * _idf(1, 1)])   # 0.86: below 1, kept as it is
    assert short.weight == pytest.approx(3 * _idf(1, 1))
    empty = _item("e", "甲")                           # no gram at all: the clause weighs 1, not 0
    weigh(empty, index)
    assert empty.seg_weights.tolist() == [1.0] and empty.weight == 1.0


def test_a_verbatim_restatement_covers_everything():
    high = _item("h", "建设一批高水平实训基地")
    low = _item("l", "建设一批高水平实训基地", rank=2)
    f = _pair(low, high)
    for name in ("cov_higher", "cov_lower", "clause_higher", "clause_dice", "cov_lower_all", "text"):
        assert f[name] == pytest.approx(1.0), name
    assert (f["low_clause"], f["high_clause"]) == (0, 0)


def test_coverage_of_a_partly_shared_text():
    high = _item("h", "甲乙丙丁戊")
    low = _item("l", "甲乙丙丁己", rank=2)
    f = _pair(low, high)
    # shared: 甲乙 乙丙 丙丁 甲乙丙 乙丙丁 (5 of the higher's 7 grams, all of idf log 4/3); the lower's
    # 丁己 and 丙丁己 are in no higher item (idf log 4)
    k, u = _idf(1, 1), math.log(4)
    assert f["cov_higher"] == pytest.approx(5 / 7)
    assert f["cov_lower"] == pytest.approx(5 * k / (5 * k + 2 * u))
    assert f["cov_lower_all"] == pytest.approx(5 * k / (5 * k + 2 * u))
    assert f["clause_higher"] == pytest.approx(5 / 7)
    assert f["clause_dice"] == pytest.approx(2 * 5 * k / ((5 * k + 2 * u) + 7 * k))
    assert f["text"] == pytest.approx((f["cov_higher"] + f["cov_lower"] + f["clause_higher"] + f["clause_dice"]) / 4)


def test_a_lower_text_restating_one_clause_of_a_longer_higher_one():
    high = _item("h", "甲乙丙丁戊，子丑寅卯辰")
    low = _item("l", "子丑寅卯辰", rank=2)
    f = _pair(low, high)
    assert f["cov_higher"] == pytest.approx(0.5)                       # half of the higher task
    assert f["clause_higher"] == pytest.approx(1.0)                    # all of its second clause
    assert f["high_clause"] == 1
    assert f["cov_lower"] == pytest.approx(1.0) and f["clause_dice"] == pytest.approx(1.0)


def test_the_lower_clause_that_matches_is_named():
    high = _item("h", "子丑寅卯辰")
    low = _item("l", "甲乙丙丁戊，子丑寅卯辰", rank=2)
    f = _pair(low, high)
    assert f["low_clause"] == 1 and f["cov_lower"] == pytest.approx(1.0)
    k, u = _idf(1, 1), math.log(4)                     # the first clause's grams are in no higher item
    assert f["cov_lower_all"] == pytest.approx(7 * k / (7 * k + 7 * u))
    assert f["cov_higher"] == pytest.approx(1.0)


def test_nothing_shared():
    high = _item("h", "甲乙丙丁戊")
    low = _item("l", "子丑寅卯辰", rank=2)
    f = _pair(low, high)
    for name in ("cov_higher", "cov_lower", "clause_higher", "clause_dice", "cov_lower_all", "text"):
        assert f[name] == 0.0, name
    assert (f["low_clause"], f["high_clause"]) == (-1, 0)


def test_themes_overall_and_in_the_best_served_clause():
    high = _item("h", "建设一批实训基地，推进职教集团建设")
    low = _item("l", "加强实训基地建设", rank=2)
    f = _pair(low, high)
    assert f["concept_cover"] == pytest.approx(0.5)      # one of the higher task's two themes
    assert f["concept_clause"] == pytest.approx(1.0)     # all the themes of its first clause
    f = _pair(_item("l", "修订人才培养方案", rank=2), high)
    assert (f["concept_cover"], f["concept_clause"]) == (0.0, 0.0)
    f = _pair(low, _item("h", "修订人才培养方案"))
    assert (f["concept_cover"], f["concept_clause"]) == (0.0, 0.0)   # a higher task with no theme


def test_functions_agree_clash_or_are_unknown():
    high = _item("h", "建设实训基地", functions={"education", "finance"})
    assert _pair(_item("l", "建设实训基地", 2, functions={"education"}), high)["function_agree"] == 1.0
    f = _pair(_item("l", "建设实训基地", 2, functions={"education", "labour", "industry"}), high)
    assert f["function_agree"] == 0.5                                   # 1 of the smaller set's 2
    assert _pair(_item("l", "建设实训基地", 2, functions={"labour"}), high)["function_agree"] == 0.0   # clash
    assert _pair(_item("l", "建设实训基地", 2), high)["function_agree"] == 0.5   # unknown: neither
    assert cf.function_agreement(_item("l", "甲乙丙", 2, functions={"a"}), _item("h", "甲乙丙")) is None


def test_exclusive_classes_clash_and_same_row():
    high = _item("h", "建设优质中职学校")
    assert _pair(_item("l", "建设优质技工院校", 2), high)["class_clash"] == 1.0
    assert _pair(_item("l", "建设优质中等职业学校", 2), high)["class_clash"] == 0.0
    assert _pair(_item("l", "建设优质中职学校", 2, row_task="h"), high)["same_row"] is True
    assert _pair(_item("l", "建设优质中职学校", 2, row_task="x"), high)["same_row"] is False


def test_targets_match_when_unit_and_counted_object_agree():
    high = _item("h", "遴选1000所优质中职学校", targets=[("所", "优质中职学校", "1000所 优质中职学校", "t1")])
    # 优秀中职学校 / 优质中职学校: bigrams 中职 职学 学校 shared, 3 of 5 ≥ 0.5
    low = _item("l", "建设100所优秀中职学校", 2, targets=[("所", "优秀中职学校", "100所 优秀中职学校", "t2")])
    f = _pair(low, high)
    assert (f["target_match"], f["target_clash"]) == (1.0, 0.0)
    assert f["matches"] == [{"lower": "100所 优秀中职学校", "higher": "1000所 优质中职学校", "overlap": 0.6,
                             "lower_id": "t2", "higher_id": "t1"}]
    # the same without Target nodes: no ids
    low = _item("l", "建设100所优秀中职学校", 2, targets=[("所", "优秀中职学校", "100所 优秀中职学校", None)])
    assert _pair(low, high)["matches"] == [{"lower": "100所 优秀中职学校", "higher": "1000所 优质中职学校",
                                            "overlap": 0.6}]


def test_targets_of_one_unit_counting_different_things_clash():
    high = _item("h", "建设100个实训基地", targets=[("个", "实训基地", "100个 实训基地", None)])
    low = _item("l", "组建10个创新团队", 2, targets=[("个", "创新团队", "10个 创新团队", None)])
    f = _pair(low, high)
    assert (f["target_match"], f["target_clash"], f["matches"]) == (0.0, 1.0, [])
    other_unit = _item("l", "组建10所创新团队", 2, targets=[("所", "创新团队", "10所 创新团队", None)])
    assert (_pair(other_unit, high)["target_match"], _pair(other_unit, high)["target_clash"]) == (0.0, 0.0)
    no_object = _item("l", "新增10个", 2, targets=[("个", "", "10个", None)])
    assert _pair(no_object, high)["target_clash"] == 0.0             # a count of nothing named clashes with nothing


def _character_cover_by_strings(low, high, index) -> tuple[float, float]:
    """character_cover computed a second, plainer way: strings, one character at a time. A character weighs the
    smaller idf of the bigrams it is part of (none across punctuation; masked numbers weigh nothing) and is
    covered when one of them occurs in the lower text."""
    def idf(bigram):
        return float(index.lookup(gram_ids({bigram}))[1][0])

    weights, covered, clause_of, clause = [], [], [], 0
    norm = high.norm
    for i, c in enumerate(norm):
        if c in ct.CLAUSE_ENDS:
            clause += 1
        near = [norm[j:j + 2] for j in (i - 1, i) if 0 <= j and j + 2 <= len(norm)]
        near = [b for b in near if not ct.PUNCT_RUN.search(b)]
        weights.append(0.0 if c == "#" or not near else min(idf(b) for b in near))
        covered.append(any(b in low.norm for b in near))
        clause_of.append(clause)
    total = sum(weights)
    got = sum(w for w, k in zip(weights, covered) if k)
    shares = []
    for c in set(clause_of):
        w = sum(x for x, k in zip(weights, clause_of) if k == c)
        if w:
            shares.append(sum(x for x, k, v in zip(weights, clause_of, covered) if k == c and v) / w)
    return got / total, max(shares)


@pytest.mark.parametrize("lower_text, higher_text", [
    ("研究接受本科层次职业教育的具体办法", "推进本科层次职业教育试点"),   # a headline's words, not its joints
    ("推进职业本科试点", "推进职业本科试点"),
    ("建设实训基地，推进试点", "完善考核办法。推进职业本科试点，建设100个实训基地"),
    ("甲乙，丙丁", "甲乙丙丁"),
    ("无关的文字", "推进职业本科试点"),
])
def test_character_cover_agrees_with_a_plain_count(lower_text, higher_text):
    others = [_item(f"o{i}", t) for i, t in enumerate(["推进职业教育改革", "建设职业学校", "推进考核办法"])]
    low, high = _item("l", lower_text, rank=2), _item("h", higher_text)
    index = NgramIndex([h.ids for h in (high, *others)])
    for it in (low, high, *others):
        weigh(it, index)
    f = pair_features(low, high)
    cover, clause = _character_cover_by_strings(low, high, index)
    assert (f["char_cover"], f["char_clause"]) == (pytest.approx(cover), pytest.approx(clause))
    assert f["char_lower"] == pytest.approx(_character_cover_by_strings(high, low, index)[1])


def test_character_cover_reads_words_where_ngrams_read_joints():
    f = _pair(_item("l", "甲乙，丙丁", rank=2), _item("h", "甲乙丙丁"))
    assert f["char_cover"] == f["char_clause"] == 1.0     # every character is in a bigram the lower text has
    assert f["cov_higher"] < 0.5                          # but 乙丙, 甲乙丙 and 乙丙丁 are not
    f = _pair(_item("l", "丙丁戊", rank=2), _item("h", "甲乙，丙丁"))
    assert f["char_clause"] == 1.0 and 0 < f["char_cover"] < 1          # one clause of two
    assert _pair(_item("l", "戊己", rank=2), _item("h", "甲乙丙丁"))["char_cover"] == 0.0


def test_character_weights_follow_the_index_an_item_was_last_weighed_in():
    low, high = _item("l", "推进职业本科", rank=2), _item("h", "推进职业本科试点")
    small = NgramIndex([high.ids])
    large = NgramIndex([high.ids] + [_item(f"o{i}", "推进职业教育改革").ids for i in range(5)])
    for index in (small, large):
        for it in (low, high):
            weigh(it, index)
        got = pair_features(low, high)["char_cover"]
    assert got == pytest.approx(_character_cover_by_strings(low, high, large)[0])
    assert got != pytest.approx(_character_cover_by_strings(low, high, small)[0])


@pytest.mark.parametrize("objects, lower_text, cover", [
    (["示范性职教集团"], "推动产教联盟和职教集团建设", 4 / 7),     # 职教集团, not 性职教集团: 4 of 7
    (["高水平专业（群）"], "建设高水平专业", 1.0),                  # the bracket is no part of the head
    (["高水平专业群"], "建设高水平专业", 0.0),                      # the tail 平专业群 is not named
    (["实训基地"], "建设实训基地", 1.0),                            # exactly four characters
    (["课程"], "建设课程", 0.0),                                    # under four characters: never
    (["示范性职教集团", "高水平实训基地"], "高水平实训基地和职教集团", 1.0),   # the best of the counted things
    ([], "建设实训基地", 0.0),
])
def test_object_cover(objects, lower_text, cover):
    high = _item("h", "甲乙丙", targets=[("个", o, o, None) for o in objects])
    low = _item("l", lower_text, 2)
    assert cf.object_cover(low, high) == pytest.approx(cover)


def _scored(low, high, text, clause=0, same_row=False, matches=()):
    return (low, high, {"text": text, "low_clause": clause, "same_row": same_row, "matches": list(matches)})


def _low(name, doc="D", level="provincial"):
    return SimpleNamespace(id=name, doc=doc, level=level)


def test_relative_features_compare_with_the_best_of_the_clause_and_of_the_document():
    L, M, N = _low("l"), _low("m"), _low("n", doc="E")
    H1, H2, H3 = (SimpleNamespace(id=f"h{i}", doc="N") for i in (1, 2, 3))
    scored = [_scored(L, H1, 0.8), _scored(L, H2, 0.4), _scored(L, H3, 0.5, clause=1),
              _scored(M, H1, 0.6), _scored(N, H1, 0.3), _scored(L, H2, 0.9, clause=2, same_row=True)]
    relative_features(scored)
    got = [(f["rel_lower"], f["rel_document"], f["mutual_best"]) for _, _, f in scored[:5]]
    want = [
        (1.0, 1.0, 1.0),      # l's best on clause 0, and its document's best for h1
        (0.5, 1.0, 0.0),      # 0.4 of 0.8 on clause 0; the only one of D for h2
        (1.0, 1.0, 1.0),      # alone on clause 1
        (1.0, 0.75, 0.0),     # m's best, but 0.6 of D's best 0.8 for h1
        (1.0, 1.0, 1.0),      # another document
    ]
    assert [v for row in got for v in row] == pytest.approx([v for row in want for v in row])
    # a same-row pair is not compared: it changed no best above (l-h2 stays 0.4 / 0.4 in its document)


def test_a_lower_task_is_compared_list_by_list_and_a_schools_measures_among_themselves():
    """A city task restates its province's task and the national one beside it: the two are not rivals. A
    school's measures printed beside the province's rows are ranked among the measures only."""
    city = _low("c", doc="J", level="municipal")
    national, provincial = SimpleNamespace(id="n1", doc="N"), SimpleNamespace(id="p1", doc="P")
    row, measure = _low("r", doc="L"), _low("r/measure", doc="L", level="institution")
    scored = [_scored(city, national, 0.8), _scored(city, provincial, 0.4),
              _scored(row, national, 0.9), _scored(measure, national, 0.3)]
    relative_features(scored)
    assert [(f["rel_lower"], f["rel_document"], f["mutual_best"]) for _, _, f in scored] == [
        (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), (1.0, 1.0, 1.0), (1.0, 1.0, 1.0)]


def test_a_target_matched_more_closely_by_another_task_of_the_same_list_is_outmatched():
    L = _low("l")
    H1, H2, H3 = (SimpleNamespace(id=f"h{i}", doc=d) for i, d in ((1, "N"), (2, "N"), (3, "P")))
    match = lambda overlap, lower="1个 思想政治课教学创新团队": {"lower": lower, "overlap": overlap}  # noqa: E731
    scored = [_scored(L, H1, 0.5, matches=[match(1.0)]), _scored(L, H2, 0.5, matches=[match(0.6)]),
              _scored(L, H3, 0.5, matches=[match(0.6)]),             # another list: its own best
              _scored(L, H2, 0.4, clause=1, matches=[match(0.6), match(0.7, "2个 示范课堂")]),
              _scored(L, H3, 0.3, clause=1)]                          # no target matched: never outmatched
    relative_features(scored)
    assert [f["target_outmatched"] for _, _, f in scored] == [0.0, 1.0, 0.0, 0.0, 0.0]


def test_a_same_row_pair_alone_has_no_best_to_be_compared_with():
    L, H = _low("l"), SimpleNamespace(id="h", doc="N")
    scored = [_scored(L, H, 0.7, same_row=True)]
    relative_features(scored)
    assert (scored[0][2]["rel_lower"], scored[0][2]["rel_document"]) == (0.0, 0.0)


def test_relative_features_of_a_pair_with_no_shared_text():
    L, H = _low("l"), SimpleNamespace(id="h", doc="N")
    scored = [_scored(L, H, 0.0, clause=-1)]
    relative_features(scored)
    assert (scored[0][2]["rel_lower"], scored[0][2]["rel_document"], scored[0][2]["mutual_best"]) == (0.0, 0.0, 0.0)


# -- linker.py: reading a graph, scoring with a hand-made model, linking a store -------------------------------



@pytest.fixture
def verbatim_model():
    """A hand-made model: log-odds −4 + 8 × cov_higher, nothing else. A verbatim restatement scores
    1 / (1 + e^−4) = 0.98201; a pair sharing nothing 1 / (1 + e^4) = 0.01799."""
    scoring.use({"version": "toy-v", "features": list(FEATURES),
                 "coefficients": [8.0 if n == "cov_higher" else 0.0 for n in FEATURES], "intercept": -4.0})
    yield
    scoring.use(None)


P_VERBATIM, P_NOTHING = 1 / (1 + math.exp(-4)), 1 / (1 + math.exp(4))


def _doc_graph(doc, level, jurisdiction, tasks, node_id=None):
    """One document with its tasks: tasks = [(number, text, extra nodes and edges)]."""
    g = PolicyGraph()
    did = node_id or f"doc/{doc}"
    g.add_node(Node(did, "Document", {"doc_id": doc, "level": level, "jurisdiction": jurisdiction}, doc=doc))
    for number, text in tasks:
        tid = f"task/{doc}/{number}"
        g.add_node(Node(tid, "Task", {"text": text}, doc=doc))
        g.add_edge(Edge(did, "HAS_TASK", tid, doc=doc))
    return g


def test_check_bounds():
    for threshold, floor in ((0.0, 0.0), (1.0, 1.0), (0.5, 0.2), (0.5, 0.5)):
        cl.check_bounds(threshold, floor)
    for threshold, floor in ((0.3, 0.5), (1.1, 0.5), (0.5, -0.1)):
        with pytest.raises(ValueError):
            cl.check_bounds(threshold, floor)


def test_collect_items_reads_tasks_measures_functions_and_targets():
    g = _doc_graph("A", "provincial+institution", "江苏省 + 某某职业学院", [(1, "遴选100所优质中职学校")])
    g.add_node(Node("task/A/2", "Task", {"text": "建设实训基地", "doc_id": "A"}, doc="A"))   # no HAS_TASK edge
    g.add_node(Node("task/A/3", "Task", {"text": ""}, doc="A"))                             # no text: left out
    g.add_edge(Edge("doc/A", "HAS_TASK", "task/A/3"))
    g.add_node(Node("m/A/1", "SchoolMeasure", {"measure": "建设校内实训基地", "goals": ["目标二", "目标一"]}, doc="A"))
    g.add_edge(Edge("task/A/1", "HAS_MEASURE", "m/A/1"))
    for dept, fn in (("dept/1", "education"), ("dept/2", "finance"), ("dept/3", "government"), ("dept/4", None)):
        g.add_node(Node(dept, "Department", {"function": fn} if fn else {}))
    g.add_edge(Edge("task/A/1", "LEAD", "dept/1"))
    g.add_edge(Edge("task/A/1", "SUPPORT", "dept/2"))
    g.add_edge(Edge("task/A/1", "SUPPORT", "dept/3"))             # general government: says nothing
    g.add_edge(Edge("task/A/2", "LEAD", "dept/4"))                # no function
    g.add_node(Node("target/1", "Target", {"text": "100所", "unit": "所", "object": "优质中职"}))
    g.add_edge(Edge("task/A/1", "HAS_TARGET", "target/1"))
    items = {it.id: it for it in cl.collect_items(g)}
    assert [it.id for it in cl.collect_items(g)] == ["m/A/1", "task/A/1", "task/A/2"]       # by node id
    t1, t2, m = items["task/A/1"], items["task/A/2"], items["m/A/1"]
    assert (t1.label, t1.doc, t1.level, t1.rank, t1.jurisdiction) == ("Task", "A", "provincial", 1, "江苏省")
    assert t1.functions == frozenset({"education", "finance"}) and t2.functions == frozenset()
    # the Target node's object read again from the text, not the extractor's cut
    assert t1.targets == [("所", "优质中职学校", "100所 优质中职学校", "target/1")]
    assert t2.doc == "A" and t2.targets == [] and t2.row_task is None
    assert (m.label, m.level, m.rank, m.row_task, m.doc) == ("SchoolMeasure", "institution", 4, "task/A/1", "A")
    assert m.text == "建设校内实训基地。目标一。目标二"                                    # goals sorted


def test_collect_items_skips_unknown_levels_and_documents():
    g = _doc_graph("A", "ministerial", "江苏省", [(1, "建设实训基地")])
    g.merge(_doc_graph("B", None, "江苏省", [(1, "建设实训基地")]))
    g.add_node(Node("task/Z/1", "Task", {"text": "建设实训基地"}))                      # no document at all
    assert cl.collect_items(g) == []
    # a school measure of a list with one level only is the institution's
    g = _doc_graph("C", "provincial", "江苏省", [(1, "建设实训基地")])
    g.add_node(Node("m/C/1", "SchoolMeasure", {"measure": "建设校内实训基地"}, doc="C"))
    g.add_edge(Edge("task/C/1", "HAS_MEASURE", "m/C/1"))
    assert [(it.id, it.level) for it in cl.collect_items(g)] == [("m/C/1", "institution"), ("task/C/1", "provincial")]
    # a measure that names no document of its own is read through its row's
    g.add_node(Node("m/C/2", "SchoolMeasure", {"measure": "修订人才培养方案"}))
    g.add_edge(Edge("task/C/1", "HAS_MEASURE", "m/C/2"))
    assert [(it.id, it.doc, it.row_task) for it in cl.collect_items(g)][1] == ("m/C/2", "C", "task/C/1")
    # a document node named apart from its doc_id is found under both
    g = _doc_graph("D", "municipal", "无锡市", [(1, "建设实训基地")], node_id="document/0001")
    g.add_node(Node("task/D/2", "Task", {"text": "建设实训基地", "doc_id": "D"}, doc="D"))
    assert [(it.id, it.doc) for it in cl.collect_items(g)] == [("task/D/1", "D"), ("task/D/2", "D")]


def test_targets_of_nodes_or_of_the_text():
    nodes = [Node("t/2", "Target", {"text": "5门", "unit": "门"}),
             Node("t/1", "Target", {"text": "3个", "unit": "个", "object": "示范基地"}),     # not in the text
             Node("t/3", "Target", {"text": "90%"})]                                          # no unit: skipped
    text = "建设5门精品在线开放课程"
    assert cl._targets_of(text, nodes) == [("个", "示范基地", "3个 示范基地", "t/1"),
                                          ("门", "精品在线开放课程", "5门 精品在线开放课程", "t/2")]
    assert cl._targets_of("新增1000所左右中等职业学校", None) == [("所", "中职学校", "1000所左右 中等职业学校", None)]
    assert cl._targets_of("完善制度", []) == []


def test_the_evidence_of_a_link():
    low = _item("l", "建设一批高水平实训基地，培养技工院校学生", 2, functions={"education", "labour"})
    high = _item("h", "推进建设一批高水平实训基地，培养中职学校学生", functions={"education"})
    f = {name: 0.0 for name in FEATURES}
    f.update(score=0.123456, same_row=False, cov_higher=0.111111, cov_lower=0.222222, clause_higher=0.333333,
             matches=[], function_agree=1.0)
    edge = cl._edge(low, high, f, 0.123456, review=True)
    ev = json.loads(edge.props["evidence"])
    assert edge.props["score"] == 0.1235 and edge.props["review"] is True and edge.props["method"] == cl.METHOD
    assert (ev["coverage_of_higher"], ev["coverage_of_lower"], ev["best_clause_of_higher"]) == (0.1111, 0.2222,
                                                                                               0.3333)
    assert ev["text_similarity"] == 0.2222
    assert ev["conflicts"] == ["sector"]
    # the longest common substring as printed (a comma too); 校学生 is under four characters
    assert ev["shared_phrases"] == ["建设一批高水平实训基地，培养"]
    assert ev["shared_functions"] == ["education"] and ev["function_agreement"] == 1.0
    assert ev["levels"] == ["x", "x"] and ev["same_row"] is False and ev["document_affinity"] == 0.1235
    # no functions on one side: agreement unknown (None), not the 0.5 the model reads
    f["function_agree"] = 0.5
    ev = json.loads(cl._edge(_item("l", "甲乙丙丁", 2), high, f, None, review=True).props["evidence"])
    assert ev["function_agreement"] is None and ev["shared_functions"] == [] and ev["document_affinity"] is None


def test_a_link_from_a_hand_made_model(verbatim_model):
    text = "建设一批高水平实训基地"
    prov = _item("p", text, rank=1, jurisdiction="江苏省", doc="P")
    other = _item("q", text, rank=1, jurisdiction="江西省", doc="Q")
    city = _item("c", text, rank=2, jurisdiction="无锡市", doc="C")
    nation = _item("n", text, rank=0, jurisdiction="全国", doc="N")
    s = round(P_VERBATIM, 4)
    # every allowed pair scored: upward only, into containing jurisdictions; the national list links to nothing
    edges = cl.link_items([nation, prov, other, city], candidates=None)
    assert {(e.source, e.target): (e.props["score"], e.props["review"]) for e in edges} == {
        ("p", "n"): (s, False), ("q", "n"): (s, False), ("c", "n"): (s, False), ("c", "p"): (s, False)}
    # through the index (the words of one text in two higher items: not yet stop-grams)
    edges = cl.link_items([nation, city])
    assert [(e.source, e.target, e.props["score"], e.props["review"]) for e in edges] == [("c", "n", s, False)]


def test_a_school_measure_scores_its_own_row_whatever_the_words(verbatim_model):
    row = _item("r", "深化产教融合校企合作", rank=1, jurisdiction="江苏省", doc="P")
    quoted = _item("q", "建设一批高水平实训基地", rank=1, jurisdiction="江苏省", doc="P")
    measure = _item("m", "建设一批高水平实训基地", rank=4, jurisdiction="江苏省", row_task="r", doc="P")
    scored = {(lo.id, hi.id): f for lo, hi, f in cl.Linker([row, quoted]).score([measure])}
    assert set(scored) == {("m", "r"), ("m", "q")}            # the own row is scored though it shares no word
    assert scored[("m", "q")]["score"] == pytest.approx(P_VERBATIM)
    assert scored[("m", "r")]["score"] == pytest.approx(P_NOTHING + 0.5 * (1 - P_NOTHING))   # lifted half-way
    edges = {e.target: e.props["review"] for e in cl.Linker([row, quoted]).link([measure])}
    assert edges == {"q": False, "r": False}


def test_a_schools_copy_of_a_row_is_a_candidate_for_its_own_table_alone(verbatim_model):
    """A school's table answering a provincial list copies the list's rows: its measures may implement any row
    of their own table, but no city's task restates the school's copy — the provincial list is the parent."""
    text = "建设一批高水平实训基地"
    listed = _item("p", text, rank=1, jurisdiction="江苏省", doc="P")
    copy = make_item("s/row", "Task", "S", "provincial", 1, "江苏省", text, frozenset(), [], None, answered=True)
    other_row = make_item("s/row2", "Task", "S", "provincial", 1, "江苏省", "推进职业教育集团化办学", frozenset(), [],
                          None, answered=True)
    measure = _item("s/m", text, rank=4, jurisdiction="江苏省", row_task="s/row2", doc="S")
    city = _item("c", text, rank=2, jurisdiction="无锡市", doc="C")
    linker = cl.Linker([listed, copy, other_row])
    assert linker.allowed(city).tolist() == [True, False, False]
    assert linker.allowed(measure).tolist() == [True, True, True]
    assert linker.allowed(city).tolist() == [True, False, False]          # the own table's mask is not kept for others
    edges = {(e.source, e.target) for e in cl.link_items([listed, copy, other_row, measure, city], candidates=None)}
    assert edges == {("c", "p"), ("s/m", "p"), ("s/m", "s/row"), ("s/m", "s/row2")}


class _DocStore:
    """A store as link_store reads and writes it: hashes, whole documents, and the links written."""

    def __init__(self, docs: dict[str, PolicyGraph]):
        self.docs = docs
        self.writes: list[tuple[list, bool, dict | None]] = []

    def document_hashes(self):
        return {d: f"sha-{d}" for d in self.docs}

    def load_documents(self, docs):
        g = PolicyGraph()
        for d in docs:
            g.merge(self.docs[d])
        return g

    def add_links(self, graph, replace=False, state=None):
        self.writes.append((sorted(e.key for e in graph.edges.values()), replace, state))


def test_link_store_writes_batch_by_batch_and_the_state_last(verbatim_model):
    text = "建设一批高水平实训基地"
    store = _DocStore({"A": _doc_graph("A", "provincial", "江苏省", [(1, text)]),
                       "B": _doc_graph("B", "municipal", "无锡市", [(1, text)]),
                       "C": _doc_graph("C", "provincial", "江西省", [(1, "完善督导评估制度")])})
    edges = cl.link_store(store, batch=1)
    link = ("task/B/1", "IMPLEMENTS", "task/A/1")
    assert [e.key for e in edges] == [link]
    assert edges[0].props["score"] == round(P_VERBATIM, 4) and edges[0].props["review"] is False
    assert edges.counts == {"links": 1, "confident": 1, "suggestions": 0, "lower_items_linked": 1}
    assert cl.summary(edges) == edges.counts
    state = {"documents": cl.documents_digest(store.document_hashes()), "document_count": 3, "links": 0,
             "method": cl.METHOD, "threshold": cl.THRESHOLD, "floor": cl.FLOOR}
    # A (no link) replaces every stored link and marks the run incomplete; B writes its link; C has none; the
    # state of the completed run goes last
    assert store.writes == [([], True, {**state, "complete": False}), ([link], False, None),
                            ([], False, {**state, "links": 1})]
    quiet = cl.link_store(_DocStore(store.docs), batch=2, keep=False)
    assert list(quiet) == [] and quiet.counts == edges.counts


def test_link_store_reads_for_each_province_only_the_tasks_it_may_implement(verbatim_model):
    """Linking goes province by province: a Wuxi list is linked against the national and Jiangsu lists only
    (Jiangxi's are never read for it), a place the reference data does not know against every higher list;
    the links are those of linking the whole graph at once."""
    a, b, c = "建设一批高水平实训基地", "推进职业启蒙教育和劳动教育", "实施职业技能提升行动计划"
    docs = {"N": _doc_graph("N", "national", "全国", [(1, "完善督导评估制度")]),
            "JS": _doc_graph("JS", "provincial", "江苏省", [(1, a)]),
            "WX": _doc_graph("WX", "municipal", "无锡市", [(1, a)]),
            "JX": _doc_graph("JX", "provincial", "江西省", [(1, b), (2, c)]),
            "LN": _doc_graph("LN", "county", "龙南市", [(1, b)]),            # 龙南县 in the reference data
            "XX": _doc_graph("XX", "county", "火星县", [(1, c)])}            # unknown: may implement anything
    reads = []

    class Recording(_DocStore):
        def load_documents(self, batch):
            reads.append(sorted(batch))
            return super().load_documents(batch)

    edges = cl.link_store(Recording(docs), batch=10)
    whole = PolicyGraph()
    for g in docs.values():
        whole.merge(g)
    assert sorted(e.key for e in edges) == sorted(e.key for e in cl.link(whole))
    pairs = {(e.source, e.target) for e in edges}
    assert pairs == {("task/WX/1", "task/JS/1"), ("task/LN/1", "task/JX/1"), ("task/XX/1", "task/JX/2")}
    # the survey of every document (it keeps the national and unplaced higher tasks: never read again), the
    # unplaced lower XX's queries, then per group its own documents, once for both ends (a county or city
    # list is a higher list too: a school may implement it); XX, whose candidates came from every group's
    # index, is read again to be scored — no index over every higher task, nothing else read twice
    assert sum("N" in r for r in reads) == 1                   # the national list: the survey only
    assert reads == [["JS", "JX", "LN", "N", "WX", "XX"], ["XX"],
                     ["JS", "WX"],                           # 江苏
                     ["JX", "LN"],                           # 江西
                     ["XX"]]                                 # the unknown place, against everything


def test_a_document_read_without_its_owner_mark_is_linked_against_everything(verbatim_model):
    """A store that hands back a Document node without its owner (``Node.doc``) cannot say where it lies: the
    document is read with every group's higher tasks and linked, never left out."""
    a = "建设一批高水平实训基地"
    docs = {"JS": _doc_graph("JS", "provincial", "江苏省", [(1, a)]),
            "WX": _doc_graph("WX", "municipal", "无锡市", [(1, a)])}
    docs["WX"].nodes["doc/WX"] = replace(docs["WX"].nodes["doc/WX"], doc=None)
    edges = cl.link_store(_DocStore(docs))
    assert [(e.source, e.target) for e in edges] == [("task/WX/1", "task/JS/1")]


def test_link_store_on_an_empty_store_still_writes_its_state():
    store = _DocStore({})
    edges = cl.link_store(store)
    assert list(edges) == [] and edges.counts == {"links": 0, "confident": 0, "suggestions": 0,
                                                  "lower_items_linked": 0}
    assert store.writes == [([], True, {"documents": cl.documents_digest({}), "document_count": 0, "links": 0,
                                        "method": cl.METHOD, "threshold": cl.THRESHOLD, "floor": cl.FLOOR})]
    with pytest.raises(ValueError):
        cl.link_store(store, threshold=0.1, floor=0.2)


def test_links_graph_holds_the_edges_and_their_ends():
    g = _doc_graph("A", "provincial", "江苏省", [(1, "甲"), (2, "乙")])
    e = Edge("task/A/2", "IMPLEMENTS", "task/A/1", {"score": 0.9})
    out = cl.links_graph([e], lambda node_id: g.nodes[node_id].label)
    assert sorted(out.nodes) == ["task/A/1", "task/A/2"] and list(out.edges) == [e.key]
    assert cl.summary([]) == {"links": 0, "confident": 0, "suggestions": 0, "lower_items_linked": 0}
