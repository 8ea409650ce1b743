"""The briefing's own lines (app/briefing.py) on hand-made rows: who is responsible, which higher tasks a row
restates (confident links only; suggestions go to the annex), and the attention lines (passed vs due within a
year, the as-of date itself counted as not passed, earliest first, sources at the start of the line).

Expectations are decided from the hand-made rows, not from a run."""
from __future__ import annotations

from datetime import date

from policykg.app.briefing import attention_lines, implemented, responsible
from policykg.app.briefing_data import Implemented, Row

AS_OF = date(2024, 6, 30)


def row(no: str, due: date | None, lead=("省教育厅",), support=(), implements=(), doc="d1") -> Row:
    return Row(f"task/{doc}/{no}", f"《清单》第{no}项", doc, no, f"任务{no}", [], list(lead), list(support),
               None, due, list(implements))


def test_responsible_names_lead_and_support_on_their_own_lines():
    assert responsible(row("1", None, lead=["省教育厅"], support=["省财政厅", "省人社厅"])) == \
        "牵头：省教育厅\n配合：省财政厅、省人社厅"
    assert responsible(row("2", None, lead=[], support=["省财政厅"])) == "配合：省财政厅"
    assert responsible(row("3", None, lead=[], support=[])) == "未写明"


def test_implemented_cites_confident_links_only():
    links = [Implemented("《国家清单》第7项", False, "n", "7"), Implemented("《国家清单》第9项", True, "n", "9"),
             Implemented("《国家清单》第12项", False, "n", "12")]
    assert implemented(row("1", None, implements=links), {"n": "①"}) == "①第7项\n①第12项"
    assert implemented(row("1", None, implements=links), {}) == "《国家清单》第7项\n《国家清单》第12项"


def test_attention_lines_split_passed_and_coming_at_the_as_of_date():
    rows = [row("1", date(2024, 12, 31)), row("2", date(2024, 6, 30)), row("3", date(2024, 6, 29)),
            row("4", date(2023, 1, 1)), row("5", date(2025, 6, 28)), row("6", date(2025, 7, 1)), row("7", None)]
    lines = attention_lines(rows, AS_OF)
    assert lines == [
        "已过完成时限的任务2项：",
        "　　第4项　2023年1月1日前：任务4（牵头：省教育厅）",
        "　　第3项　2024年6月29日前：任务3（牵头：省教育厅）",
        "一年内到期的任务3项：",                     # due on the as-of date itself is not passed
        "　　第2项　2024年6月30日前：任务2（牵头：省教育厅）",
        "　　第1项　2024年12月31日前：任务1（牵头：省教育厅）",
        "　　第5项　2025年6月28日前：任务5（牵头：省教育厅）",   # a year on (the 28th); No. 6 is later
    ]


def test_attention_lines_with_nothing_to_say():
    assert attention_lines([row("1", None)], AS_OF) == ["已过完成时限的任务：无。", "一年内到期的任务：无。"]
