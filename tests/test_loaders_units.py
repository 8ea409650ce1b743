"""Small unit tests of loader helpers (Word list numbering, deadline and quantity boundaries, script
detection), expected values worked out by hand; written for the loaders' surviving mutants (issue 19)."""
from __future__ import annotations

import pytest

from policykg.loaders.deadlines import parse_deadline
from policykg.loaders.normalize import is_traditional
from policykg.loaders.numbering import _fmt, chinese_numeral
from policykg.loaders.targets import find_quantities


@pytest.mark.parametrize("n, text", [(1, "一"), (9, "九"), (10, "十"), (15, "十五"), (20, "二十"), (23, "二十三"),
                                     (99, "九十九"), (100, "100")])
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text


@pytest.mark.parametrize("n, kind, text", [
    (3, "chineseCounting", "三"), (12, "chineseLegalSimplified", "十二"),
    (1, "decimalEnclosedCircle", "①"), (20, "decimalEnclosedCircleChinese", "⑳"), (21, "decimalEnclosedCircle", "21"),
    (12, "decimalFullWidth", "１２"), (1, "lowerLetter", "a"), (27, "lowerLetter", "a"), (2, "upperLetter", "B"),
    (1, "ideographTraditional", "甲"), (10, "ideographTraditional", "癸"), (11, "ideographTraditional", "11"),
    (4, "bullet", ""), (7, "decimal", "7"),
])
def test_list_number_formats(n, kind, text):
    assert _fmt(n, kind) == text


@pytest.mark.parametrize("text, end", [("2023年0月", "2023-12-31"), ("2023年13月", "2023-12-31"),
                                       ("2023年12月", "2023-12-31"), ("2022年2月", "2022-02-28"),
                                       ("2024年2月底前", "2024-02-29"), ("2022.6", "2022-06-30"),
                                       ("2022-13", None)])
def test_month_bounds_of_a_deadline(text, end):
    d = parse_deadline(text)
    assert (d.end if d else None) == end


@pytest.mark.parametrize("text, found", [("到2100年", []), ("到2099年", []), ("用5年时间", ["5年"]), ("x1项", []),
                                         ("1项", ["1项"]), ("第1年", [])])
def test_years_and_names_are_no_quantities(text, found):
    assert [t.text for t in find_quantities(text)] == found


def test_script_detection():
    assert is_traditional("abc") is False and is_traditional("") is False
    assert is_traditional("教育部办公厅关于印发") is False
    assert is_traditional("國務院辦公廳關於印發") is True
