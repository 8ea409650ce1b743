"""What a department name looks like, by the way Chinese bodies are named (place + function words + a suffix),
without any list of known names: the reader checks its strings here before it keeps one as a department.

    looks_like_unit("市文广旅体局")      True    looks_like_unit("各县（市、区）人民政府")  True
    looks_like_unit("X)")                False   looks_like_unit("2022年底前")              False
"""
from __future__ import annotations

import re

# Last characters of an organisation name (局, 委, 厅, 办, 中心, 院, 分行, 学校, 政府, 部门 …)
NAME_END = set("厅局委办部处室院校会府市区县州盟旗镇乡心社团联馆所站司行队组科署台园库协军厂场门位业口庭央"
               "关学班议村构体股")     # 股: a county bureau's section (基础教育股, 人事股)
# whole names without such an ending: 团市委 ends in 委; these do not
_OTHER_NAMES = re.compile(r"(?:有关|相关|各)(?:方面|单位|部门|地|地方|县区|区县|企业|高校|银行|机构)$|^各地$|学校$|企业$")
_NOT_A_NAME = re.compile(r"[。！？：:；;\"“”《》=]|\d{4}年|^\d|负责|要求|推进|加强|落实|开展|完成|实现|^等|^在(?!线)")
# what a unit does, written after its name in an annotation: 审批科牵头承办 · 窗口负责收件
DUTY_VERBS = ("承办", "协办", "负责", "受理", "收件", "办理", "审核", "审查", "审批", "出具", "发放", "备案", "初审",
              "发证", "组织", "指导", "督促", "配合", "参与")
# brackets inside a name; <> where a name sits inside （…） already: 各县<市、区>人民政府
OPEN = "（(［[【〔〈<"
CLOSE = "）)］]】〕〉>"
MAX_NAME = 40


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def looks_like_unit(name: str) -> bool:
    """True for a string that can be a department or a collective of them."""
    name = name.strip()
    if not (2 <= len(name) <= MAX_NAME) or not balanced(name) or _NOT_A_NAME.search(name):
        return False
    bare = re.sub(r"[（(〔【［〈][^）)〕】］〉]*[）)〕】］〉]$", "", name) or name
    if bare[-1] in NAME_END or _OTHER_NAMES.search(bare):
        return True
    # a short function word standing for its department in a list: 教育、卫生、医保、人社部门
    return len(bare) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in bare) and not bare.startswith(DUTY_VERBS)


def why_not_unit(name: str) -> str:
    """A short reason for a string that is not a unit (for the problems report)."""
    name = name.strip()
    if len(name) < 2:
        return "too short for a department name"
    if len(name) > MAX_NAME:
        return f"longer than {MAX_NAME} characters: a sentence, not a department name"
    if not balanced(name):
        return "unbalanced brackets"
    if _NOT_A_NAME.search(name):
        return "holds sentence words or a date, not a department name"
    return "does not end like a department name (局, 委, 厅, 办, 中心, 政府, 部门 …)"
