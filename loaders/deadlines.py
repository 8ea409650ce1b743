"""Deadlines (as printed, normalised to kind + ISO dates), start dates and frequencies.

Column values are deadlines whatever they say (2021年, 持续推进, 2022年6月底前). In running text only due-by
expressions count (到2025年, 2025年底前, “十四五”期间, 到“十四五”末); 持续推进 there is a verb, 2021年起 is a
start, 每年 a frequency, and years inside cited titles 《…（2019—2021年）》 are names.
"""
from __future__ import annotations

import calendar
import re

from policykg.core.records import Deadline, DeadlineKind

CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十")}
_Q = "[“”\"'‘’「」]?"
PLAN_RE = rf"(?:(?:在|到|至|于)?{_Q}十([一二三四五六七八九])五{_Q}(期间|末|时期|内|前|中期|规划期内|规划期间)?)"
YM = r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*\d{1,2}\s*日)?)?"
TEXT_DEADLINE_RE = re.compile(
    # a cheap first-character test before the alternation (tried in full at every position otherwise)
    r"(?=[到至于在截“”\"'‘’「」十\d])(?:" + "|".join([
        rf"(?P<plan>{PLAN_RE})",
        rf"(?P<range>(?:在)?(\d{{4}})\s*[—\-–~～至到]\s*(\d{{4}})\s*年(?:期间|间|内))",
        rf"(?P<before>(?:到|至|于|在|截至|截止)?{YM}\s*(?:[上下]半年|年底|底|末|末期)?\s*(?:前|以前|之前))",
        rf"(?P<by>(?:到|至|截至|截止){YM}\s*(?:[上下]半年|年底|底|末)?)",
        rf"(?P<end>{YM}\s*(?:年底|底|末|内))",
    ]) + ")"
)
START_RE = re.compile(rf"(?=[自从于\d])(?:自|从|于)?{YM}\s*(?:[1-9]\d?日)?\s*(?:起|开始)")
FREQ_RE = re.compile(r"每(?:[一二两三四五六七八九十\d]+)?(?:个)?(?:学年|学期|年度|年|季度|半年|月|周|天|日|届)")
# a range of months (2024年9月—12月, 9月至12月): due at its end
MONTH_RANGE_RE = re.compile(r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月[^—\-–~～至到]{0,4}[—\-–~～至到]\s*(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月")
# without a year, read in the document's year: 6月底前, 11月中旬, 三季度, 上半年, 年底前
MONTH_RE = re.compile(r"(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
QUARTER_RE = re.compile(r"(?:第)?([一二三四1-4])季度")
YEAR_END_WORDS = ("年底", "年末", "年内", "年度内", "本年度", "当年", "今年")
# a school year's terms: 2024年秋季开学前, 春季学期
TERM_RE = re.compile(r"(春季|秋季)(开学|学期)")
ONGOING_WORDS = ("持续推进", "长期坚持", "长期推进", "持续实施", "长期", "持续", "常态化", "逐年推进", "长期执行")
_TITLE_RE = re.compile(r"《[^》]*》")


def _end_of(year: int, month: int | None, half: str | None = None, ten_days: str | None = None) -> str:
    if month and ten_days in ("上旬", "中旬"):          # 11月中旬: by the 20th
        return f"{year:04d}-{month:02d}-{10 if ten_days == '上旬' else 20:02d}"
    if month:
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    if half == "上":
        return f"{year:04d}-06-30"
    return f"{year:04d}-12-31"


def _plan_years(digit: str) -> tuple[int, int]:
    n = 10 + CN_NUM[digit]          # 十四五 → the 14th five-year plan, 2021–2025
    start = 2006 + 5 * (n - 11)
    return start, start + 4


def _ten_days(s: str) -> str | None:
    return next((w for w in ("上旬", "中旬", "下旬") if w in s), None)


def _term_end(year: int, term: str, what: str) -> str:
    """开学 is the term's start (spring: end of February, autumn: end of August); a 学期 ends in July (spring)
    or January of the next year (autumn)."""
    if what == "开学":
        return _end_of(year, 2 if term == "春季" else 8)
    return _end_of(year, 7) if term == "春季" else _end_of(year + 1, 1)


def parse_deadline(text: str, source: str = "column", plan_year: int | None = None) -> Deadline | None:
    """One printed deadline to kind and ISO dates; None when it names no time at all. ``plan_year``, the year
    the document plans for, dates a deadline printed without one (6月底前, 三季度, 年底前)."""
    s = re.sub(r"\s+", "", text)
    if not s:
        return None
    m = re.search(PLAN_RE, s)
    if m:
        a, b = _plan_years(m.group(1))
        if m.group(2) in ("末", "前"):
            return Deadline(s, DeadlineKind.BY_DATE, None, f"{b}-12-31", source)
        return Deadline(s, DeadlineKind.PERIOD, f"{a}-01-01", f"{b}-12-31", source)
    m = re.search(r"(\d{4})\s*[—\-–~～至到]\s*(\d{4})", s)
    if m:
        return Deadline(s, DeadlineKind.PERIOD, f"{m.group(1)}-01-01", f"{m.group(2)}-12-31", source)
    if FREQ_RE.search(s) and not re.search(r"\d{4}年", s):
        return Deadline(s, DeadlineKind.RECURRING, None, None, source)
    m = MONTH_RANGE_RE.search(s)
    if m and (m.group(1) or plan_year):
        y1 = int(m.group(1) or plan_year)
        y2, m1, m2 = int(m.group(3) or y1), int(m.group(2)), int(m.group(4))
        if 1 <= m1 <= 12 and 1 <= m2 <= 12:
            return Deadline(s, DeadlineKind.PERIOD, f"{y1:04d}-{m1:02d}-01", _end_of(y2, m2), source)
    has_year = re.search(r"\d{4}\s*年", s)
    m = TERM_RE.search(s)
    if m and (has_year or plan_year):
        return Deadline(s, DeadlineKind.BY_DATE, None,
                        _term_end(int(has_year.group(0)[:4]) if has_year else plan_year, m.group(1), m.group(2)),
                        source)
    m = re.search(r"(\d{4})\s*[.\-/]\s*(\d{1,2})(?:\s*[.\-/]\s*(\d{1,2}))?", s)
    if m and 1 <= int(m.group(2)) <= 12:       # 2022.12, 2022-06-30
        year, month = int(m.group(1)), int(m.group(2))
        day = int(m.group(3)) if m.group(3) else calendar.monthrange(year, month)[1]
        return Deadline(s, DeadlineKind.BY_DATE, None, f"{year:04d}-{month:02d}-{day:02d}", source)
    m = re.search(rf"(\d{{4}})\s*年\s*(?:第)?([一二三四1-4])季度", s)
    if m:
        q = "一二三四".find(m.group(2)) + 1 if m.group(2) in "一二三四" else int(m.group(2))
        return Deadline(s, DeadlineKind.BY_DATE, None, _end_of(int(m.group(1)), 3 * q), source)
    m = re.search(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?", s)
    if m and m.group(3):
        return Deadline(s, DeadlineKind.BY_DATE, None,
                        f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", source)
    m = re.search(rf"{YM}\s*([上下])?", s)
    if m:
        year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
        if month and not 1 <= month <= 12:
            month = None
        half = m.group(3) if "半年" in s else None
        if START_RE.fullmatch(s):
            return Deadline(s, DeadlineKind.PERIOD, f"{year:04d}-{(month or 1):02d}-01", None, source)
        return Deadline(s, DeadlineKind.BY_DATE, None, _end_of(year, month, half, _ten_days(s)), source)
    if plan_year and not re.search(r"\d{4}", s):
        end = _yearless(s, plan_year)
        if end:
            return Deadline(s, DeadlineKind.BY_DATE, None, end, source)
    if any(w in s for w in ONGOING_WORDS) or s in ("长期", "持续", "常年"):
        return Deadline(s, DeadlineKind.ONGOING, None, None, source)
    return None


def _yearless(s: str, year: int) -> str | None:
    """The end date of a deadline printed without its year, in ``year``: 6月底前, 11月中旬, 三季度, 下半年, 年底前."""
    m = MONTH_RE.search(s)
    if m and 1 <= int(m.group(1)) <= 12:
        month = int(m.group(1))
        if m.group(2) and 1 <= int(m.group(2)) <= calendar.monthrange(year, month)[1]:
            return f"{year:04d}-{month:02d}-{int(m.group(2)):02d}"
        return _end_of(year, month, None, _ten_days(s))
    m = QUARTER_RE.search(s)
    if m:
        q = "一二三四".find(m.group(1)) + 1 if m.group(1) in "一二三四" else int(m.group(1))
        return _end_of(year, 3 * q)
    if "上半年" in s:
        return _end_of(year, None, "上")
    if "下半年" in s or any(w in s for w in YEAR_END_WORDS):
        return _end_of(year, None)
    return None


def column_deadlines(raw: str | None, plan_year: int | None = None) -> list[Deadline]:
    """A deadline cell: one deadline a line (a cell may list several); ``plan_year`` as for parse_deadline."""
    if not raw:
        return []
    pieces = [p for p in (re.sub(r"\s+", "", x) for x in re.split(r"[\n；;]", raw)) if p]
    parsed = [parse_deadline(p, "column", plan_year) for p in pieces]
    if len(pieces) > 1 and None in parsed:
        # a date wrapped inside the cell ("2024年6" / "月底前") is one deadline, not two
        pieces = ["".join(pieces)]
        parsed = [parse_deadline(pieces[0], "column", plan_year)]
    # a cell that names no date (试点结束, 根据国家部署) is still the task's time limit as printed
    return [d or Deadline(p, DeadlineKind.ONGOING, None, None, "column") for p, d in zip(pieces, parsed)]


def _mask_titles(text: str) -> str:
    """Blank out cited titles 《…》 (same length, so spans stay valid): their years are names."""
    return _TITLE_RE.sub(lambda m: "《" + "□" * (len(m.group(0)) - 2) + "》", text)


def text_deadlines(text: str) -> list[Deadline]:
    masked = _mask_titles(text)
    out = []
    for m in TEXT_DEADLINE_RE.finditer(masked):
        printed = text[m.start():m.end()]
        # a year range in brackets right after a name is the name's period: 计划（2021—2025年）
        if m.lastgroup == "range" and m.start() > 0 and masked[m.start() - 1] in "（(":
            continue
        d = parse_deadline(printed, "text")
        if d is not None:
            d.span = (m.start(), m.end())
            out.append(d)
    return out


def starts(text: str) -> list[str]:
    masked = _mask_titles(text)
    return [text[m.start():m.end()] for m in START_RE.finditer(masked)]


def frequencies(text: str) -> list[str]:
    return [m.group(0) for m in FREQ_RE.finditer(text)]
