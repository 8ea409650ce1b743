"""Resolve department mentions to canonical departments, in the context of their document.

``省教育厅`` in a Jiangxi list → 江西省教育厅; ``教育局`` in the Jiangyin list → 江阴市教育局; ``职教处`` in the
Jiangsu education department's list → a division of 江苏省教育厅; ``教务处`` in the Liaoning school's own
columns → a unit of 锦州师范高等专科学校. All four carry function ``education`` or ``institution``, so counts
add up across levels. The rules read the reference data of ``policykg.ontology.reference``; nothing is dropped:
a mention no rule understands comes back as an ``unresolved`` department with its raw text.

A mention is tried, in order, as: a school's own unit (school columns only), a collective (各市, 有关行业部门),
a national body by name, a local body ([place | 省/市/县] [委] CORE), a division of an education department or of
the document's issuer, a named institution, a compound (省教育厅职教处), a bare place name (沈阳市 = its government).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable

from policykg.loaders.records import DocumentMeta, ExtractionResult, ResolvedDepartment
from policykg.ontology import reference as ref
from policykg.ontology.reference import NATIONAL, Counterpart

_LEVEL_ORDER = ("national", "provincial", "municipal", "county", "institution")
_MARKERS = {"自治区": "provincial", "省": "provincial", "市": "municipal", "州": "municipal", "盟": "municipal",
            "县": "county", "区": "county", "旗": "county"}
# level of a place the gazetteer does not know, from its suffix (longest first where they overlap)
_PLACE_SUFFIXES = (("自治区", "provincial"), ("省", "provincial"), ("自治州", "municipal"), ("地区", "municipal"),
                   ("高新区", "county"), ("开发区", "county"), ("经开区", "county"), ("新区", "municipal"),
                   ("盟", "municipal"), ("市", "municipal"), ("自治县", "county"), ("县", "county"), ("区", "county"),
                   ("旗", "county"))
_NATIONAL_PREFIXES = ("中共中央", "党中央", "国务院", "中央", "国家", "全国")
_UNKNOWN_PLACE = re.compile(
    r"^((?![各有相省市县区])[^委政府部厅局办、,()（）]{1,10}?(?:自治区|省|自治州|地区|市|盟|自治县|县|新区|区|旗))$")
_INSTITUTION = re.compile(r"(大学|学院|学校|技校|职校|中学|小学|幼儿园|中专|高专|职专|研究院|研究所|医院)$")
_ENTERPRISE = re.compile(r"(公司|集团|银行|企业)$")
_DIVISION_SUFFIX = re.compile(r"(司|处|室|科|中心|院|所|站|馆|总社|社|办公厅|办公室|办)$")
_ROLE_NOTE = re.compile(r"(?:[（(](?:牵头|配合|负责|参与|牵头单位|配合单位)[)）]|牵头|负责|配合)$")
_AND_OTHERS = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位)$")   # 省教育厅等相关部门: the named one
_ALIAS_NOTE = re.compile(r"^(.+?)[（(]([^（()）]+)[)）]$")          # 省教育厅（省委教育工委）
_CENTRAL_BANK = re.compile(r"^(?:中国)?人民银行(.+?)(?:分行|中心支行|支行|营业管理部)$")
_LEVEL_WORDS = {"省级": "provincial", "地市级": "municipal", "市级": "municipal", "县级": "county"}
_PROVINCE_PLURAL = re.compile(r"^省(?:[(（][^)）]*[)）]|、自治区、直辖市)")
_YOUTH_LEAGUE = re.compile(r"^(?:共青团|团)(.+?)委(?:员会)?$")
_DISCIPLINE = re.compile(r"纪委(?:省|市|县|区)?监委$")
_LEADING_NOISE = re.compile(r"^[^\u4e00-\u9fff《]+")
_PLACEHOLDER_PLACE = re.compile(r"^(某(自治区|省|市|州|县|区|旗))")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "，": ",", "　": ""})


def normalise(mention: str) -> str:
    """The mention without whitespace, a trailing 等 or a role note such as （牵头）."""
    text = re.sub(r"\s+", "", mention or "").strip("。；;，,、")
    text = _AND_OTHERS.sub("", _ROLE_NOTE.sub("", text))
    if text.endswith("等") and len(text) > 2:
        text = text[:-1]
    return _DISCIPLINE.sub("纪委监委", text)


def _fold(text: str) -> str:
    return text.translate(_BRACKETS)


def _rank(level: str | None) -> int:
    """Position of a level from the top (national = 0); an unknown level ranks as unknown (-1)."""
    return _LEVEL_ORDER.index(level) if level in _LEVEL_ORDER else -1


def _below(level: str | None) -> str:
    if level not in _LEVEL_ORDER[:3]:
        return "county"
    return _LEVEL_ORDER[_LEVEL_ORDER.index(level) + 1]


@dataclass(frozen=True)
class Context:
    """What a document tells about its mentions: its level, territorial jurisdiction, school and issuer."""

    level: str | None = None            # a Level value (provincial+institution is read as provincial)
    jurisdiction: str | None = None     # 全国, 江西省, 江阴市
    institution: str | None = None      # the school of a combined list or of a school's own list
    school: bool = False                # the mention comes from the school's own columns
    host: ResolvedDepartment | None = field(default=None, compare=False, hash=False)
    host_key: str | None = None         # host's key, so that contexts with different hosts differ

    def __post_init__(self) -> None:
        if self.level and "+" in self.level:   # provincial+institution: the government part is the context
            object.__setattr__(self, "level", self.level.split("+")[0].strip() or None)

    @property
    def province(self) -> str | None:
        if self.jurisdiction in (None, NATIONAL):
            return None
        j = ref.gazetteer().lookup(self.jurisdiction)
        return j.province if j else None

    def for_school(self) -> "Context":
        return replace(self, school=True)


class Resolver:
    """Reference data indexed for resolution; build once with ``get_resolver()``."""

    def __init__(self) -> None:
        self.national = ref.national_name_index()
        self.cores = ref.core_index()
        # lookups by length, longest first: a mention's end (or start) is cut at each length and looked up in a
        # dict, instead of testing endswith/startswith against thousands of names (same answer: at one length
        # only one name can match)
        self.core_lengths = sorted({len(c) for c in self.cores if c}, reverse=True)
        self.gazetteer = ref.gazetteer()
        self.place_lengths = sorted({len(n) for n in self.gazetteer.by_name if n}, reverse=True)
        self.province_shorts = {j.short: j.name for j in self.gazetteer.provinces if j.short}
        # prefecture short names (武汉海关) where they are unique and not a province's short name
        short_count = Counter(j.short for js in self.gazetteer.by_name.values() for j in js if j.short)
        self.prefecture_shorts = {j.short: j.name for js in self.gazetteer.by_name.values() for j in js
                                  if j.level == "municipal" and j.short and short_count[j.short] == 1
                                  and j.short not in self.province_shorts and len(j.short) >= 2}
        # short names in the order they are tried (province shorts first, then prefectures; first listed wins)
        self.short_tables = [({short: i for i, short in enumerate(table)}, table,
                              sorted({len(short) for short in table}, reverse=True))
                             for table in (self.province_shorts, self.prefecture_shorts)]
        self.national_prefixes = sorted((n for n in self.national if n.startswith(("国家", "中国", "国务院"))),
                                        key=len, reverse=True)
        self.national_prefix_set = set(self.national_prefixes)
        self.national_prefix_lengths = sorted({len(n) for n in self.national_prefixes}, reverse=True)
        self.divisions = ref.education_divisions()
        self.division_names = sorted(self.divisions, key=len, reverse=True)
        self.school = ref.school_units()
        self.quantifiers, self.members = ref.collectives()
        self.member_match = {_fold(m): member for member in self.members for m in member.match}
        self.member_by_name = {member.name: member for member in self.members}
        self._cache: dict[tuple[str, Context], ResolvedDepartment] = {}

    # --- entry points -----------------------------------------------------------------------------------------

    def resolve(self, mention: str, context: Context | None = None) -> ResolvedDepartment:
        context = context or Context()
        cache_key = (mention, context)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._resolve(mention, context)
        return self._cache[cache_key]

    def context_for(self, meta: DocumentMeta, mentions: Iterable[str] = (), text: str = "") -> Context:
        """The resolution context of a document: level, territorial jurisdiction, school and issuing department.

        Where the metadata give no jurisdiction, it is inferred (see ``_infer_place``) from the title or issuer,
        the department mentions and the document's text."""
        level = (meta.level or "").split("+")[0].strip() or None
        jurisdiction, institution = None, meta.institution
        for part in re.split(r"\s*[+＋]\s*", meta.jurisdiction or ""):
            part = part.strip()
            if not part:
                continue
            if part == NATIONAL or self.gazetteer.lookup(part):
                jurisdiction = jurisdiction or part
            elif institution is None:
                institution = part
        if jurisdiction is None and level == "national":
            jurisdiction = NATIONAL
        if jurisdiction is None:
            inferred = self._infer_place(meta, list(mentions), text, level)
            if inferred:
                jurisdiction, level = inferred[0], level or inferred[1]
        if institution is None and "institution" in (meta.level or "") and meta.issuing_body:
            institution = meta.issuing_body
        ctx = Context(level=level, jurisdiction=jurisdiction, institution=institution,
                      school=(level == "institution"))
        host = None
        for source in (meta.issuing_body, meta.title):
            host = self._host_from(source, ctx)
            if host:
                break
        return replace(ctx, host=host, host_key=host.key if host else None)

    def _infer_place(self, meta: DocumentMeta, mentions: list[str], text: str,
                     level: str | None) -> tuple[str, str] | None:
        """(jurisdiction, level) of a document whose metadata name no jurisdiction, in order of evidence:
        the place its issuer or title starts with (江西省工作任务清单, 某县…); a list naming mostly national
        bodies is national; a title starting with 省/市/县 (省教育厅重点任务清单) takes the province or city its
        text names most often; else the province its mentions name most often."""
        heads = [_LEADING_NOISE.sub("", normalise(t or "")) for t in (meta.issuing_body, meta.title)]
        for head in heads:
            name = self._place_prefix(head)
            place = self.gazetteer.lookup(name) if name else None
            if place is not None:
                return place.name, place.level
            placeholder = _PLACEHOLDER_PLACE.match(head)
            if placeholder:
                return placeholder.group(1), _MARKERS[placeholder.group(2)]
        if level in (None, "national") and mentions:
            national = sum(normalise(m) in self.national for m in mentions)
            if national * 2 >= len(mentions):
                return NATIONAL, "national"
        marker = next((_MARKERS[h[0]] for h in heads if h[:1] in ("省", "市", "县")), None)
        wanted = level if level in ("provincial", "municipal") else marker
        if wanted and text:
            counts = self._places_in_text(text, wanted)
            if counts:
                return counts.most_common(1)[0][0], wanted
        provinces = Counter()
        for mention in mentions:
            found = self._place_at_start(normalise(mention))
            if found and found[1] is not None:
                provinces[found[1].province] += 1
        if provinces:
            return provinces.most_common(1)[0][0], "provincial"
        return None

    def _places_in_text(self, text: str, level: str) -> Counter:
        """How often the text names each jurisdiction of ``level`` (full or short name, 江苏省 / 江苏)."""
        counts: Counter = Counter()
        # a name can only occur where its first two characters do: one pass over the text's character pairs
        # saves thousands of full scans of the text
        pairs = {text[i:i + 2] for i in range(len(text) - 1)}

        def occurrences(name: str) -> int:
            return text.count(name) if len(name) < 2 or name[:2] in pairs else 0

        for group in self.gazetteer.by_name.values():
            for j in group:
                if j.level != level or j.type in ("new-area", "corps"):
                    continue
                n = occurrences(j.name)
                if j.short and j.short != j.name and len(j.short) >= 2:
                    n = max(n, occurrences(j.short))
                if n:
                    counts[j.name] += n
        return counts

    def _host_from(self, text: str | None, ctx: Context) -> ResolvedDepartment | None:
        """The department a title or issuer line starts with (省教育厅重点任务清单 → 江苏省教育厅)."""
        text = _LEADING_NOISE.sub("", normalise(text or ""))
        if not text:
            return None
        whole = self._resolve(text, ctx)
        if whole.resolved and whole.kind != "collective":
            return whole
        for end in range(min(len(text), 30), 1, -1):
            found = self._national_body(text[:end], ctx) or self._local(text[:end], ctx)
            if found is not None and found.kind != "collective":
                return replace(found, mention=text[:end])
        return None

    # --- the rules, in order ----------------------------------------------------------------------------------

    def _resolve(self, mention: str, ctx: Context) -> ResolvedDepartment:
        text = normalise(mention)
        if text:
            for rule in (self._school_unit, self._collective, self._national_body, self._local,
                         self._division, self._institution, self._compound, self._alias_note, self._place):
                found = rule(text, ctx)
                if found is not None:
                    return replace(found, mention=mention)
        return ResolvedDepartment(mention=mention, key=f"unresolved/{text or mention}", name=text or mention,
                                  name_en=None, kind="unresolved", level=None, jurisdiction=None, function=None,
                                  resolved=False)

    def _school_unit(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        if not ctx.school or not ctx.institution or self._names_outside_body(text, ctx):
            return None
        school = self._institution_node(ctx.institution, ctx)
        if text in self.school["self"] or text == ctx.institution:
            return school
        if text in self.school["collectives"]:
            return self._collective_node(text, "institution", ctx.jurisdiction, "institution", parent=school,
                                         scope=ctx.institution)
        if text in self.school["units"] or text.endswith(self.school["suffixes"]):
            return ResolvedDepartment(
                mention=text, key=f"{school.key}/{text}", name=f"{ctx.institution}{text}",
                name_en=self.school["units"].get(text), kind="division", level="institution",
                jurisdiction=ctx.jurisdiction, function="institution", parent=school.name, parent_key=school.key)
        return None

    def _names_outside_body(self, text: str, ctx: Context) -> bool:
        """In a school's columns: does the mention name a government body (教育部, 省教育厅) not a school unit?"""
        if text in self.national:
            return True
        parsed = self._split_core(text)
        return parsed is not None and parsed[0] != ""

    def _collective(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        folded = _fold(text)
        quantifier, rest = "", folded
        for q, canonical in self.quantifiers.items():
            if folded.startswith(q):
                quantifier, rest = canonical, folded[len(q):]
                break
        # 各地级以上市人民政府 (Guangdong's usual phrase) = the prefecture-level cities' governments
        member = self.member_match.get(rest) or self.member_match.get(rest.replace("地级以上市", "地级市"))
        if member and (quantifier or member.bare):
            level = {"same": ctx.level or "provincial", "below": _below(ctx.level)}.get(member.level, member.level)
            if member.function == "host":
                host = ctx.host
                name = f"{host.name if host else ''}{quantifier}{member.name}"
                return self._collective_node(name, level, ctx.jurisdiction, host.function if host else None,
                                             parent=host, scope=host.name if host else ctx.jurisdiction)
            return self._collective_node(quantifier + member.name, level, ctx.jurisdiction, member.function,
                                         en=member.en)
        if quantifier and rest:
            # 各市教育局, 各地教育行政部门: members of one line of authority at or below the document's level
            parsed = self._split_core(_PROVINCE_PLURAL.sub("省", rest))
            if parsed and parsed[0] in (*_MARKERS, *_LEVEL_WORDS, "", "地", "地方", "级"):
                prefix, cp = parsed
                level = _MARKERS.get(prefix) or _LEVEL_WORDS.get(prefix) or (
                    _below(ctx.level) if prefix.startswith("地") or quantifier == "各级" else ctx.level)
                return self._collective_node(quantifier + rest, level, ctx.jurisdiction, cp.function,
                                             en=f"{cp.en} (several)")
        return None

    def _national_body(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        body = self.national.get(text) or self.national.get(re.sub(r"^中共", "", text))
        if body is None or (text in self.cores and ctx.level not in ("national", None)):
            return None     # 中华职业教育社 in a provincial list is the provincial branch
        return self._national_node(body)

    def _local(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        bank = _CENTRAL_BANK.match(text)
        if bank and self._place_at_start(bank.group(1)):
            place = self._place_at_start(bank.group(1))
            where = place[1].name if place[1] else place[0]
            return self._counterpart_node(ref.counterparts()["central-bank"],
                                          place[1].level if place[1] else "municipal", where)
        youth = _YOUTH_LEAGUE.match(text)
        if youth and (youth.group(1) in _MARKERS or self._place_at_start(youth.group(1))):
            prefix, cp = youth.group(1), ref.counterparts()["youth-league"]
        else:
            parsed = self._split_core(text)
            if parsed is None and text.endswith("委") and len(text) > 1:    # 省委, 江阴市委: the party committee
                parsed = text[:-1], ref.counterparts()["party-committee"]
            if parsed is None:
                return None
            prefix, cp = parsed
        where = self._read_prefix(prefix, ctx)
        if where is None:
            return None
        level, jurisdiction, collective = where
        if collective or text.endswith(cp.collective_cores):
            return self._collective_node(text if text.endswith(cp.collective_cores) else f"各{text}", level, jurisdiction, cp.function, en=f"{cp.en} (several)")
        return self._counterpart_node(cp, level, jurisdiction)

    def _division(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        host = ctx.host
        div = self.divisions.get(text)
        if div is None:
            return self._placed_division(text, ctx)
        if host and host.function == "education" and host.kind in ("government", "party"):
            parent = host
        elif div.distinctive:
            parent = self._education_authority(ctx)
        else:
            return None
        return self._division_node(div.name, div.en, parent)

    def _placed_division(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """省教育考试院, 南京市教育督导室: a distinctive education division after a place: that place's authority."""
        host = ctx.host
        for name in self.division_names:
            if not text.endswith(name) or text == name:
                continue
            div, prefix = self.divisions[name], text[: -len(name)]
            where = self._read_prefix(prefix, ctx) if div.distinctive else None
            if where and not where[2]:
                parent = self._counterpart_node(ref.counterparts()["education"], where[0], where[1])
                return self._division_node(div.name, div.en, parent)
            break
        if host and host.kind in ("government", "party", "mass-organisation") and _DIVISION_SUFFIX.search(text) \
                and not _INSTITUTION.search(text):
            return self._division_node(text, None, host)
        return None

    def _institution(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        if _INSTITUTION.search(text) and len(text) >= 4:
            return self._institution_node(text, ctx)
        if _ENTERPRISE.search(text) and len(text) >= 4:
            return replace(self._institution_node(text, ctx), function="enterprises")
        return None

    def _compound(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """省教育厅职教处, 江苏省教育厅考试院: a department followed by one of its divisions."""
        for end in range(len(text) - 2, 1, -1):
            head, tail = text[:end], text[end:]
            if tail not in self.divisions and not _DIVISION_SUFFIX.search(tail):
                continue
            parent = self._resolve(head, replace(ctx, school=False))
            if parent.resolved and parent.kind in ("government", "party", "mass-organisation", "institution"):
                div = self.divisions.get(tail) if parent.function == "education" else None
                return self._division_node(div.name if div else tail, div.en if div else None, parent)
        return None

    def _alias_note(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """省教育厅（省委教育工委）: a body with a bracketed second name resolves as the first."""
        found = _ALIAS_NOTE.match(text)
        if found:
            first = self._resolve(found.group(1), ctx)
            if first.resolved:
                return first
        return None

    def _place(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """A bare place name in a department column stands for its people's government (沈阳市)."""
        place = self.gazetteer.lookup(text, ctx.province)
        if place is None and (text in self.province_shorts or text in self.prefecture_shorts):
            place = self.gazetteer.lookup(self.province_shorts.get(text) or self.prefecture_shorts[text])
        if place is None:
            return None
        level = ctx.level if text == ctx.jurisdiction and ctx.level else place.level
        return self._counterpart_node(ref.counterparts()["government"], level, place.name)

    # --- reading a mention ------------------------------------------------------------------------------------

    def _split_core(self, text: str) -> tuple[str, Counterpart] | None:
        """(prefix, counterpart) for the longest core the mention ends with: 省委宣传部 → ("省", publicity)."""
        n = len(text)
        for length in self.core_lengths:
            if length <= n:
                cp = self.cores.get(text[n - length:])
                if cp is not None:
                    return text[: n - length], cp
        return None

    def _place_prefix(self, text: str) -> str | None:
        """The longest gazetteer name the text starts with."""
        by_name = self.gazetteer.by_name
        for length in self.place_lengths:
            if length <= len(text) and text[:length] in by_name:
                return text[:length]
        return None

    def _place_at_start(self, text: str) -> tuple[str, ref.Jurisdiction | None] | None:
        name = self._place_prefix(text)
        if name is not None:
            return name, self.gazetteer.lookup(name)
        found = _UNKNOWN_PLACE.match(re.sub(r"(委|人民政府|政府)$", "", text))
        if found:
            return found.group(1), None
        for order, shorts, lengths in self.short_tables:
            found = [text[:k] for k in lengths if k <= len(text) and text[:k] in shorts
                     and not text.startswith(text[:k] + "市")]
            if found:
                short = min(found, key=order.__getitem__)
                return short, self.gazetteer.lookup(shorts[short])
        return None

    def _read_prefix(self, prefix: str, ctx: Context) -> tuple[str | None, str | None, bool] | None:
        """(level, jurisdiction, is_collective) for what stands before the core, or None if it is not a place."""
        p = _PROVINCE_PLURAL.sub("省", prefix)
        if p.startswith("中共"):
            p = p[2:]
        parent = next((p[:k] for k in self.national_prefix_lengths if k < len(p) and p[:k] in self.national_prefix_set),
                      None)
        if parent:      # 国家税务总局湖北省税务局: a vertically managed body's local office
            p = p[len(parent):]
        if p in _LEVEL_WORDS:
            level = _LEVEL_WORDS[p]
            return level, ctx.jurisdiction, _rank(level) > _rank(ctx.level or "provincial")
        for national in _NATIONAL_PREFIXES:
            if p.startswith(national) and p[len(national):] in ("", "委"):
                return "national", NATIONAL, False
        level = jurisdiction = None
        collective = False
        if p[:3] == "自治区" or (p[:1] in _MARKERS and not self._place_at_start(p)):
            marker = "自治区" if p[:3] == "自治区" else p[:1]
            level, jurisdiction, collective = self._read_marker(marker, ctx)
            p = p[len(marker):]
        elif p in ("地", "地委", "地区", "地区委", "地区党委"):
            # 地委组织部, 地区教育局: the organs of a prefecture-level 地区 (the document's, or its county's)
            level, jurisdiction, p = "municipal", self._prefecture_area(ctx), p[2:] if p.startswith("地区") else p[1:]
        elif p:
            found = self._place_at_start(p)
            if found is None:
                return None
            name, place = found
            full = place.name if place else name
            if full == ctx.jurisdiction:
                level, jurisdiction = ctx.level, full
            elif place is not None:
                level, jurisdiction = place.level, place.name
            else:   # a place the gazetteer does not know: its level from its suffix
                level = next((lvl for suf, lvl in _PLACE_SUFFIXES if name.endswith(suf)), "county")
                jurisdiction = name
            p = p[len(name):]
        else:
            level, jurisdiction = ctx.level, ctx.jurisdiction
        if p not in ("", "委", "党委", "党", "人民政府", "政府", "委员会"):     # 自治区党委组织部
            return None
        return level, jurisdiction, collective

    def _prefecture_area(self, ctx: Context) -> str | None:
        """The 地区 a document belongs to: its own jurisdiction, or the prefecture of its county."""
        jur = ctx.jurisdiction or ""
        if jur.endswith("地区"):
            return jur
        place = self.gazetteer.lookup(jur, ctx.province) if jur else None
        return place.prefecture if place and place.prefecture.endswith("地区") else None

    def _read_marker(self, marker: str, ctx: Context) -> tuple[str, str | None, bool]:
        """省 / 市 / 县 … read against the document: its own jurisdiction, an ancestor, or several below it."""
        level = _MARKERS[marker]
        jur = ctx.jurisdiction
        if ctx.level is None:       # nothing known about the document: the marker names one body of that level
            return level, jur, False
        if jur and jur != NATIONAL and jur.endswith(marker):
            return ctx.level or level, jur, False
        if level == "provincial":
            if ctx.level in ("provincial", None) and jur != NATIONAL:
                return "provincial", jur, False
            if ctx.province:
                return "provincial", ctx.province, False
            return "provincial", jur, True
        if level == "municipal" and ctx.level == "county" and jur:
            place = self.gazetteer.lookup(jur, ctx.province)
            if place and place.prefecture:
                return "municipal", place.prefecture, False
        if _rank(ctx.level) >= _rank(level):
            return level, jur, False
        return level, jur, True

    # --- building the resolved departments ------------------------------------------------------------------

    def _national_node(self, body: ref.NationalBody) -> ResolvedDepartment:
        parent = ref.national_bodies().get(body.parent) if body.parent else None
        return ResolvedDepartment(mention="", key=body.key, name=body.name, name_en=body.en, kind=body.kind,
                                  level="national", jurisdiction=NATIONAL, function=body.function,
                                  parent=parent.name if parent else None, parent_key=parent.key if parent else None)

    def _counterpart_node(self, cp: Counterpart, level: str | None, jurisdiction: str | None) -> ResolvedDepartment:
        if level == "national":
            if cp.national:
                return self._national_node(cp.national)
            return ResolvedDepartment(mention="", key=f"national/{cp.id}", name=cp.name_for("provincial", "中央"),
                                      name_en=cp.en, kind=cp.kind, level="national", jurisdiction=NATIONAL,
                                      function=cp.function)
        where = jurisdiction or "未知"
        # a jurisdiction nobody stated: name the body by its level alone (市教育局), keep "未知" in the key
        named = jurisdiction or {"provincial": "省", "municipal": "市", "county": "县"}.get(level or "", "")
        return ResolvedDepartment(
            mention="", key=f"{level}/{where}/{cp.id}", name=cp.name_for(level or "provincial", named),
            name_en=f"{cp.en}, {self._english_place(jurisdiction) or where}", kind=cp.kind, level=level, jurisdiction=jurisdiction, function=cp.function)

    def _english_place(self, name: str | None) -> str | None:
        place = self.gazetteer.lookup(name) if name else None
        return place.name_en if place and place.name_en else None

    def _education_authority(self, ctx: Context) -> ResolvedDepartment:
        return self._counterpart_node(ref.counterparts()["education"], ctx.level, ctx.jurisdiction)

    def _division_node(self, name: str, en: str | None, parent: ResolvedDepartment) -> ResolvedDepartment:
        return ResolvedDepartment(
            mention="", key=f"{parent.key}/{name}", name=f"{parent.name}{name}",
            name_en=f"{en}, {parent.name_en or parent.name}" if en else None, kind="division", level=parent.level,
            jurisdiction=parent.jurisdiction, function=parent.function, parent=parent.name, parent_key=parent.key)

    def _institution_node(self, name: str, ctx: Context) -> ResolvedDepartment:
        return ResolvedDepartment(mention="", key=f"institution/{name}", name=name, name_en=None, kind="institution",
                                  level="institution", jurisdiction=ctx.jurisdiction, function="institution")

    def _collective_node(self, name: str, level: str | None, jurisdiction: str | None, function: str | None, *,
                         parent: ResolvedDepartment | None = None, scope: str | None = None,
                         en: str | None = None) -> ResolvedDepartment:
        scope = scope or jurisdiction or "未知"
        return ResolvedDepartment(
            mention="", key=f"collective/{scope}/{name}", name=name, name_en=f"{en} ({scope})" if en else None,
            kind="collective", level=level, jurisdiction=jurisdiction, function=function,
            parent=parent.name if parent else None, parent_key=parent.key if parent else None, scope=scope)


def expand_collective(collective: ResolvedDepartment) -> list[ResolvedDepartment]:
    """The member departments a collective stands for, where the reference data can list them:
    各市 in a Liaoning list → the 14 municipal governments of 辽宁省; 各市教育局 → their education bureaus.
    Collectives of unnamed departments (有关部门, 行业主管部门) and of schools cannot be listed: []."""
    if collective.kind != "collective" or not collective.jurisdiction:
        return []
    resolver = get_resolver()
    cp = ref.counterparts().get(collective.function or "")
    if cp is None:
        return []
    levels = [collective.level]
    member = resolver.member_by_name.get(re.sub(r"^(各级|各|相关|其他)", "", collective.name))
    if member is not None:
        levels += list(member.also)
    places = [j for level in levels for j in resolver.gazetteer.members(collective.jurisdiction, level)]
    return [replace(resolver._counterpart_node(cp, j.level, j.name), mention=collective.mention) for j in places]


@lru_cache(maxsize=1)
def get_resolver() -> Resolver:
    """The one resolver of the process (reference data are read once)."""
    return Resolver()


def resolve_result(result: ExtractionResult) -> None:
    """Fill ``task.resolved`` (same order as ``task.departments``) and the school units' ``resolved_units``."""
    resolver = get_resolver()
    ctx = resolver.context_for(result.meta, [m for task in result.tasks for m in task.departments], result.text)
    school_ctx = ctx.for_school()
    for task in result.tasks:
        task.resolved = [resolver.resolve(m, ctx) for m in task.departments]
        if task.school_measures is not None:
            task.school_measures.resolved_units = [resolver.resolve(u, school_ctx)
                                                   for u in task.school_measures.units]


def coverage(departments: list[ResolvedDepartment]) -> float:
    """Share of mentions that resolved (1.0 for no mentions)."""
    return sum(d.resolved for d in departments) / len(departments) if departments else 1.0
