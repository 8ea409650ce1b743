"""Resolve department mentions to canonical departments, in the context of their document.

``省教育厅`` in a Jiangxi list → 江西省教育厅; ``教育局`` in the Jiangyin list → 江阴市教育局; ``职教处`` in the
Jiangsu education department's list → a division of 江苏省教育厅; ``教务处`` in the Liaoning school's own
columns → a unit of 锦州师范高等专科学校; ``市文广局`` in a Putian list → 莆田市's culture bureau. All carry a
function (``education``, ``culture-tourism`` …), so counts add up across levels. Names are read the way Chinese
bodies are named (``naming``: place + function words + suffix; ``places``: the place), from the reference data of
``policykg.ontology.reference``; nothing is dropped: a mention no rule understands comes back as an
``unresolved`` department with its raw text.

A mention is tried, in order, as: a school's own unit (school columns only), a collective (各市, 各区、县（市）政府,
有关行业部门), a national body by name, a local body ([place | 省/市/县] function words + suffix), a division of an
education department, a body named by function words alone (公积金管理中心, 文广局: the document's), a division
of the document's issuer, a named institution, a compound (省教育厅职教处), a name with a note in brackets, a bare
place name (沈阳市 = its government). The document's own context (level, jurisdiction, issuer) comes from
``document_context``.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from policykg.core.records import ExtractionResult, ResolvedDepartment
from policykg.ontology import reference as ref
from policykg.ontology.document_context import Context, context_for, place_from_departments
from policykg.ontology.naming import Reading, fold, get_function_words, kinds_levels, normalise, read_kinds
from policykg.ontology.places import get_places, unknown_place_level
from policykg.ontology.reference import NATIONAL, Counterpart

LEVEL_ORDER = ("national", "provincial", "municipal", "county", "institution")
MARKERS = {"自治区": "provincial", "省": "provincial", "市": "municipal", "州": "municipal", "盟": "municipal",
           "县": "county", "区": "county", "旗": "county"}
_NATIONAL_PREFIXES = ("中共中央", "党中央", "国务院", "中央", "国家", "全国")
_INSTITUTION = re.compile(r"(大学|学院|学校|院校|高校|技校|职校|中学|小学|初中|高中|幼儿园|中专|高专|职专|研究院|研究所|医院"
                          r"|保健院|卫生院)$")
_ENTERPRISE = re.compile(r"(公司|集团|银行|企业)$")
_DIVISION_SUFFIX = re.compile(r"(司|处|室|科|股|中心|院|所|站|馆|总社|社|办公厅|办公室|办|窗口|营业管理部|支队|大队|中队"
                              r"|稽查局|分局)$")
_ALIAS_NOTE = re.compile(r"^(.+?)[（(]([^（()）]+)[)）]$")          # 省教育厅（省委教育工委）
_INNER_NOTE = re.compile(r"^(.+?)[（(]([^（()）]+)[)）](.+)$")     # 宿州经开区（鞋城）管委会
_CENTRAL_BANK = re.compile(r"^(?:中国人民银行|人民银行|人行)(.+?)(?:分行|中心支行|支行|营业管理部)$")
_LEVEL_WORDS = {"省级": "provincial", "地市级": "municipal", "市级": "municipal", "县级": "county"}
_PROVINCE_PLURAL = re.compile(r"^省(?:[(（][^)）]*[)）]|、自治区、直辖市)")
_YOUTH_LEAGUE = re.compile(r"^(?:共青团|团)(.+?)委(?:员会)?$")
_GOVERNMENT_REST = ("", "人民政府", "政府", "党委和政府", "党委、政府", "党委政府")
_RELEVANT_REST = ("有关部门", "相关部门", "部门", "有关单位", "相关单位")
# the level a kind of jurisdiction stands for in a department's level (乡镇 are recorded at county level)
_LEVEL = {"provincial": "provincial", "municipal": "municipal", "county": "county", "township": "county",
          "zone": "county"}


def rank(level: str | None) -> int:
    """Position of a level from the top (national = 0); an unknown level ranks as unknown (-1)."""
    return LEVEL_ORDER.index(level) if level in LEVEL_ORDER else -1


def _below(level: str | None) -> str:
    if level not in LEVEL_ORDER[:3]:
        return "county"
    return LEVEL_ORDER[LEVEL_ORDER.index(level) + 1]


class Resolver:
    """Reference data indexed for resolution; build once with ``get_resolver()``."""

    def __init__(self) -> None:
        self.national = ref.national_name_index()
        self.places = get_places()
        self.words = get_function_words()
        # a national body's name before a place: its office there (国家税务总局湖北省税务局, 银保监会宿州监管分局)
        self.national_prefix_set = {n for n in self.national if len(n) >= 3}
        self.national_prefix_lengths = sorted({len(n) for n in self.national_prefix_set}, reverse=True)
        # the local office a national body names after itself (中国证监会{j}监管局: 证监会's office in a province)
        self.offices = {self.national[lead].id: cp for cp in ref.counterparts().values()
                        if (lead := cp.name_for("provincial", "{j}").split("{j}")[0]) in self.national}
        self.divisions = ref.education_divisions()
        self.division_names = sorted(self.divisions, key=len, reverse=True)
        self.school = ref.school_units()
        self.quantifiers, self.members = ref.collectives()
        self.member_match = {fold(m): member for member in self.members for m in member.match}
        self.member_by_name = {member.name: member for member in self.members}
        self.member_by_id = {member.id: member for member in self.members}
        self.kind_governments = ref.kind_collectives()
        self._cache: dict[tuple[str, Context], ResolvedDepartment] = {}

    def resolve(self, mention: str, context: Context | None = None) -> ResolvedDepartment:
        context = context or Context()
        cache_key = (mention, context)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._resolve(mention, context)
        return self._cache[cache_key]

    def resolve_list(self, mentions: list[str], ctx: Context) -> list[ResolvedDepartment]:
        """The mentions of one annotation in order: a unit named after a body is that body's, not the issuer's
        (责任单位及承办科室：市自然资源局，…建筑规划科 → a unit of the natural resources bureau)."""
        out: list[ResolvedDepartment] = []
        owner = None
        for mention in mentions:
            found = self.resolve(mention, ctx)
            if owner is not None and found.kind == "division" and found.parent_key == ctx.host_key:
                found = self.resolve(mention, replace(ctx, host=owner, host_key=owner.key))
            if found.kind in ("government", "party", "mass-organisation"):
                owner = found
            elif found.kind == "division" and found.parent_key and found.parent_key != ctx.host_key:
                owner = self._owner(found)
            out.append(found)
        return out

    def _owner(self, division: ResolvedDepartment) -> ResolvedDepartment | None:
        """The body a division belongs to, as a department (the parent a division names)."""
        return ResolvedDepartment(mention="", key=division.parent_key, name=division.parent or "", name_en=None,
                                  kind="government", level=division.level, jurisdiction=division.jurisdiction,
                                  function=division.function)

    def context_for(self, meta, mentions=(), text: str = "") -> Context:
        """The resolution context of a document (``document_context.context_for``)."""
        return context_for(self, meta, mentions, text)

    # --- the rules, in order ----------------------------------------------------------------------------------

    def _resolve(self, mention: str, ctx: Context) -> ResolvedDepartment:
        text = normalise(mention)
        if text:
            for rule in (self._school_unit, self._collective, self._national_body, self._local, self._division,
                         self._unplaced_body, self._institution, self._compound, self._host_division,
                         self._noted, self._place):
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
        """In a school's columns: does the mention name a government body (教育部, 省教育厅) not a school unit, or
        start with one (省教育厅职教处: a division of that body)? A body's words name a government body only after
        a place or level marker: after the school (校团委) or another unit (党委办公室) they are the school's."""
        for end in range(len(text), 1, -1):
            head = text[:end]
            parsed = self.words.exact(head)
            if head in self.national or (parsed is not None and parsed[0] != ""
                                         and self._read_prefix(parsed[0], ctx) is not None):
                return True
        return False

    def _collective(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        folded = fold(text)
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
        found = self._kinds_collective(quantifier, rest, ctx)
        if found is not None:
            return found
        if quantifier and rest and _INSTITUTION.search(rest):       # 各高等院校, 各大中专院校, 公办初中
            return self._collective_node(quantifier + rest, "institution", ctx.jurisdiction, "institution")
        if quantifier and rest:
            # 各地教育行政部门, 各级教育部门: members of one line of authority at or below the document's level
            for reading in self.words.readings(_PROVINCE_PLURAL.sub("省", rest)):
                if reading.prefix in ("", "地", "地方", "级"):
                    level = _below(ctx.level) if reading.prefix.startswith("地") or quantifier == "各级" \
                        else ctx.level
                    return self._line_node(quantifier + rest, level, ctx.jurisdiction, reading.body)
        return None

    def _kinds_collective(self, quantifier: str, rest: str, ctx: Context) -> ResolvedDepartment | None:
        """各区、县（市）政府, 县〔市、区、特区〕人民政府, 各区市场监管部门: kinds of jurisdiction and what they hold."""
        for kinds in read_kinds(rest):
            levels = kinds_levels(kinds.kinds)
            several = len(kinds.kinds) > 1 or "(" in kinds.printed
            # townships are below every document (no document is a township's, though they are recorded at county level)
            below = rank(_LEVEL.get(levels[0])) > rank(ctx.level or "national") or levels[0] == "township"
            zones = levels == ("zone",) and kinds.rest == "管委会"      # 开发区管委会: the city's zones
            if not (quantifier or several or zones or (below and kinds.rest in _GOVERNMENT_REST[1:])):
                continue
            q = quantifier or "各"
            top = _LEVEL[min(levels, key=lambda lvl: rank(_LEVEL[lvl]))]
            if kinds.rest in _GOVERNMENT_REST or (kinds.rest == "管委会" and "zone" in levels):
                member = self.member_by_id[self.kind_governments.get(tuple(sorted(levels)), "local-governments")]
                level = member.level if member.level in LEVEL_ORDER else top
                return self._collective_node(q + member.name, level, ctx.jurisdiction, member.function,
                                             en=member.en)
            if kinds.rest in _RELEVANT_REST:
                return self._collective_node(q + kinds.printed + "有关部门", top, ctx.jurisdiction,
                                             "relevant-departments", en="relevant departments")
            reading = next((r for r in self.words.readings(kinds.rest) if not r.prefix), None)
            if reading is not None:
                return self._line_node(q + kinds.printed + kinds.rest, top, ctx.jurisdiction, reading.body)
        return None

    def _national_body(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        body = self.national.get(text) or self.national.get(re.sub(r"^中共", "", text))
        if body is None or (text in self.words.cores and ctx.level not in ("national", None)):
            return None     # 中华职业教育社 in a provincial list is the provincial branch
        return self._national_node(body)

    def _local(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """A local body: [place | level marker] + core or function words (+ suffix); a place's central bank
        branch (人行泸州市分行), youth league (团市委) or party committee (江阴市委)."""
        bank = _CENTRAL_BANK.match(text)
        found = self.places.at_start(bank.group(1), ctx.jurisdiction) if bank else None
        if found and found[0] == bank.group(1):
            name, place = found
            return self._counterpart_node(ref.counterparts()["central-bank"],
                                          place.level if place else unknown_place_level(name),
                                          place.name if place else name)
        youth = _YOUTH_LEAGUE.match(text)
        if youth and self._read_prefix(youth.group(1), ctx) is not None:
            return self._read_body(Reading(youth.group(1), ref.counterparts()["youth-league"], "body"), text, ctx)
        for reading in self.words.readings(text):
            if reading.prefix or reading.exact:
                found = self._read_body(reading, text, ctx)
                if found is not None:
                    return found
        if text.endswith("委") and len(text) > 1:    # 省委, 江阴市委: the party committee
            return self._read_body(Reading(text[:-1], ref.counterparts()["party-committee"], "body"), text, ctx)
        return None

    def _unplaced_body(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """公积金管理中心, 文广局, 教育: a body named by its function words alone is the document's (so without a
        document, no place and no such body)."""
        if ctx.level is None:
            return None
        for reading in self.words.readings(text):
            if not reading.prefix:
                return self._read_body(reading, text, ctx)
        return None

    def _read_body(self, reading: Reading, text: str, ctx: Context) -> ResolvedDepartment | None:
        where = self._read_prefix(reading.prefix, ctx)
        if where is None:
            return None
        level, jurisdiction, collective = where
        if reading.kind in ("line", "bare"):
            return self._line_node(text + ("部门" if reading.kind == "bare" else ""), level, jurisdiction,
                                   reading.body)
        if collective:
            return self._line_node(f"各{text}", level, jurisdiction, reading.body)
        if reading.body.function == "enterprises":      # 东莞供电局: a company's local bureau
            return replace(self._institution_node(text, replace(ctx, jurisdiction=jurisdiction)),
                           function="enterprises")
        parent = self._national_parent(reading.prefix)     # 证监会江苏监管局: 证监会's office, whatever its core
        return self._counterpart_node(self.offices.get(self.national[parent].id, reading.body) if parent
                                      else reading.body, level, jurisdiction)

    def _division(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """职教处, 省教育考试院: a division of an education department (divisions.yaml)."""
        host = ctx.host
        div = self.divisions.get(text)
        if div is None:
            return self._placed_division(text, ctx)
        if host and host.function == "education" and host.kind in ("government", "party"):
            parent = host
        elif div.distinctive:
            parent = self._counterpart_node(ref.counterparts()["education"], ctx.level, ctx.jurisdiction)
        else:
            return None
        return self._division_node(div.name, div.en, parent)

    def _placed_division(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """省教育考试院, 南京市教育督导室: a distinctive education division after a place: that place's authority."""
        name = next((n for n in self.division_names if text.endswith(n) and text != n), None)
        if name is None or not self.divisions[name].distinctive:
            return None
        div = self.divisions[name]
        where = self._read_prefix(text[: -len(name)], ctx)
        if where and not where[2]:
            parent = self._counterpart_node(ref.counterparts()["education"], where[0], where[1])
            return self._division_node(div.name, div.en, parent)
        return None

    def _host_division(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """租赁处 in the list of a 房管中心: a unit of the document's issuing body."""
        host = ctx.host
        if host and host.kind in ("government", "party", "mass-organisation") and _DIVISION_SUFFIX.search(text) \
                and not _INSTITUTION.search(text) and not self._names_place(text, ctx):
            return self._division_node(text, None, host)     # never 市X办 or 宿州X中心: those name their place
        return None

    def _names_place(self, text: str, ctx: Context) -> bool:
        """Does the name start with a place or a level marker (市X办, 宿州X中心), not a word (市场处)?"""
        if text[:1] in MARKERS and text[:2] not in self.words.word_starts:
            return True
        return self.places.at_start(text, ctx.jurisdiction) is not None

    def _institution(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        if _INSTITUTION.search(text) and len(text) >= 4:
            return self._institution_node(text, ctx)
        if _ENTERPRISE.search(text) and len(text) >= 4:
            return replace(self._institution_node(text, ctx), function="enterprises")
        return None

    def _compound(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """省教育厅职教处, 江苏省教育厅考试院, 人防窗口: a department followed by one of its divisions."""
        for end in range(len(text) - 2, 1, -1):
            head, tail = text[:end], text[end:]
            if tail not in self.divisions and not _DIVISION_SUFFIX.search(tail):
                continue
            parent = self._resolve(head, replace(ctx, school=False))
            if parent.kind == "collective":     # 人防 + 窗口: a bare function word is the document's body
                reading = next((r for r in self.words.readings(head) if r.kind == "bare" and not r.prefix), None)
                parent = self._counterpart_node(reading.body, ctx.level, ctx.jurisdiction) if reading else parent
            if parent.resolved and parent.kind in ("government", "party", "mass-organisation", "institution"):
                div = self.divisions.get(tail) if parent.function == "education" else None
                return self._division_node(div.name if div else tail, div.en if div else None, parent)
        return None

    def _noted(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """省教育厅（省委教育工委）, 宿州经开区（鞋城）管委会: a body with a second name in brackets."""
        found = _ALIAS_NOTE.match(text)
        if found:
            first = self._resolve(found.group(1), ctx)
            if first.resolved:
                return first
        inner = _INNER_NOTE.match(text)
        if inner:
            plain = self._resolve(inner.group(1) + inner.group(3), ctx)
            if plain.resolved:
                return plain
        return None

    def _place(self, text: str, ctx: Context) -> ResolvedDepartment | None:
        """A bare place name in a department column stands for its people's government (沈阳市)."""
        place = self.places.lookup(text, ctx.province) or self.places.by_short(text)
        if place is None:
            return None
        level = ctx.level if place.name == ctx.jurisdiction and ctx.level else place.level
        return self._counterpart_node(ref.counterparts()["government"], level, place.name)

    # --- reading what stands before the body ------------------------------------------------------------------

    def _read_prefix(self, prefix: str, ctx: Context) -> tuple[str | None, str | None, bool] | None:
        """(level, jurisdiction, is_collective) for what stands before the core, or None if it is not a place."""
        p = _PROVINCE_PLURAL.sub("省", prefix)
        if p.startswith("中共"):
            p = p[2:]
        parent = self._national_parent(p)
        if parent:      # 国家税务总局湖北省税务局: a vertically managed body's local office
            p = p[len(parent):]
        if p in _LEVEL_WORDS:
            level = _LEVEL_WORDS[p]
            return level, ctx.jurisdiction, rank(level) > rank(ctx.level or "provincial")
        for national in _NATIONAL_PREFIXES:
            if p.startswith(national) and p[len(national):] in ("", "委"):
                return "national", NATIONAL, False
        level = jurisdiction = None
        collective = False
        if p[:3] == "自治区" or (p[:1] in MARKERS and not self.places.at_start(p, ctx.jurisdiction)):
            marker = "自治区" if p[:3] == "自治区" else p[:1]
            level, jurisdiction, collective = self._read_marker(marker, ctx)
            p = p[len(marker):]
        elif p in ("地", "地委", "地区", "地区委", "地区党委"):
            # 地委组织部, 地区教育局: the organs of a prefecture-level 地区 (the document's, or its county's)
            level, jurisdiction, p = "municipal", self._prefecture_area(ctx), p[2:] if p.startswith("地区") else p[1:]
        elif p in ref.single_zones():                       # 高新区管委会: the document's city's zone
            level, jurisdiction = ctx.level, ctx.jurisdiction
        elif p:
            found = self.places.at_start(p, ctx.jurisdiction)
            if found is None:
                return None
            name, place = found
            full = place.name if place else name
            if full == ctx.jurisdiction:
                level, jurisdiction = ctx.level, full
            elif place is not None:
                level, jurisdiction = place.level, place.name
            else:   # a place the gazetteer does not know: its level from its suffix
                level, jurisdiction = unknown_place_level(name), name
            p = p[len(name):]
        else:
            level, jurisdiction = ctx.level, ctx.jurisdiction
        if p in ref.single_zones() and jurisdiction and level in ("municipal", "county"):
            place = self.places.lookup(jurisdiction)        # 市高新区管委会 in Suzhou's list: 宿州高新区
            return "county", f"{place.short if place and place.short else jurisdiction}{p}", False
        if p not in ("", "委", "党委", "党", "人民政府", "政府", "委员会"):     # 自治区党委组织部
            return None
        return level, jurisdiction, collective

    def _national_parent(self, prefix: str) -> str | None:
        """The national body named before a place (国家税务总局湖北省 → 国家税务总局), if any."""
        return next((prefix[:k] for k in self.national_prefix_lengths
                     if k < len(prefix) and prefix[:k] in self.national_prefix_set), None)

    def _prefecture_area(self, ctx: Context) -> str | None:
        """The 地区 a document belongs to: its own jurisdiction, or the prefecture of its county."""
        jur = ctx.jurisdiction or ""
        if jur.endswith("地区"):
            return jur
        place = self.places.lookup(jur, ctx.province) if jur else None
        return place.prefecture if place and place.prefecture.endswith("地区") else None

    def _read_marker(self, marker: str, ctx: Context) -> tuple[str, str | None, bool]:
        """省 / 市 / 县 … read against the document: its own jurisdiction, an ancestor, or several below it."""
        level = MARKERS[marker]
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
            place = self.places.lookup(jur, ctx.province)
            if place and place.prefecture:
                return "municipal", place.prefecture, False
        if rank(ctx.level) >= rank(level):
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
        place = self.places.lookup(jurisdiction)
        return ResolvedDepartment(
            mention="", key=f"{level}/{where}/{cp.id}", name=cp.name_for(level or "provincial", named),
            name_en=f"{cp.en}, {place.name_en if place and place.name_en else where}", kind=cp.kind, level=level,
            jurisdiction=jurisdiction, function=cp.function)

    def _line_node(self, name: str, level: str | None, jurisdiction: str | None,
                   cp: Counterpart) -> ResolvedDepartment:
        """Several bodies of one line of authority (各市教育局, 城市管理部门)."""
        return self._collective_node(name, level, jurisdiction, cp.function, en=f"{cp.en} (several)")

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
    places = [j for level in levels for j in resolver.places.gazetteer.members(collective.jurisdiction, level)]
    return [replace(resolver._counterpart_node(cp, j.level, j.name), mention=collective.mention) for j in places]


@lru_cache(maxsize=1)
def get_resolver() -> Resolver:
    """The one resolver of the process (reference data are read once)."""
    return Resolver()


def resolve_result(result: ExtractionResult) -> None:
    """Fill ``task.resolved`` (same order as ``task.departments``) and the school units' ``resolved_units``;
    a document whose metadata name no level or jurisdiction gets them from its departments and text
    (``meta.level_source`` / ``meta.jurisdiction_source`` say so)."""
    resolver = get_resolver()
    mentions = [m for task in result.tasks for m in task.departments]
    place_from_departments(resolver, result.meta, mentions, result.text)
    ctx = resolver.context_for(result.meta, mentions, result.text)
    school_ctx = ctx.for_school()
    for task in result.tasks:
        task.resolved = resolver.resolve_list(task.departments, ctx)
        if task.school_measures is not None:
            task.school_measures.resolved_units = [resolver.resolve(u, school_ctx)
                                                   for u in task.school_measures.units]


def coverage(departments: list[ResolvedDepartment]) -> float:
    """Share of mentions that resolved (1.0 for no mentions)."""
    return sum(d.resolved for d in departments) / len(departments) if departments else 1.0
