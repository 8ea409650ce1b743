"""`policykg departments` and the `resolved` field of `policykg extract`, on the real examples."""
from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from policykg.app.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_departments_counts_obligations_across_levels():
    result = runner.invoke(app, ["departments", str(EXAMPLES), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in _json_lines(result.stdout)}
    ministry = rows["national/education"]
    assert (ministry["department"], ministry["level"], ministry["function"], ministry["total"]) == (
        "教育部", "national", "education", 52)              # 51 tasks of 001 and one of 004
    assert rows["provincial/江西省/education"]["total"] == 45
    assert rows["municipal/江阴市/education"]["total"] == 25
    assert rows["provincial/辽宁省/education"]["total"] == 51
    jiaowu = rows["institution/锦州师范高等专科学校/教务处"]
    assert (jiaowu["kind"], jiaowu["parent"], jiaowu["total"]) == ("division", "锦州师范高等专科学校", 14)
    for r in rows.values():
        assert r["lead"] + r["support"] == r["total"] > 0
    totals = [r["total"] for r in _json_lines(result.stdout)]
    assert totals == sorted(totals, reverse=True)
    assert "coverage: 703/703 department mentions resolved (100.0%) in 5 file(s)" in result.stderr


def test_unresolved_lists_raw_mentions_with_their_place(tmp_path):
    doc = tmp_path / "江西省测试任务清单.md"
    doc.write_text(
        "# 江西省测试任务清单\n\n| 序号 | 工作任务 | 责任部门 |\n|:---:|---|---|\n"
        "| 1 | 建设10所示范学校。 | 省教育厅、某某协调小组 |\n"
        "| 2 | 培训教师500人次。 | 省人社厅 |\n", encoding="utf-8")
    result = runner.invoke(app, ["departments", str(doc), "--unresolved", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = _json_lines(result.stdout)
    assert [(r["mention"], r["task_no"], r["column"]) for r in rows] == [("某某协调小组", "1", "departments")]
    assert rows[0]["location"]
    assert "coverage: 2/3 department mentions resolved (66.7%)" in result.stderr
    listed = runner.invoke(app, ["departments", str(doc), "--format", "csv"])
    assert "江西省人力资源和社会保障厅,provincial/江西省/hrss" in listed.stdout


def test_departments_reports_a_missing_file(tmp_path):
    result = runner.invoke(app, ["departments", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "nope.txt" in result.stderr


def test_extract_output_gains_resolved_in_department_order():
    result = runner.invoke(app, ["extract", str(EXAMPLES / "003_7fdab2a4388eb7e7.txt"), "--quiet"])
    assert result.exit_code == 0, result.output
    tasks = _json_lines(result.stdout)
    assert tasks
    for task in tasks:
        assert [r["mention"] for r in task["resolved"]] == task["departments"]
        for r in task["resolved"]:
            assert {"name", "kind", "level", "jurisdiction", "function", "parent"} <= set(r)
    by_mention = {r["mention"]: r for t in tasks for r in t["resolved"]}
    assert by_mention["教育局"]["name"] == "江阴市教育局"
    assert by_mention["教育局"]["level"] == "municipal"
