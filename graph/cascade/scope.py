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
    table: dict[str, set[str]] = {}
    path = resources.files("policykg.ontology").joinpath("data/jurisdictions.csv")
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            ups = {row.get("province") or "", row.get("prefecture") or ""} - {"", row["name"]}
            for name in (row["name"], row.get("short") or ""):
                if name:
                    table.setdefault(name, set()).update(ups)
    return {k: frozenset(v) for k, v in table.items()}


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
    table = _ancestors_table()
    if lower not in table:
        return None
    ups = table[lower]
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
    table = _ancestors_table()
    if lower not in table:
        return None
    return frozenset(_short(n) for n in (lower, *table[lower]))


def short_name(name: str) -> str:
    return _short(name)
