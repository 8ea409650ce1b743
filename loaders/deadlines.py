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
ONGOING_WORDS = ("持续推进", "长期坚持", "长期推进", "持续实施", "长期", "持续", "常态化", "逐年推进", "长期执行")
_TITLE_RE = re.compile(r"《[^》]*》")


def _end_of(year: int, month: int | None, half: str | None = None) -> str:
    if month:
        return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"
    if half == "上":
        return f"{year:04d}-06-30"
    return f"{year:04d}-12-31"


def _plan_years(digit: str) -> tuple[int, int]:
    n = 10 + CN_NUM[digit]          # 十四五 → the 14th five-year plan, 2021–2025
    start = 2006 + 5 * (n - 11)
    return start, start + 4


def parse_deadline(text: str, source: str = "column") -> Deadline | None:
    """One printed deadline to kind and ISO dates; None when it names no time at all."""
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
        return Deadline(s, DeadlineKind.BY_DATE, None, _end_of(year, month, half), source)
    if any(w in s for w in ONGOING_WORDS) or s in ("长期", "持续", "常年"):
        return Deadline(s, DeadlineKind.ONGOING, None, None, source)
    return None


def column_deadlines(raw: str | None) -> list[Deadline]:
    """A deadline cell: one deadline a line (a cell may list several)."""
    if not raw:
        return []
    pieces = [p for p in (re.sub(r"\s+", "", x) for x in re.split(r"[\n；;]", raw)) if p]
    parsed = [parse_deadline(p, "column") for p in pieces]
    if len(pieces) > 1 and None in parsed:
        # a date wrapped inside the cell ("2024年6" / "月底前") is one deadline, not two
        pieces = ["".join(pieces)]
        parsed = [parse_deadline(pieces[0], "column")]
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
