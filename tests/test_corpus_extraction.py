"""Extraction on the 25 real task lists of tests/fixtures/corpus (issue 13), scored with the project's scorer
against the expected records written by hand by reading each document (tests/fixtures/corpus/gold/README.md;
never from the extractor's output). Department and lead figures are end-to-end (a missed task counts as
wrong). Each document is checked on its own and the corpus as a whole; the figures asserted are the ones
measured (1.000), so a rule that breaks one document fails here."""
from __future__ import annotations

from pathlib import Path

import pytest
from opencc import OpenCC

from helpers.scoring import figure_line, read_jsonl, score_end_to_end

from policykg.loaders import extract_file, read_bytes, extract

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
GOLD = {p.stem: read_jsonl(p) for p in sorted((CORPUS / "gold").glob("[0-9]*.jsonl"))}
FIGURES = ("task_recall", "task_precision", "text_accuracy", "department_f1", "lead_accuracy")


def test_every_corpus_document_has_gold():
    docs = sorted(p.stem for p in (CORPUS / "docs").glob("*.txt"))
    assert sorted(GOLD) == docs and len(docs) == 25
    assert sum(map(len, GOLD.values())) == 393


@pytest.mark.parametrize("doc", sorted(GOLD))
def test_corpus_document(doc):
    pred = [t.to_json() for t in extract_file(CORPUS / "docs" / f"{doc}.txt").tasks]
    result, notes = score_end_to_end(GOLD[doc], pred)
    print(f"\n{doc}: {len(GOLD[doc])} gold, {len(pred)} found: {figure_line(result)}")
    for note in notes[:10]:
        print("  " + note)
    assert {k: result[k] for k in FIGURES} == {k: 1.0 for k in FIGURES}, notes[:5]


def test_whole_corpus_figures():
    gold = [r for rows in GOLD.values() for r in rows]
    pred = [t.to_json() for doc in GOLD for t in extract_file(CORPUS / "docs" / f"{doc}.txt").tasks]
    result, _ = score_end_to_end(gold, pred)
    print(f"\ncorpus: {len(gold)} gold tasks, {len(pred)} found: {figure_line(result)}")
    assert (len(gold), len(pred)) == (393, 393)
    assert {k: result[k] for k in FIGURES} == {k: 1.0 for k in FIGURES}


@pytest.mark.parametrize("doc", ["24_hubei_meiyu_2016", "26_liaoning_meiyu_2015", "44_shenyang_fangchan_2023"])
def test_traditional_mirror_with_pinyin_gives_the_same_records(doc):
    """A traditional-character mirror (made here by OpenCC s2t, a second program) with pinyin printed after
    some characters, as mirror sites do (工作任務(wù)): the records are those of the simplified original."""
    text = (CORPUS / "docs" / f"{doc}.txt").read_text(encoding="utf-8")
    mirror = OpenCC("s2t").convert(text)
    for char, pinyin in (("務", "wù"), ("廳", "tīng"), ("單", "dān"), ("門", "mén"), ("責", "zé")):
        mirror = mirror.replace(char, f"{char}({pinyin})")
    result = extract(read_bytes(mirror.encode("utf-8"), f"{doc}.txt"))
    scored, notes = score_end_to_end(GOLD[doc], [t.to_json() for t in result.tasks])
    print(f"\n{doc} (traditional + pinyin): {figure_line(scored)}")
    assert {k: scored[k] for k in FIGURES} == {k: 1.0 for k in FIGURES}, notes[:5]
