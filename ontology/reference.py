"""Reference data for department resolution, loaded once from the data files in ``ontology/data``.

Used by the resolver, by the graph builder (Function and Jurisdiction nodes) and by the synthetic corpus
generator. Everything here is read-only; the loaders raise ``ReferenceDataError`` naming the file and entry
when the data are inconsistent (an unknown function code, a core claimed by two bodies, ...).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

DATA_PACKAGE = "policykg.ontology"
LEVELS = ("national", "provincial", "municipal", "county", "institution")
NATIONAL = "全国"
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_LINE_SUFFIXES = ("部门", "行政部门", "主管部门")   # 教育部门, 教育行政部门: the line of authority as a whole


class ReferenceDataError(ValueError):
    pass


def _read(name: str) -> str:
    return resources.files(DATA_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")


def _yaml(name: str):
    try:
        # the C parser where PyYAML has it (same documents, several times faster than the pure-Python one)
        return yaml.load(_read(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"ontology/data/{name}: not valid YAML: {exc}") from exc


# --- functions -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Function:
    code: str
    zh: str
    en: str


@lru_cache(maxsize=None)
def functions() -> dict[str, Function]:
    """Function code → labels, in presentation order."""
    out: dict[str, Function] = {}
    for entry in _yaml("functions.yaml"):
        if entry["code"] in out:
            raise ReferenceDataError(f"ontology/data/functions.yaml: code {entry['code']!r} declared twice")
        out[entry["code"]] = Function(entry["code"], entry["zh"], entry["en"])
    return out


def _unique_index(pairs, where: str, what: str) -> dict:
    """name → owner from (name, owner) pairs; a name claimed by two different owners is a data error."""
    index: dict = {}
    for name, owner in pairs:
        if name in index and index[name] is not owner and index[name] != owner:
            first, second = (getattr(o, "id", getattr(o, "name", o)) for o in (index[name], owner))
            raise ReferenceDataError(f"{where}: {what} {name!r} claimed twice ({first} and {second})")
        index[name] = owner
    return index


def _check_function(code: str, where: str) -> str:
    if code not in functions() and code not in ("host",):
        raise ReferenceDataError(f"{where}: unknown function code {code!r}")
    return code


# --- national bodies and local counterparts -----------------------------------------------------------------

@dataclass(frozen=True)
class FormerName:
    name: str
    until: str


@dataclass(frozen=True)
class NationalBody:
    id: str
    name: str
    en: str
    kind: str
    function: str
    aliases: tuple[str, ...] = ()
    former: tuple[FormerName, ...] = ()
    successor: str | None = None        # id of the body it was merged into
    successor_from: str | None = None
    parent: str | None = None           # id of the ministry that administers it

    @property
    def key(self) -> str:
        return f"national/{self.id}"

    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *(f.name for f in self.former))


@lru_cache(maxsize=None)
def national_bodies() -> dict[str, NationalBody]:
    """id → national body, with its aliases and dated former names."""
    out: dict[str, NationalBody] = {}
    for entry in _yaml("national.yaml"):
        where = f"ontology/data/national.yaml: {entry.get('id')}"
        if entry["id"] in out:
            raise ReferenceDataError(f"{where}: id declared twice")
        succ = entry.get("successor") or {}
        out[entry["id"]] = NationalBody(
            id=entry["id"], name=entry["name"], en=entry["en"], kind=entry["kind"],
            function=_check_function(entry["function"], where),
            aliases=tuple(entry.get("aliases") or ()),
            former=tuple(FormerName(f["name"], str(f["until"])) for f in entry.get("former") or ()),
            successor=succ.get("id"), successor_from=str(succ["from"]) if succ else None,
            parent=entry.get("parent"),
        )
    for body in out.values():
        for ref in (body.successor, body.parent):
            if ref and ref not in out:
                raise ReferenceDataError(f"ontology/data/national.yaml: {body.id}: refers to unknown id {ref!r}")
    return out


# how a national administration is shortened in print: 国家外汇管理局 → 国家外汇局, 国家宗教事务局 → 国家宗教局
_NATIONAL_SHORT = re.compile(r"^(国家.+?)(?:管理|事务)局$")


@lru_cache(maxsize=None)
def national_name_index() -> dict[str, NationalBody]:
    """Every name, alias and former name of a national body → the body (one identity across renames), and the
    short form of an administration's name where no body is named so."""
    index = _unique_index(((name, body) for body in national_bodies().values() for name in body.all_names()),
                          "ontology/data/national.yaml", "name")
    shorts = {}
    for name, body in index.items():
        m = _NATIONAL_SHORT.match(name)
        if m:
            shorts.setdefault(m.group(1) + "局", body)
    return {**{s: b for s, b in shorts.items() if s not in index}, **index}


@dataclass(frozen=True)
class Counterpart:
    """A line of authority as it is named at provincial, municipal and county level."""

    id: str
    function: str
    kind: str
    names: dict                 # level → name template ({j}, {party})
    en: str
    cores: tuple[str, ...]
    national_only: bool = False

    def name_for(self, level: str, jurisdiction: str) -> str:
        if level == "provincial" and jurisdiction in MUNICIPALITIES:
            template = self.names.get("municipality") or self.names["municipal"]
        else:
            template = self.names.get(level) or self.names["provincial"]
        return template.format(j=jurisdiction, party=f"中共{jurisdiction}委")

    @property
    def collective_cores(self) -> tuple[str, ...]:
        """The cores that name the line of authority as a whole (教育行政部门)."""
        return tuple(c for c in self.cores if c.endswith("部门"))

    @property
    def national(self) -> NationalBody | None:
        return national_bodies().get(self.id)


@lru_cache(maxsize=None)
def counterparts() -> dict[str, Counterpart]:
    out: dict[str, Counterpart] = {}
    for entry in _yaml("local.yaml"):
        where = f"ontology/data/local.yaml: {entry.get('id')}"
        if entry["id"] in out:
            raise ReferenceDataError(f"{where}: id declared twice")
        names = entry["name"] if isinstance(entry["name"], dict) else {lvl: entry["name"] for lvl in LEVELS[1:4]}
        stems = entry.get("stems") or ()
        cores = [s + suf for s in stems for suf in (*(entry.get("suffixes") or ()), *_LINE_SUFFIXES)]
        cores += list(entry.get("cores") or ())
        out[entry["id"]] = Counterpart(
            id=entry["id"], function=_check_function(entry["function"], where), kind=entry["kind"],
            names=names, en=entry["en"], cores=tuple(dict.fromkeys(cores)),
            national_only=bool(entry.get("national_only")),
        )
    return out


@lru_cache(maxsize=None)
def core_index() -> dict[str, Counterpart]:
    """Every core name (教育厅, 人社局, 发改委, 外办, ...) → its counterpart; a core may name one body only."""
    return _unique_index(((core, cp) for cp in counterparts().values() for core in cp.cores),
                         "ontology/data/local.yaml", "core")


# --- jurisdictions --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Jurisdiction:
    name: str                 # full name: 江苏省, 无锡市, 江阴市
    level: str                # provincial / municipal / county
    type: str                 # province, municipality, prefecture-city, county-city, district, new-area, ...
    province: str             # the provincial-level jurisdiction it lies in (itself for a province)
    prefecture: str = ""      # the prefecture-level city it lies in ("" for provinces, cities, 省直管 counties)
    code: str = ""            # GB/T 2260 code (6 digits) where it has one
    short: str = ""           # 江苏, 无锡 (provinces and prefectures only)
    name_en: str = ""         # Jiangsu Province (provincial level only)

    @property
    def parent(self) -> str | None:
        if self.level == "provincial":
            return None
        return self.prefecture or self.province


@dataclass
class Gazetteer:
    by_name: dict[str, list[Jurisdiction]] = field(default_factory=dict)
    provinces: list[Jurisdiction] = field(default_factory=list)

    def add(self, j: Jurisdiction) -> None:
        self.by_name.setdefault(j.name, []).append(j)
        if j.level == "provincial" and j.type in ("province", "municipality", "autonomous-region"):
            self.provinces.append(j)

    def lookup(self, name: str, province: str | None = None) -> Jurisdiction | None:
        """The jurisdiction of that name; for names used twice (朝阳区), the one in ``province`` if given."""
        found = self.by_name.get(name)
        if not found:
            return None
        if len(found) > 1 and province:
            inside = [j for j in found if j.province == province]
            if inside:
                return inside[0]
        return found[0]

    def members(self, scope: str, level: str) -> list[Jurisdiction]:
        """The jurisdictions of ``level`` inside ``scope`` (全国 for everywhere): expands a collective."""
        out = []
        for group in self.by_name.values():
            for j in group:
                if j.level != level or j.type in ("new-area", "corps"):
                    continue
                if scope in (NATIONAL, j.province, j.prefecture):
                    out.append(j)
        return sorted(out, key=lambda j: j.code or j.name)


@lru_cache(maxsize=None)
def gazetteer() -> Gazetteer:
    """All 31 provincial-level jurisdictions, their prefecture-level cities and counties, plus new areas."""
    g = Gazetteer()
    for row in csv.DictReader(io.StringIO(_read("jurisdictions.csv"))):
        g.add(Jurisdiction(name=row["name"], level=row["level"], type=row["type"], province=row["province"],
                           prefecture=row["prefecture"], code=row["code"], short=row["short"],
                           name_en=row.get("name_en") or ""))
    for entry in _yaml("areas.yaml"):
        g.add(Jurisdiction(name=entry["name"], level=entry["level"], type=entry.get("type", "new-area"),
                           province=entry["province"], prefecture=entry.get("prefecture") or ""))
    return g


def province_names() -> list[str]:
    return [j.name for j in gazetteer().provinces]


def prefectures(province: str) -> list[str]:
    """The prefecture-level cities of a province (for a municipality such as 北京市: none)."""
    return [j.name for j in gazetteer().members(province, "municipal")]


def counties(within: str) -> list[str]:
    """The county-level divisions of a prefecture-level city (or of a whole province or municipality)."""
    return [j.name for j in gazetteer().members(within, "county")]


# --- divisions, school units, collectives ----------------------------------------------------------------------

@dataclass(frozen=True)
class Division:
    name: str
    en: str
    aliases: tuple[str, ...]
    distinctive: bool


@lru_cache(maxsize=None)
def _divisions_data() -> dict:
    return _yaml("divisions.yaml")


@lru_cache(maxsize=None)
def education_divisions() -> dict[str, Division]:
    """Printed form (canonical or alias) → division of an education department."""
    divisions = [Division(e["name"], e["en"], tuple(e.get("aliases") or ()), bool(e["distinctive"]))
                 for e in _divisions_data()["education_department"]]
    pairs = [(name, div) for div in divisions for name in (div.name, *div.aliases)]
    if len({n for n, _ in pairs}) != len(pairs):
        raise ReferenceDataError("ontology/data/divisions.yaml: a division name is listed twice")
    return _unique_index(pairs, "ontology/data/divisions.yaml", "division")


@lru_cache(maxsize=None)
def school_units() -> dict:
    """The school section of divisions.yaml: self, collectives, units (name → en), suffixes."""
    data = _divisions_data()["school"]
    return {
        "self": tuple(data["self"]),
        "collectives": tuple(data["collectives"]),
        "units": {u["name"]: u["en"] for u in data["units"]},
        "suffixes": tuple(sorted(data["suffixes"], key=len, reverse=True)),
    }


@dataclass(frozen=True)
class CollectiveMembers:
    id: str
    name: str
    en: str
    match: tuple[str, ...]
    level: str
    function: str
    bare: bool = False
    also: tuple[str, ...] = ()          # further member levels


@lru_cache(maxsize=None)
def collectives() -> tuple[dict[str, str], list[CollectiveMembers]]:
    """(quantifier → canonical quantifier, longest first; member kinds)."""
    data = _yaml("collectives.yaml")
    quantifiers = dict(sorted(data["quantifiers"].items(), key=lambda kv: len(kv[0]), reverse=True))
    members = []
    for entry in data["members"]:
        where = f"ontology/data/collectives.yaml: {entry['id']}"
        if entry["level"] not in (*LEVELS, "same", "below"):
            raise ReferenceDataError(f"{where}: unknown level {entry['level']!r}")
        members.append(CollectiveMembers(
            id=entry["id"], name=entry["name"], en=entry["en"], match=tuple(entry["match"]),
            level=entry["level"], function=_check_function(entry["function"], where), bare=bool(entry.get("bare")),
            also=tuple(entry.get("also") or ())))
    return quantifiers, members


def function_label(code: str | None, lang: str = "zh") -> str | None:
    if code is None or code not in functions():
        return None
    f = functions()[code]
    return f.zh if lang == "zh" else f.en


# --- function words, kinds of jurisdiction, document-number prefixes ---------------------------------------------

@dataclass(frozen=True)
class FunctionWordTable:
    words: dict              # word → (counterpart id, full form)
    alone: frozenset
    fillers: tuple[str, ...]
    connectors: tuple[str, ...]
    suffixes: dict           # body / line / branch → suffixes


@lru_cache(maxsize=None)
def function_words() -> FunctionWordTable:
    """The function words of body names (function_words.yaml), each checked against local.yaml."""
    data = _yaml("function_words.yaml")
    where = "ontology/data/function_words.yaml"
    words = {}
    for word, value in data["words"].items():
        cp_id, full = (value, word) if isinstance(value, str) else tuple(value)
        if cp_id not in counterparts():
            raise ReferenceDataError(f"{where}: {word}: unknown counterpart id {cp_id!r} (ids of local.yaml)")
        words[word] = (cp_id, full)
    suffixes = data["suffixes"]
    if set(suffixes) - {"body", "line", "branch"}:
        raise ReferenceDataError(f"{where}: suffixes: only body, line and branch are known")
    return FunctionWordTable(words, frozenset(data.get("words_alone") or ()), tuple(data["fillers"]),
                             tuple(data["connectors"]), {k: tuple(v) for k, v in suffixes.items()})


_KIND_LEVELS = ("provincial", "municipal", "county", "township", "zone", "city")


@lru_cache(maxsize=None)
def place_kinds() -> dict[str, str]:
    """Kinds of jurisdiction named without a name (省, 市, 县, 区, 特区, 乡镇 …) → their level; ``city`` for 市,
    whose level depends on the document (collectives.yaml, ``place_kinds``)."""
    kinds = _yaml("collectives.yaml")["place_kinds"]
    for kind, level in kinds.items():
        if level not in _KIND_LEVELS:
            raise ReferenceDataError(f"ontology/data/collectives.yaml: place_kinds: {kind}: unknown level {level!r}")
    return dict(kinds)


@lru_cache(maxsize=None)
def single_zones() -> tuple[str, ...]:
    """Kinds of zone a city has one of (高新区): [市]高新区 is the city's own (collectives.yaml)."""
    return tuple(_yaml("collectives.yaml")["single_zones"])


@lru_cache(maxsize=None)
def kind_collectives() -> dict[tuple[str, ...], str]:
    """Sorted levels of a run of kinds → the member id of collectives.yaml naming their governments."""
    data = _yaml("collectives.yaml")["kind_governments"]
    ids = {m.id for m in collectives()[1]}
    out = {}
    for levels, member in data.items():
        if member not in ids:
            raise ReferenceDataError(f"ontology/data/collectives.yaml: kind_governments: unknown member {member!r}")
        out[tuple(sorted(levels.split()))] = member
    return out


@dataclass(frozen=True)
class DocumentNumberPrefix:
    prefix: str
    jurisdictions: tuple[str, ...]    # several where the prefix is shared (青: 青海省 and 青岛市)
    issuer: str | None = None


@lru_cache(maxsize=None)
def document_number_prefixes() -> dict[str, DocumentNumberPrefix]:
    """The prefixes of document numbers (document_numbers.yaml) → the jurisdictions that print them."""
    where = "ontology/data/document_numbers.yaml"
    out: dict[str, DocumentNumberPrefix] = {}
    for prefix, value in _yaml("document_numbers.yaml")["prefixes"].items():
        if isinstance(value, str):
            value = {"in": value}
        places = value["in"] if isinstance(value["in"], list) else [value["in"]]
        for place in places:
            if place != NATIONAL and gazetteer().lookup(place) is None:
                raise ReferenceDataError(f"{where}: {prefix}: {place!r} is not in jurisdictions.csv")
        if prefix in out:
            raise ReferenceDataError(f"{where}: {prefix}: listed twice")
        out[prefix] = DocumentNumberPrefix(prefix, tuple(places), value.get("issuer"))
    return out
