"""Is a line break inside a department cell a wrapped name or a list separator? Read with the resolver's
knowledge of what a department name looks like (cores, places, collectives, school units), which characters
alone cannot tell: 市|人社局 and 退役军|人局 are one name each, 省教育厅|省财政厅 two.

The loaders ask this for every break in a responsibility cell (``policykg.loaders.departments``).
"""
from __future__ import annotations

import re

from policykg.ontology import reference as ref
from policykg.ontology.resolve import MARKERS as _MARKERS, Context, get_resolver

_BODY_END = set("厅局委办部处室院校会府心社联所站司署")
_SCHOOL_UNIT_END = re.compile(r"(?:处|室|中心|学院|系|馆|部|科)$")


def _reading(text: str) -> tuple[bool, str, str, str | None]:
    """(known, key, kind, function) of a name read without document context. A school's internal unit (教务处,
    实训中心) needs the school's context to resolve, but its shape is known all the same."""
    found = get_resolver().resolve(text, Context())
    if found.resolved:
        return True, found.key, found.kind, found.function
    school = ref.school_units()
    if text in school["units"] or text in school["collectives"]:
        return True, f"school-unit/{text}", "division", "institution"
    # a unit's shape: one unit word at the end (学生工作处, 实训中心), never a level marker first (省厅省部) nor
    # another body's last character before it (教务处科研处 is two units)
    end = _SCHOOL_UNIT_END.search(text)
    if end and len(text) >= 3 and text[0] not in _MARKERS and not text.startswith("自治区") \
            and not _BODY_END.intersection(text[:end.start()].replace("办公", "")):
        return True, f"school-unit/{text}", "division", "institution"
    return False, found.key, found.kind, None


def wrapped_name(head: str, tail: str) -> bool | None:
    """Does a line break between ``head`` and ``tail`` (two fragments of a department cell) wrap one name?

    True: one name broken by the layout (市|人社局, 退役军|人局, 各市|人民政府, 市委|宣传部); False: two names
    (省教育厅|省财政厅, 教务处|科研处); None: the reference data cannot tell (neither reading is a known name),
    the caller decides by characters. Read without document context: only the shape of the names matters."""
    if len(head) <= 1 or len(tail) <= 1:
        return True if head and tail else None          # a lone 市 / 团 / 校 / 厅 is never a name of its own
    if head[-1] in _BODY_END and (tail[0] in _MARKERS or tail.startswith("自治区")):
        return False                                    # 省厅|省学院: a body's last character, then a level marker
    (a_ok, a_key, a_kind, a_function), (b_ok, _, _, b_function) = _reading(head), _reading(tail)
    ab_ok, ab_key, ab_kind, ab_function = _reading(head + tail)
    if not ab_ok or ab_kind in ("division", "institution"):
        # a body and one of its divisions (省教育厅 + 职教处) are listed as two names; a division or school name
        # split anywhere else is left to the characters (almost anything + 处 / 学院 reads as one)
        return False if a_ok and b_ok else None
    if not (a_ok and b_ok):
        return True                                     # 人力资源社会 + 保障局, 相关高职院校 + 主管部门
    if ab_key == a_key:
        return True                                     # 江阴市 + 人民政府: the head's body either way
    if ab_kind == "collective" and a_kind in ("collective", "government") and tail.startswith(("有关", "相关")):
        return True                                     # 相关省份 + 有关部门: the departments of a scope
    resolver = get_resolver()
    if ab_function == b_function and (resolver.places.lookup(head) or resolver.places.by_short(head)):
        return True                                     # 吉安 + 市教育局: a place name, then its body
    parsed = resolver.words.exact(head + tail)
    if parsed and tail in resolver.words.cores and resolver.words.cores[tail] is parsed[1]:
        # a bare core after its prefix: 各市 + 人民政府, 市委 + 宣传部 (but 市委 + 教育局 stays two names)
        # (团市委 + 宣传部 are two: the youth league is no party committee)
        return not head.endswith("委") or (parsed[1].kind == "party" and a_function == "party-committee")
    return False
