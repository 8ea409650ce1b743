"""Chinese text normalisation shared by every reader: layout artefacts out, variants mapped, words joined.

Two levels: ``clean_line`` removes markup from a raw line while keeping its layout (tabs, spaces) so that the
readers can still see columns; ``clean_text`` turns a cell or paragraph into the verbatim task text (all
whitespace removed, variants mapped), the convention of the gold records.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources

# Variant and mis-encoded characters seen in Word renderings of government files, mapped to the standard form.
# Kept small and explicit: a general NFKC pass would also turn full-width punctuation (（ ＋) half-width,
# which the documents print verbatim.
VARIANTS = {
    "庁": "厅", "髙": "高", "釆": "采", "領": "领", "覇": "霸", "増": "增", "緑": "绿", "徳": "德",
    "黒": "黑", "斎": "斋", "査": "查", "県": "县", "圧": "压", "戦": "战", "転": "转", "処": "处",
    "剤": "剂", "険": "险", "拠": "据", "済": "济", "労": "劳", "営": "营", "継": "继", "総": "总",
    "関": "关", "発": "发", "経": "经", "図": "图", "団": "团", "権": "权", "専": "专", "単": "单",
    "冩": "写", "録": "录", "蔵": "藏", "兪": "俞", "戶": "户",
    "\u3000": " ", "\u00a0": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
}
# CJK compatibility ideographs (U+F900-U+FAFF, U+2F800-) decompose to the unified ideograph under NFKC.
_COMPAT = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xF900, 0xFB00)
           if unicodedata.normalize("NFKC", chr(c)) != chr(c)}
# Radicals that PDF printers (Chromium/Skia with Noto CJK) write into the text layer for the glyph they share with
# an ideograph: 一 as ⼀ (Kangxi radical, U+2F00-U+2FD5: NFKC gives the ideograph), 民 as ⺠ (CJK radicals
# supplement, no NFKC form: the ideographs a radical that is a whole character stands for, after the Unicode
# chart's names and EquivalentUnifiedIdeograph.txt; components such as ⺅ 亻 never stand alone in a text).
_KANGXI = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)}
_RADICAL_SUPPLEMENT = dict(zip(
    "⺁⺇⺊⺌⺍⺒⺓⺗⺜⺝⺟⺠⺧⺩⺫⺬⺮⺶⺷⺻⺼⺽⻁⻄⻅⻆⻉⻋⻑⻓⻔⻗⻘⻙⻚⻛⻜⻝⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻱⻳",
    "厂几卜小小巳幺心日月母民牛王目示竹羊羊聿月臼虎西见角贝车長长门雨青韦页风飞食首马骨鬼鱼鸟卤麦黄黾齐齿龙龜龟"))
_MAP = {**_COMPAT, **_KANGXI, **_RADICAL_SUPPLEMENT, **VARIANTS}
# Searching for the few odd characters (a C-level regex scan) and only then mapping them is much faster
# than str.translate with a dict table over every line.
_ODD_RE = re.compile("[" + "".join(re.escape(c) for c in _MAP) + "]")

BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
TAG_RE = re.compile(r"</?(?:p|span|div|b|i|u|strong|em|font|td|tr|th)\b[^>]*>", re.I)
BR_RE = re.compile(r"<br\s*/?>", re.I)     # a line break inside a cell (Markdown tables): kept as a break
# Page footers of Word renderings: "— 12 —", "- 3 -", "－ 7 －", "第 3 页 共 10 页".
FOOTER_RE = re.compile(r"^\s*(?:[—－\-–]+\s*\d{1,4}\s*[—－\-–]+|第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?)\s*$")
WS_RE = re.compile(r"\s+")


def clean_line(line: str) -> str:
    """Markup out of a raw line (bookmarks, HTML tags, variants); layout whitespace kept."""
    if "[" in line:
        line = BOOKMARK_RE.sub("", line)
    if "<" in line:
        line = BR_RE.sub("\n", TAG_RE.sub("", line))
    if _ODD_RE.search(line) is None:
        return line
    return _ODD_RE.sub(lambda m: _MAP[m.group(0)], line)


def is_footer(line: str) -> bool:
    return bool(FOOTER_RE.match(line))


def clean_text(text: str | None) -> str:
    """The verbatim text of a cell or paragraph: markup out, variants mapped, every whitespace removed.

    Whitespace inside Chinese text is a layout artefact (words broken over lines or padded with spaces);
    the documents never need a space between two ASCII tokens in a task field.
    """
    if not text:
        return ""
    return WS_RE.sub("", clean_line(text))


# --- traditional → simplified -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _traditional_only() -> frozenset[str]:
    """Characters that exist only in traditional script (a TS key that is not itself simplified)."""
    base = resources.files("opencc") / "dictionary"
    ts = {line.split("\t", 1)[0] for line in (base / "TSCharacters.txt").read_text("utf-8").splitlines() if line}
    st = {line.split("\t", 1)[0] for line in (base / "STCharacters.txt").read_text("utf-8").splitlines() if line}
    return frozenset(c for c in ts if len(c) == 1 and c not in st)


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


def is_traditional(text: str, threshold: float = 0.04) -> bool:
    """True when a noticeable share of the Chinese characters are traditional-only.

    A few stray traditional characters in a simplified file (領 in a Word rendering) are variants, not a
    traditional document; converting simplified text with t2s can change valid characters, so only convert
    when the document really is traditional.
    """
    counts = Counter(text[:200_000])          # counting in C, then a pass over the distinct characters
    trad = _traditional_only()
    n_trad = sum(n for ch, n in counts.items() if ch in trad)
    if n_trad == 0:
        return False
    cjk = sum(n for ch, n in counts.items() if "\u4e00" <= ch <= "\u9fff")
    return cjk > 0 and n_trad / cjk >= threshold


def to_simplified(text: str) -> str:
    """Traditional → simplified, and the pinyin that mirror sites print after characters dropped."""
    return strip_pinyin(_converter().convert(text))


# Pinyin that some mirror sites print after characters: 工作任務(wù) — noise for matching and resolution.
_PINYIN_RE = re.compile(r"(?<=[\u4e00-\u9fff])[(（]\s*[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[1-5]?\s*[)）]")


def strip_pinyin(text: str) -> str:
    return _PINYIN_RE.sub("", text) if _PINYIN_RE.search(text) else text
