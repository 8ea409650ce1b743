"""Quantity phrases in a task text: number + measure word + trailing 左右/以上/以下/以内, parsed to targets.

Printed form follows the gold convention: a leading qualifier (不低于, 至少, 超过 …) is not part of the phrase
but sets the target's qualifier. Calendar years, ordinals (第1年), numerals inside names (G10, 1+X, 信息化2.0,
五育, 双千计划) and vague quantifiers (一批, 若干) are not quantities.
"""
from __future__ import annotations

import re

from policykg.core.records import Qualifier, Target

UNITS = sorted(
    """周岁 岁 万人次 人次 个百分点 百分点 个月 学时 课时 学分 小时 平方米 公里 万元 亿元 元 个 门 所 家 项 名 人 次 年 天
    周 种 本 部 套 篇 期 届 班 支 座 条 类 节 场 件 台 亩 米 户 位 册 间 张 份 批次 批 倍 % ％ ‰ 台套 课 级 岗 园
    校 县 村 吨 千瓦 兆瓦 公顷 处 栋 床 辆 册次 课程 分 平方公里 千米 千瓦时 万千瓦 兆 立方米 微克/立方米 毫克/立方米 公斤 千克 斤 辆次 床位
    Mbps Gbps Kbps Mb/s Gb/s MB GB TB PB km km² m² ㎡ ㎞ kW kWh MW GW kg""".split(),
    key=len, reverse=True,
)
# measure words that are also common word starts; only accepted with an Arabic number
_UNIT_RE = "|".join(re.escape(u) for u in UNITS)
_CN_DIGIT = "一二两三四五六七八九"
NUM = r"\d+(?:[.,]\d+)*"
CN_NUM = rf"(?:[{_CN_DIGIT}]?[百千万](?:[{_CN_DIGIT}][百千十])*(?:[{_CN_DIGIT}])?)"
TRAIL = r"(?:左右|以上|以下|以内|之内)"
_BLANK = r"[ \u3000]*"     # spaces inside a phrase; a tab or line end is a column or paragraph end (32\t支持)
LEAD_Q = r"(?:不低于|不少于|不多于|不高于|不超过|超过|至少|达到|达|约|近|逾|最多|高于|低于|多于|少于)"

QUANTITY_RE = re.compile(
    # the lookahead rejects most positions at once (a plain alternation is tried in full at every character)
    rf"(?=[\d{_CN_DIGIT}百千万不至超达约近逾最高低多少])"
    rf"(?P<lead>{LEAD_Q})?"
    rf"(?:(?P<ratio>{NUM}{_BLANK}[:：∶]{_BLANK}{NUM})"
    rf"|(?P<range>{NUM}){_BLANK}[—\-–~～至到]{_BLANK}(?P<high>{NUM}){_BLANK}(?P<runit>(?:[万亿])?(?:{_UNIT_RE}))"
    rf"|(?P<num>{NUM}){_BLANK}(?P<mag>[万亿千])?(?P<more>[余多])?{_BLANK}(?P<unit>{_UNIT_RE})"
    rf"|(?P<cn>{CN_NUM})(?P<cnunit>家|所|个|名|人|项|门|种|户|村|校|亩|元|人次))"
    rf"(?:{_BLANK}(?P<trail>{TRAIL}))?"    # blanks only before a trail: 200万人次\t is 200万人次
)
_NOT_AFTER_CN = re.compile(r"^(?:计划|工程|行动|人才|大计|工作室|万户|百业|乡)")
# What a quantity counts (its object) runs from after the measure word to a clause boundary:
_OBJECT_END = set("，,。；;：:！？!?\t\n\r<>|")     # always a boundary (a tab is a column end)
_OBJECT_JOINS = set("、和与及并或")      # end the object when another quantity or a verb follows (A和50个B)
_WORD_DENG = set("中高初平同相对均优超")   # 中等, 高等, 平等 …: 等 inside a word, not the list ender (A、B等)
_OBJECT_VERBS = re.compile(
    r"(?:参与|参加|建设|建成|建立|遴选|培育|打造|推动|推进|支持|开展|完善|加强|提升|提高|形成|实现|带动|组织|认定|创建|"
    r"设立|举办|发布|健全|开发|扩大|深化|鼓励|促进|承担|达到|覆盖|引领|具有|安排|实施|纳入|用于|服务|招聘|进入|获得|"
    r"入选|进行|落实|保持|占|不得|核定|办好)")
_OBJECT_LEAD = re.compile(r"^[ \u3000的]*(?:左[ \u3000]*右|以[ \u3000]*上|以[ \u3000]*下)?[ \u3000的]*")     # 20所左 右省级… (a wrapped 左右)
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
OBJECT_MAX = 40
_ORDINAL_BEFORE = ("第",)
_RATE_BEFORE = ("每",)
_PER_WHOM = ("人", "名", "户")
# 3岁以下婴幼儿, 60周岁以上老年人: an age followed by whom it names (not 79岁以上。 nor 79岁左右)
_AGE_CLASS = re.compile(rf"(?:{NUM}|[{_CN_DIGIT}十]+)[ \u3000]*(?:周岁|岁)[ \u3000]*(?:以下|以上|(?!以|左右|之))"
                        rf"[ \u3000]*[\u4e00-\u9fff]")
_NOT_AFTER_YEAR = re.compile(r"^(?:制|一贯制|级|届)")


def _cn_value(s: str) -> float:
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["两"] = 2
    mags = {"十": 10, "百": 100, "千": 1000, "万": 10000}
    total, cur = 0, 0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch in mags:
            total += (cur or 1) * mags[ch]
            cur = 0
    return float(total + cur)


def _num(s: str) -> float:
    return float(s.replace(",", "").replace("，", ""))


def find_quantities(text: str) -> list[Target]:
    out: list[Target] = []
    for m in QUANTITY_RE.finditer(text):
        core_start = m.end("lead") if m.group("lead") else m.start()
        before = text[core_start - 1] if core_start > 0 else ""
        # part of a name or label: G10, 1+X, V2.0, 第1年
        if before and (before.isascii() and (before.isalnum() or before in "+.-_/")):
            continue
        if before in _ORDINAL_BEFORE:
            continue
        if before in _RATE_BEFORE and not m.group("lead") and (m.group("unit") or m.group("cnunit")) in _PER_WHOM:
            continue          # 每千人口, 每10万人, 每百名学生: the denominator of a rate (每3年 stays: a period)
        if _AGE_CLASS.match(text, m.end("lead") if m.group("lead") else m.start()) and not m.group("lead"):
            continue          # 3岁以下婴幼儿: a class of people, not a target
        trail = m.group("trail") or ""
        after = text[m.end():]
        if m.group("ratio"):
            a, b = re.split(r"[:：∶]", m.group("ratio"))
            value, unit, high = _num(a) / _num(b) if _num(b) else 0.0, "ratio", None
        elif m.group("range"):
            unit = m.group("runit")
            lo, hi = _num(m.group("range")), _num(m.group("high"))
            if unit == "年" and 1900 <= lo <= 2100:
                continue
            value, high = lo, hi
        elif m.group("num"):
            unit = m.group("unit")
            value = _num(m.group("num"))
            mag = m.group("mag")
            if unit == "年" and (1900 <= value <= 2100 and not mag or _NOT_AFTER_YEAR.match(after)):
                continue          # a calendar year; 5年制 is a programme type
            if unit in ("分",) and not trail and not re.match(r"^(以上|钟)", after):
                continue          # 1分 is rarely a target; 60分以上 is
            if unit in ("级", "县", "村", "处", "校", "园", "课") and not trail:
                continue          # 3级 tiers, 1校 names
            if mag:
                value *= {"万": 1e4, "亿": 1e8, "千": 1e3}[mag]
            high = None
        else:
            if _NOT_AFTER_CN.match(after) or (core_start > 0 and text[core_start - 1] in "双一二三四五六七八九"):
                continue
            unit = m.group("cnunit")
            value, high = _cn_value(m.group("cn")), None
        end = m.end()
        if unit.isascii() and unit[-1].isalpha() and not trail and end < len(text) and text[end].isascii() \
                and text[end].isalnum():
            continue          # a Latin unit must end there: 5GB is a quantity, 5GBASE a name
        printed = text[core_start:end]
        qualifier = _qualifier(m.group("lead"), trail, high is not None)
        obj = read_object(text, end)
        out.append(Target(printed, value, unit, qualifier, high, obj, (core_start, end)))
    return out


def read_object(text: str, end: int) -> str | None:
    """The thing a quantity ending at ``end`` counts: 建设1000门省级在线开放课程和50个… → 省级在线开放课程.

    It runs to the first clause boundary: punctuation ending a clause or a column; 、和与及并或 followed by
    another quantity or a verb (the next item or clause); 等 ending a list (not 中等, 高等); a verb with no 的
    after it (A参与B; 具有…的C keeps its relative clause); a short bracket only when the phrase goes on after
    it (高水平专业（群）和5个… → 高水平专业). Spaces between Chinese characters (layout noise) are dropped;
    None if nothing of 2 to OBJECT_MAX characters is there.
    """
    rest = text[end:end + 2 * OBJECT_MAX]
    rest = rest[_OBJECT_LEAD.match(rest).end():]
    hard = next((i for i, ch in enumerate(rest) if ch in _OBJECT_END), len(rest))
    i, cut, bracket = 0, None, None      # bracket: (start, end) of the last bracket kept
    while i < hard and cut is None:
        ch = rest[i]
        if ch in "（(【[":
            close = next((j for j in range(i + 1, min(i + 8, len(rest))) if rest[j] in "）)】]"), None)
            if close is None or close + 1 >= len(rest) or rest[close + 1] in _OBJECT_END \
                    or any(c in "：:，," for c in rest[i:close]):
                cut = i
                break
            bracket, i = (i, close + 1), close + 1
            hard = next((k for k in range(i, len(rest)) if rest[k] in _OBJECT_END), len(rest))
            continue
        # a verb or a quantity further on opens a new clause, unless a 的 after it makes it a modifier
        modifier = "的" in rest[i:hard]
        if ch in "）)】]" or ch == "等" and (i == 0 or rest[i - 1] not in _WORD_DENG):
            cut = i
        elif ch in _OBJECT_JOINS and i > 0:
            after = rest[i + 1:].lstrip()
            if _quantity_at(after, 0) or _OBJECT_VERBS.match(after) and not modifier \
                    or ch == "及" and rest[i - 1] == "以":
                cut = i - 1 if rest[i - 1] == "以" else i
        elif (_OBJECT_VERBS.match(rest, i) or i > 0 and _quantity_at(rest, i)) and not modifier:
            cut = i
        i += 1
    cut = hard if cut is None else cut
    if bracket and cut == bracket[1]:
        cut = bracket[0]         # the bracket ended the phrase: 中职校长（书记）和… → 中职校长
    obj = _CJK_SPACE.sub("", rest[:cut]).strip().rstrip("的")
    return obj if 2 <= len(obj) <= OBJECT_MAX else None


def _quantity_at(text: str, i: int) -> bool:
    m = QUANTITY_RE.match(text, i)
    return bool(m) and (m.group("num") or m.group("range") or m.group("ratio") or m.group("cn")) is not None


def _qualifier(lead: str | None, trail: str, is_range: bool) -> Qualifier:
    if is_range:
        return Qualifier.RANGE
    if trail == "左右" or lead in ("约", "近"):
        return Qualifier.APPROX
    if trail == "以上" or lead in ("不低于", "不少于", "超过", "至少", "逾", "高于", "多于"):
        return Qualifier.AT_LEAST
    if trail in ("以下", "以内", "之内") or lead in ("不超过", "不多于", "不高于", "最多", "低于", "少于"):
        return Qualifier.AT_MOST
    return Qualifier.EXACT
