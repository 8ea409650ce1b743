"""The briefing's "who has taken up each task" (app/briefing_uptake.py), its annex of suggestions, and a query
briefing that names its parameters and counts from the query's date. The expected uptake of national task 20
was written by reading the example files (see tests/test_chain_tree.py's docstring)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from docx import Document
from policykg.app.briefing import build_briefing
from policykg.graph.views.subgraph import Selection

NATIONAL_DOC = "001_8158844c7a4eb5af"
TITLES = {"000": "《省教育厅重点任务清单》", "002": "《江西省工作任务清单》",
          "003": "《江阴市推进职业教育改革创新 打造高质量发展样板的实施方案》",
          "004": "《〈教育部辽宁省人民政府关于整省推进职业教育实用高效发展提升服务辽宁振兴能力的意见〉任务落实举措清单》"}


@pytest.fixture(scope="module")
def graph():
    from pathlib import Path

    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files

    examples = Path(__file__).resolve().parents[1] / "examples"
    results, _ = process_files(sorted(examples.glob("*.txt")))
    g = build(results)
    for edge in cascade.link(g):
        g.add_edge(edge)
    return g


def labels(document) -> dict[str, str]:
    scope = next(p.text for p in document.paragraphs if p.text.startswith("涉及文件"))
    return dict(re.findall(r"([①-⑩])(《.+?》)(?=[；。])", scope))


def table(document, first: str, second: str | None = None):
    return next(t for t in document.tables if t.rows[0].cells[0].text == first
                and (second is None or t.rows[0].cells[1].text == second))


def test_who_has_taken_up_each_national_task(graph, tmp_path):
    path = tmp_path / "national.docx"
    build_briefing(graph, Selection(document=NATIONAL_DOC), path, as_of=date(2022, 12, 31))
    document = Document(str(path))
    named = labels(document)
    assert named["①"] == "《重点任务（项目）一览表》"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "各项任务的承接情况" in text and "以下56项任务" in text
    uptake = table(document, "任务", "已承接（逐级）")
    row = next(r for r in uptake.rows[1:] if r.cells[0].text.startswith("①第20项"))
    taken = [re.match(r"(　*)([①-⑩])第(\d+)项　(\S+?)(（学校举措）)?$", line).groups()
             for line in row.cells[1].text.split("\n")]
    # as read: three provinces restate it, 江阴市 both under 江苏省's task and directly
    assert [(indent, named[label], no, who, bool(measure)) for indent, label, no, who, measure in taken] == [
        ("", TITLES["000"], "34", "江苏省", False),
        ("　", TITLES["003"], "19", "江阴市", False),
        ("", TITLES["002"], "38", "江西省", False),
        ("", TITLES["004"], "26", "辽宁省", False),
        ("", TITLES["004"], "48", "辽宁省", False),   # tax breaks for the enterprises it cultivates (test_chain_tree)
        ("", TITLES["003"], "13", "江阴市", False),
    ]
    assert row.cells[2].text == "学校/单位：锦州师范高等专科学校"
    # suggestions are left out by default: no annex, and the notes say how to add it
    assert "附件：待核的落实关系建议" not in text and "未列入" in text
    assert "待核" not in "\n".join(c.text for r in table(document, "序号").rows for c in r.cells)


def test_suggestions_go_to_an_annex_when_asked_for(graph, tmp_path):
    path = tmp_path / "national.docx"
    build_briefing(graph, Selection(document=NATIONAL_DOC), path, as_of=date(2022, 12, 31), suggestions=True)
    document = Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "附件：待核的落实关系建议" in text
    annex = table(document, "下级任务")
    assert len(annex.rows) > 1
    for r in annex.rows[1:]:   # each suggestion opens with its short citation; a score between 0 and 1
        assert re.match(r"[①-⑩]第\d+项　", r.cells[0].text) and 0 <= float(r.cells[2].text) <= 1


def test_a_query_briefing_names_its_date_and_counts_from_it(graph, tmp_path):
    path = tmp_path / "due.docx"
    tasks = tuple(n.id for n in graph.nodes.values() if n.label == "Task")[:5]
    build_briefing(graph, Selection(nodes=tasks, depth=0), path, query_title="截至某日应完成的任务",
                   query_params={"date": "2022-12-31", "limit": 100})
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "查询“截至2022年12月31日应完成的任务”结果所涉任务" in text
    assert "数据截至2022年12月31日" in text


def test_rows_keep_document_order_inside_a_deadline_group(graph, tmp_path):
    path = tmp_path / "jx.docx"
    build_briefing(graph, Selection(document="002_9942bf19912af7cb"), path, as_of=date(2022, 12, 31))
    rows = table(Document(str(path)), "序号").rows[1:]
    numbers, group = [], []
    for r in rows:
        cells = [c.text for c in r.cells]
        if len(set(cells)) == 1:       # a group's title row
            numbers.append(group)
            group = []
        else:
            group.append(int(re.fullmatch(r"①第(\d+)项", cells[5]).group(1)))
    numbers.append(group)
    assert all(g == sorted(g) for g in numbers) and sum(map(len, numbers)) == 50
