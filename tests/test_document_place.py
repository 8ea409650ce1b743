"""Every document knows its level and place from its own text (issue 14, section 1): title, issuer, document
number, departments, text; a manifest still overrides; a document that stays unplaced is named by ingest and
listed by validate.

Expected levels, jurisdictions and issuers of the corpus are the hand-written ones of
tests/fixtures/corpus/gold/levels_*.yaml (read by people from each document).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.loaders import extract_file
from policykg.ontology.resolve import resolve_result

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
GOLD = {doc: entry for path in sorted((CORPUS / "gold").glob("levels_*.yaml"))
        for doc, entry in yaml.safe_load(path.read_text("utf-8")).items()}
SOURCES = {"title", "issuer", "doc_number", "departments", "text", "manifest"}
runner = CliRunner()


def _placed(path: Path, manifest=None):
    result = extract_file(path, manifest)
    resolve_result(result)
    return result.meta


def _issuers(value) -> set[str]:
    return set(value) if isinstance(value, list) else set(value.split("、"))


def test_the_gold_covers_the_25_corpus_documents():
    assert sorted(GOLD) == sorted(p.stem for p in (CORPUS / "docs").glob("*.txt"))
    assert len(GOLD) == 25


@pytest.mark.parametrize("doc", sorted(GOLD))
def test_each_corpus_document_gives_its_level_jurisdiction_and_issuer(doc):
    meta = _placed(CORPUS / "docs" / f"{doc}.txt")
    gold = GOLD[doc]
    assert (meta.level, meta.jurisdiction) == (gold["level"], gold["jurisdiction"])
    assert {meta.level_source, meta.jurisdiction_source} <= SOURCES - {"manifest"}
    assert _issuers(meta.issuing_body or "") == _issuers(gold["issuer"])


def test_how_each_value_was_decided_is_recorded():
    by = {doc: _placed(CORPUS / "docs" / f"{doc}.txt") for doc in
          ("21_putian_meiyu_2017", "32_chongqing_fgw_kuoda_xiaofei_2025", "43_enshi_fangdichan_2022_draft")}
    assert (by["21_putian_meiyu_2017"].level_source, by["21_putian_meiyu_2017"].document_number) == (
        "title", "莆政办〔2017〕19号")
    assert by["32_chongqing_fgw_kuoda_xiaofei_2025"].level_source == "issuer"      # eight bodies sign it
    assert by["43_enshi_fangdichan_2022_draft"].jurisdiction == "恩施土家族苗族自治州"   # 湖北恩施 in a news title


def test_the_examples_without_their_manifest_give_the_manifest_levels(tmp_path):
    for src in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(src, tmp_path / src.name)
        plain, declared = _placed(tmp_path / src.name), _placed(src)
        assert (plain.level, plain.jurisdiction) == (declared.level, declared.jurisdiction), src.name
        assert plain.level_source in SOURCES - {"manifest"} and declared.level_source == "manifest"
    sources = {p.stem[:3]: _placed(p).level_source for p in sorted(tmp_path.glob("*.txt"))}
    assert sources == {"000": "title", "001": "departments", "002": "title", "003": "title", "004": "title"}


def _links(store: Path) -> set[tuple[str, str]]:
    from policykg.graph.stores.rdf_store import OxigraphStore

    target = OxigraphStore(store, read_only=True)
    try:
        rows = target.query("SELECT ?a ?b WHERE { ?a <https://policykg.org/ontology#implements> ?b }", {}).rows
    finally:
        target.close()
    return {(str(a), str(b)) for a, b in rows}


def test_the_examples_without_their_manifest_give_the_same_cascade_links(tmp_path):
    """The real ingest, both ways, into two embedded stores: the same links."""
    plain = tmp_path / "plain"
    plain.mkdir()
    for src in EXAMPLES.glob("*.txt"):
        shutil.copy(src, plain / src.name)
    for folder, store in ((EXAMPLES, tmp_path / "kg-manifest"), (plain, tmp_path / "kg-plain")):
        result = runner.invoke(app, ["ingest", str(folder), "--store", str(store)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "warning" not in result.output
    with_manifest, without = _links(tmp_path / "kg-manifest"), _links(tmp_path / "kg-plain")
    assert with_manifest and without == with_manifest


def test_a_manifest_still_overrides(tmp_path):
    src = EXAMPLES / "002_9942bf19912af7cb.txt"
    shutil.copy(src, tmp_path / src.name)
    (tmp_path / "manifest.yaml").write_text(
        "documents:\n  002_9942bf19912af7cb: {level: municipal, jurisdiction: 南昌市}\n", encoding="utf-8")
    meta = _placed(tmp_path / src.name)
    assert (meta.level, meta.jurisdiction, meta.level_source, meta.jurisdiction_source) == (
        "municipal", "南昌市", "manifest", "manifest")


@pytest.mark.parametrize("head, expected", [
    ("（鄂政办发〔2016〕32号）", ("provincial", "湖北省")),
    ("莆政办〔2017〕19号", ("municipal", "莆田市")),
    ("国办发〔2015〕71号", ("national", "全国")),
    # 青政办发 is printed by 青海省 and 青岛市: the place the text names settles it
    ("青政办发〔2016〕33号\n为推进青岛市中小学美育工作，提出如下分工。", ("municipal", "青岛市")),
    # the longest prefix decides: 苏府 is 苏州市's, 苏 alone 江苏省's; 吉市 is 吉林市's, 吉 alone 吉林省's
    ("苏府办〔2021〕8号", ("municipal", "苏州市")),
    ("吉市政办发〔2019〕5号", ("municipal", "吉林市")),
    ("苏政办发〔2021〕8号", ("provincial", "江苏省")),
    # 澄 is 江阴市, a county-level city: its own documents sit at the municipal level
    ("澄政办发〔2022〕3号", ("municipal", "江阴市")),
])
def test_a_document_number_places_a_document_that_says_nothing_else(tmp_path, head, expected):
    path = tmp_path / "x.txt"
    path.write_text(f"工作任务分工\n{head}\n1. 加强统筹协调，建立工作机制。（责任单位：有关部门）\n", encoding="utf-8")
    meta = _placed(path)
    assert (meta.level, meta.jurisdiction, meta.level_source) == (*expected, "doc_number")


def test_a_schools_own_list_is_placed_at_the_school_and_its_offices_are_the_schools(tmp_path):
    """A college's yearly task list (text written here): its name opens the title, so the list is the
    institution's, placed where the school is (it was read as a 九江市 list, its 团委 as the city's youth league
    and its offices as nothing). A title about a kind of school (高等学校…) places nothing."""
    path = tmp_path / "x.txt"
    path.write_text("九江职业技术学院2024年重点工作任务分解表\n\n序号\t重点任务\t牵头部门\t配合部门\n"
                    "1\t推进“双高”建设\t发展规划处\t教务处、各二级学院\n2\t加强学生管理\t学生工作处（部）\t团委\n",
                    encoding="utf-8")
    result = extract_file(path)
    resolve_result(result)
    meta = result.meta
    assert (meta.level, meta.jurisdiction, meta.institution, meta.level_source) == (
        "institution", "九江市 + 九江职业技术学院", "九江职业技术学院", "title")
    assert [(d.mention, d.key) for t in result.tasks for d in t.resolved] == [
        ("发展规划处", "institution/九江职业技术学院/发展规划处"), ("教务处", "institution/九江职业技术学院/教务处"),
        ("各二级学院", "collective/九江职业技术学院/各二级学院"),
        ("学生工作处（部）", "institution/九江职业技术学院/学生工作处"), ("团委", "institution/九江职业技术学院/团委")]
    path.write_text("高等学校教师队伍建设任务分工\n1. 加强统筹协调，建立工作机制。（责任单位：有关部门）\n", encoding="utf-8")
    assert _placed(path).level != "institution"


def test_a_shared_prefix_with_both_places_named_equally_decides_nothing(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("工作任务分工\n青政办发〔2016〕33号\n青海省与青岛市结对开展中小学美育工作。\n"
                    "1. 加强统筹协调，建立工作机制。（责任单位：有关部门）\n", encoding="utf-8")
    meta = _placed(path)
    assert meta.level_source != "doc_number" and meta.jurisdiction_source != "doc_number"


def test_an_unplaced_document_is_named_by_ingest_and_listed_by_validate(tmp_path):
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "x.txt").write_text("工作任务分工\n1. 加强统筹协调，建立工作机制。（责任单位：有关部门）\n"
                                  "2. 做好宣传引导工作。（责任单位：有关单位）\n", encoding="utf-8")
    store = tmp_path / "kg"
    result = runner.invoke(app, ["ingest", str(folder), "--store", str(store)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "warning: x: level and jurisdiction unknown, so its 2 task(s) are not linked" in result.output
    listed = runner.invoke(app, ["validate", "--store", str(store)], catch_exceptions=False)
    assert "documents without level or jurisdiction: 1" in listed.output
    assert "x: level and jurisdiction unknown" in listed.output
