"""Word automatic list numbering rendered as the text a reader sees ("1.", "（一）", "①")."""
from __future__ import annotations

from docx.oxml.ns import qn

W_PSTYLE = qn("w:pStyle")
W_PPR, W_NUMPR, W_ILVL, W_NUMID, W_VAL = qn("w:pPr"), qn("w:numPr"), qn("w:ilvl"), qn("w:numId"), qn("w:val")
CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _fmt(n: int, kind: str) -> str:
    if kind in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "chineseLegalSimplified"):
        return chinese_numeral(n)
    if kind in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if kind == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if kind == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if kind == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if kind == "ideographTraditional" and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if kind == "bullet":
        return ""
    return str(n)


class Numbering:
    def __init__(self, levels: dict[str, dict[int, tuple[str, str, int]]],
                 styles: dict[str, tuple[str, int]] | None = None):
        self.levels = levels                      # numId → ilvl → (numFmt, lvlText, start)
        self.styles = styles or {}                # paragraph styleId → (numId, ilvl) (List Number etc.)
        self.counters: dict[str, list[int]] = {}

    @classmethod
    def from_document(cls, document) -> "Numbering":
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return cls({})
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iterchildren(qn("w:abstractNum")):
            lv = {}
            for lvl in an.iterchildren(qn("w:lvl")):
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                start = lvl.find(qn("w:start"))
                lv[int(lvl.get(qn("w:ilvl")))] = (
                    fmt.get(W_VAL) if fmt is not None else "decimal",
                    text.get(W_VAL) if text is not None else "%1.",
                    int(start.get(W_VAL)) if start is not None else 1,
                )
            abstract[an.get(qn("w:abstractNumId"))] = lv
        levels = {}
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                levels[num.get(qn("w:numId"))] = abstract.get(ref.get(W_VAL), {})
        styles = {}
        try:
            style_root = document.styles.element
        except (KeyError, AttributeError):
            style_root = None
        if style_root is not None:
            for st in style_root.iterchildren(qn("w:style")):
                ppr = st.find(W_PPR)
                numpr = ppr.find(W_NUMPR) if ppr is not None else None
                if numpr is not None and numpr.find(W_NUMID) is not None:
                    ilvl = numpr.find(W_ILVL)
                    styles[st.get(qn("w:styleId"))] = (numpr.find(W_NUMID).get(W_VAL),
                                                       int(ilvl.get(W_VAL)) if ilvl is not None else 0)
        return cls(levels, styles)

    def render(self, p) -> str | None:
        ppr = p.find(W_PPR)
        numpr = ppr.find(W_NUMPR) if ppr is not None else None
        num_id, ilvl = None, 0
        if ppr is not None and self.styles:
            ps = ppr.find(W_PSTYLE)
            if ps is not None and ps.get(W_VAL) in self.styles:
                num_id, ilvl = self.styles[ps.get(W_VAL)]
        if numpr is not None:
            nid = numpr.find(W_NUMID)
            ilvl_el = numpr.find(W_ILVL)
            num_id = nid.get(W_VAL) if nid is not None else num_id
            ilvl = int(ilvl_el.get(W_VAL)) if ilvl_el is not None else ilvl
        if num_id is None or num_id == "0":
            return None
        lv = self.levels.get(num_id)
        if not lv or ilvl not in lv:
            return None
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        text = lv[ilvl][1]
        for level in range(ilvl, -1, -1):
            if level in lv:
                fmt, _, start = lv[level]
                value = counts[level] + start - 1 if counts[level] else start
                text = text.replace(f"%{level + 1}", _fmt(value, fmt))
        return text or None
