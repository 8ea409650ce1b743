"""Which higher-level tasks a lower-level task may implement: the order of levels and jurisdiction containment.

Links only go upward (institution → county → municipal → provincial → national), and only to a higher
jurisdiction that contains the lower one (Jiangyin implements Jiangsu's tasks, not Jiangxi's). Containment
comes from the jurisdiction reference data (ontology/data/jurisdictions.csv: province and prefecture of each
county and city).
"""
from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

LEVELS = ("national", "provincial", "municipal", "county", "institution")   # top to bottom
RANK = {level: i for i, level in enumerate(LEVELS)}
NATIONAL_NAMES = frozenset({"全国", "中国", "中华人民共和国", "国家"})


def split_level(level: str | None) -> tuple[str | None, str | None]:
    """'provincial+institution' (a province's list answered by a school) -> ('provincial', 'institution')."""
    if not level:
        return None, None
    parts = [p.strip() for p in level.split("+")]
    return parts[0] or None, (parts[1] if len(parts) > 1 else None)


def main_jurisdiction(jurisdiction: str | None) -> str | None:
    """'辽宁省 + 锦州师范高等专科学校' -> '辽宁省': the government jurisdiction of a combined list."""
    if not jurisdiction:
        return None
    return jurisdiction.split("+")[0].strip() or None


@lru_cache(maxsize=1)
def _ancestors_table() -> dict[str, frozenset[str]]:
    """Name -> the names of the jurisdictions that contain it (province, prefecture); short names too."""
    return _by_name(lambda row: {row.get("province") or "", row.get("prefecture") or ""} - {"", row["name"]})


@lru_cache(maxsize=1)
def _province_table() -> dict[str, frozenset[str]]:
    """Name or short name -> the short names of the provinces it lies in (one, unless two places share it)."""
    return _by_name(lambda row: {_short(row.get("province") or row["name"])})


def _by_name(values) -> dict[str, frozenset[str]]:
    """Each place's name and short name (ontology/data/jurisdictions.csv) -> the union of ``values(row)``."""
    table: dict[str, set[str]] = {}
    path = resources.files("policykg.ontology").joinpath("data/jurisdictions.csv")
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            found = values(row)
            for name in (row["name"], row.get("short") or ""):
                if name:
                    table.setdefault(name, set()).update(found)
    return {k: frozenset(v) for k, v in table.items()}


def provinces(jurisdiction: str | None) -> frozenset[str] | None:
    """Short names of the provinces a jurisdiction lies in; None when it is national, absent or unknown to the
    reference data (its tasks may then be implemented, or implement, anywhere). Cascade linking reads a
    national store one group of provinces at a time with it: a task only implements tasks of its own province
    (``containing``) and national or unplaced ones."""
    if jurisdiction is None or jurisdiction in NATIONAL_NAMES:
        return None
    table = _province_table()
    return next((table[n] for n in (*_known_as(jurisdiction), _short(jurisdiction)) if n in table), None)


def _known_as(name: str) -> tuple[str, ...]:
    """The name, and the names it had before the usual upgrades, which the reference data may still hold: a
    county-level city or district made from a county (撤县设市, 撤县设区: 龙南县 → 龙南市 in 2020), a district
    made from a county-level or prefecture city (撤市设区: 临安市 → 临安区, 莱芜市 → 莱芜区)."""
    if len(name) > 2 and name.endswith("市"):
        return name, name[:-1] + "县"
    if len(name) > 2 and name.endswith("区"):
        return name, name[:-1] + "市", name[:-1] + "县"
    return (name,)


def _ancestors(lower: str) -> frozenset[str] | None:
    table = _ancestors_table()
    return next((table[n] for n in _known_as(lower) if n in table), None)


def _short(name: str) -> str:
    for suffix in ("省", "市", "自治区", "特别行政区"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def contains(higher: str | None, lower: str | None) -> bool | None:
    """Does jurisdiction `higher` contain `lower`? None when the reference data cannot tell."""
    if higher is None or higher in NATIONAL_NAMES:
        return True
    if lower is None:
        return None
    if higher == lower or _short(higher) == _short(lower):
        return True
    ups = _ancestors(lower)
    if ups is None:
        return None
    return higher in ups or any(_short(u) == _short(higher) for u in ups)


def may_implement(lower_rank: int, lower_jur: str | None, higher_rank: int, higher_jur: str | None) -> bool:
    """Upward only, and into a containing (or, when unknown, an unexcluded) jurisdiction."""
    if higher_rank >= lower_rank:
        return False
    return contains(higher_jur, lower_jur) is not False


def containing(lower: str | None) -> frozenset[str] | None:
    """Short names of the jurisdictions that contain ``lower`` (itself included), the national names apart;
    None when the reference data does not know ``lower`` (then no higher jurisdiction is excluded). The same
    decision as ``contains`` for every higher jurisdiction at once: a national store has thousands of them."""
    if lower is None:
        return None
    ups = _ancestors(lower)
    if ups is None:
        return None
    return frozenset(_short(n) for n in (lower, *ups))


def short_name(name: str) -> str:
    return _short(name)
