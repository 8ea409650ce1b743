"""One synthetic document: its tasks (new or restating its parent's), its layout, its printed blocks and its truth.

Layouts (named after the seed each imitates):
  para   000: numbered paragraphs under 一、 headings, each ending （责任处室：…） / （责任单位：…）
  cells  001: a Word table one cell per line, single-cell section rows
  tabs   002: tab-separated rows, header 序号 政策内容 责任部门 repeated (sometimes spaced out), <p> tags
  annex  003: 工程名称 merged over its rows + 主要任务 / 责任单位 / 完成年限, then the notice's prose
  school 004: the higher level's task columns + one school's implementation columns
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import synth_phrases as ph
import synth_ref as ref
import synth_tasks as st
from synth_render import HALF_WIDTH, Cell, Noise, Table, spaced_digits

LAYOUT_WEIGHTS = {
    "national": {"cells": 0.8, "tabs": 0.2},
    "provincial": {"tabs": 0.4, "cells": 0.35, "para": 0.25},
    "municipal": {"annex": 0.6, "cells": 0.2, "tabs": 0.2},
    "county": {"annex": 0.5, "tabs": 0.3, "para": 0.2},
    "institution": {"school": 1.0},
}
# Share of department cells that may wrap inside a name (004 wraps 4 of 54: "省教\n育厅", "省人力资源社会保障 厅");
# text cells wrap wherever their noise level says.
DEPT_BREAKS = 0.3
CAMPAIGNS = ("职业教育提质培优行动计划", "推进现代职业教育高质量发展", "职业技能提升行动", "深化产教融合校企合作",
             "促进高质量充分就业", "推进职业教育改革创新")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建文红梅林斌宇浩凯健俊帆帅旭宁欣心"


@dataclass
class Doc:
    id: str
    seq: int
    campaign: int
    level: str
    place: str                  # the jurisdiction
    province: str
    layout: str
    title: str
    tasks: list[st.Task] = field(default_factory=list)
    parent: "Doc | None" = None
    institution: str | None = None
    issuing_body: str | None = None
    bare: bool = False          # municipal lists that print 教育局 for 市教育局 (003)


def cn_number(n: int) -> str:
    d = ph.CHINESE_NUMERALS
    if n <= 10:
        return d[n - 1]
    return ("" if n < 20 else d[n // 10 - 1]) + "十" + ("" if n % 10 == 0 else d[n % 10 - 1])


def short_name(place: str) -> str:
    for special in ("内蒙古", "广西", "西藏", "宁夏", "新疆"):
        if place.startswith(special):
            return special
    if "族" in place or place.endswith(("地区", "盟", "联合旗")):
        return place[:2]
    if place.endswith("新区"):
        return place[:-2]
    return place[:-1] if len(place) > 2 else place


def school_name(place: str, level: str, rng: random.Random) -> str:
    types = ref.SECONDARY_SCHOOL_TYPES if level == "county" else ref.HIGHER_SCHOOL_TYPES
    kind = rng.choice(types)
    trade = "" if kind in ("师范高等专科学校", "卫生学校") or rng.random() < 0.3 else rng.choice(ref.SCHOOL_TRADES)
    return f"{short_name(place)}{trade}{kind}"


def title_of(level: str, place: str, layout: str, campaign: int, rng: random.Random) -> str:
    camp = CAMPAIGNS[campaign % len(CAMPAIGNS)]
    if level == "national":
        return rng.choice((f"{camp}重点任务（项目）一览表", f"{camp}任务分工方案"))
    if layout == "para" and level == "provincial":
        return f"{ref.prefix(place, level)}教育{'委' if place in ref.MUNICIPALITIES else '厅'}重点任务清单"
    if level == "provincial":
        return f"{place}{camp}工作任务清单"
    if level == "municipal":
        return f"{place}{camp}任务（项目）清单"
    return f"{place}{camp}重点任务清单"


def pick(weights: dict[str, float], rng: random.Random) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


# ---------------------------------------------------------------- tasks

def build_doc(doc: Doc, size: int, rng: random.Random) -> Doc:
    """Fill ``doc.tasks``: a national list, a restating list, or a school's copy of its parent's tasks."""
    prefix = ref.prefix(doc.place, doc.level)
    if doc.level == "institution":
        _school_tasks(doc, size, rng)
        return doc
    if doc.parent is None:
        themes = sorted(rng.sample(range(len(ph.THEMES)), min(len(ph.THEMES), max(3, size // 5))))
        used: set[tuple[str, int]] = set()
        specs = [(None, st.new_spec(ph.THEMES[themes[i % len(themes)]], doc.level, rng, 0.1, used))
                 for i in range(size)]
    else:
        parent = doc.parent
        r = min(len(parent.tasks), round(size * rng.uniform(0.6, 0.9)))
        restated = sorted(rng.sample(range(len(parent.tasks)), r))
        specs = [(parent.tasks[i], st.restate(parent.tasks[i].spec, parent.level, doc.level, rng)) for i in restated]
        keys = sorted({s.theme for _, s in specs}) or [ph.THEMES[0].key]
        used = {(s.theme, i) for _, s in specs for i, _ in s.clauses}
        for _ in range(size - r):
            theme = ph.THEME_BY_KEY[rng.choice(keys)] if rng.random() < 0.8 else rng.choice(ph.THEMES)
            specs.append((None, st.new_spec(theme, doc.level, rng, 0.15, used)))
    order = {t.key: i for i, t in enumerate(ph.THEMES)}
    specs.sort(key=lambda ps: order[ps[1].theme])  # stable: parent order within a theme, own tasks after
    cities = ref.cities_of(doc.province) if doc.level == "provincial" else None
    for n, (parent_task, spec) in enumerate(specs, 1):
        text, quantities, deadline = st.build_text(spec, doc.level, prefix, doc.layout != "annex", doc.place)
        if doc.layout == "para" and doc.level == "provincial":
            depts = st.divisions(spec, doc.place, rng)
        else:
            depts = st.departments(spec, doc.level, doc.place, rng, doc.bare, cities)
        if doc.layout == "annex":
            deadline = _column_deadline(spec, rng)
        task = st.Task(str(n), spec, text, quantities, deadline, depts,
                       parent=(doc.parent.id, parent_task.no) if parent_task else None)
        _mention_quirks(task, rng)
        doc.tasks.append(task)
    return doc


def _column_deadline(spec: st.Spec, rng: random.Random) -> str:
    if spec.deadline:
        pattern, year = spec.deadline
        return "2025年" if "十四五" in pattern else f"{year}年"
    return rng.choice(ph.COLUMN_ONGOING + ("2021年", "2022年", "2023年"))


def _mention_quirks(task: st.Task, rng: random.Random) -> None:
    if rng.random() < 0.03:
        task.open = True
    if len(task.departments) > 1 and task.departments[-1].kind == "collective" and rng.random() < 0.05:
        task.joined_by_ji = len(task.departments) - 1


def _school_tasks(doc: Doc, size: int, rng: random.Random) -> None:
    parent = doc.parent
    chosen = sorted(rng.sample(range(len(parent.tasks)), min(size, len(parent.tasks))))
    prefix = ref.prefix(parent.place, parent.level)
    for n, i in enumerate(chosen, 1):
        pt = parent.tasks[i]
        text, quantities, deadline = st.build_text(pt.spec, parent.level, prefix, True, parent.place)
        depts = pt.departments if parent.layout != "para" else st.departments(pt.spec, parent.level, parent.place, rng)
        task = st.Task(str(n), pt.spec, text, quantities, deadline, depts, parent=(parent.id, pt.no))
        if rng.random() < 0.55:
            _school_columns(task, doc, parent.level, rng)
        doc.tasks.append(task)


def _school_columns(task: st.Task, doc: Doc, parent_level: str, rng: random.Random) -> None:
    theme = ph.THEME_BY_KEY[task.spec.theme]
    goals = st.school_goals(task.spec, parent_level, rng, rng.choice((1, 1, 1, 2, 3)))
    g = len(goals)
    unit_names = rng.sample(theme.units, min(g, len(theme.units))) if g > 1 and rng.random() < 0.6 else [theme.units[0]]
    if len(unit_names) != g and len(unit_names) != 1:
        unit_names = unit_names[:1]
    years = [f"{rng.randint(2021, 2025)}年" for _ in range(g if g > 1 and rng.random() < 0.4 else 1)]
    task.school = {"measure": rng.choice(theme.measures) if rng.random() < 0.75 else None, "goals": goals,
                   "units": unit_names, "deadlines": years, "pairing": "single" if g <= 1 else "aligned"}
    task.units = [st.Dept(u, f"{doc.institution}{u}", "division", "institution", doc.place, "institution",
                          doc.institution) for u in unit_names]


# ---------------------------------------------------------------- printing

def gold_text(doc: Doc, task: st.Task) -> str:
    text = task.text + ("。" if doc.layout in ("para", "annex", "school") else "")
    return text.translate(HALF_WIDTH) if doc.layout == "tabs" else text


def gold_mentions(doc: Doc, task: st.Task) -> list[str]:
    return [d.mention.translate(HALF_WIDTH) if doc.layout == "tabs" else d.mention for d in task.departments]


def section_of(doc: Doc, theme: ph.Theme, number: int) -> str | None:
    return {"para": f"{cn_number(number)}、{theme.heading}", "cells": theme.row, "tabs": None,
            "annex": f"（{cn_number(number)}）{''.join(theme.project)}", "school": theme.group}[doc.layout]


def printed_departments(doc: Doc, task: st.Task, rng: random.Random) -> str:
    names = gold_mentions(doc, task)
    comma = "," if doc.layout == "tabs" else "，"
    out = names[0]
    for i in range(1, len(names)):
        d = task.departments[i]
        if task.joined_by_ji == i:
            sep = "及"
        elif d.kind == "collective" or (d.kind == "government" and d.mention.endswith("人民政府")):
            sep = comma
        else:
            sep = "，" if doc.layout == "annex" and rng.random() < 0.05 else "、"
        out += sep + names[i]
    return out + ("等" if task.open else "")


def blocks_of(doc: Doc, noise: Noise, rng: random.Random) -> list:
    """The printed form of the document: lines (str) and Tables."""
    return {"para": _para, "cells": _cells, "tabs": _tabs, "annex": _annex, "school": _school}[doc.layout](doc, noise, rng)


def sections(doc: Doc):
    """(section number, theme, is first task of its section) per task."""
    seen: dict[str, int] = {}
    for task in doc.tasks:
        first = task.spec.theme not in seen
        if first:
            seen[task.spec.theme] = len(seen) + 1
        yield seen[task.spec.theme], ph.THEME_BY_KEY[task.spec.theme], first


def _para(doc: Doc, noise: Noise, rng: random.Random) -> list:
    label = rng.choice(("责任处室", "责任处室", "责任处室和单位")) if doc.level == "provincial" else "责任单位"
    lines = ["附件1", doc.title]
    for task, (n, theme, first) in zip(doc.tasks, sections(doc)):
        if first:
            lines.append(noise.bookmark(section_of(doc, theme, n), 0.3))
        body = "".join(noise.text(gold_text(doc, task), False))
        depts = "".join(noise.text(printed_departments(doc, task, rng), False))
        lines.append(f"{task.no}. {body}（{label}：{depts}）")
    return lines


def _cells(doc: Doc, noise: Noise, rng: random.Random) -> list:
    head = rng.choice(("工作任务", "重点任务", "主要任务"))
    table = Table("cells", 3, [[Cell(["序号"]), Cell([head]), Cell(["责任部门"])]])
    for task, (n, theme, first) in zip(doc.tasks, sections(doc)):
        if first:
            table.rows.append([Cell(noise.text(section_of(doc, theme, n), True), span=3)])
        table.rows.append([Cell([task.no]), Cell(noise.text(gold_text(doc, task), True)),
                           Cell(noise.text(printed_departments(doc, task, rng), rng.random() < DEPT_BREAKS))])
    return ["附表", noise.bookmark(doc.title, 0.5, "_GoBack"), table]


def _tabs(doc: Doc, noise: Noise, rng: random.Random) -> list:
    spaced = rng.random() < 0.5
    header = [Cell(["序号"]), Cell(["政 策 内 容"]), Cell(["责 任 部 门"])]
    plain = [Cell(["序号"]), Cell(["政策内容"]), Cell(["责任部门"])]
    table = Table("tabs", 3)
    tagged = False
    r = 0
    while r < len(doc.tasks):
        if table.rows:
            table.gaps.add(len(table.rows))
        table.rows.append(header if rng.random() < 0.85 else plain)
        if not noise.docx:
            tagged = rng.random() < 0.25
        for task in doc.tasks[r:r + rng.randint(3, 7)]:
            text = "".join(noise.text(gold_text(doc, task), False))
            depts = "".join(noise.text(printed_departments(doc, task, rng), False))
            if spaced:
                text = spaced_digits(text)
            if tagged:
                text, depts = f"<p>{text}</p>", f"<p>{depts}</p>"
            table.rows.append([Cell([task.no]), Cell([text]), Cell([depts])])
            r += 1
    return ["", "", doc.title, "", table]


def _annex(doc: Doc, noise: Noise, rng: random.Random) -> list:
    table = Table("cells", 4, [[Cell(["工程名称"]), Cell(["主　　要　　任　　务"]), Cell(["责任单位"]), Cell(["完成年限"])]])
    for task, (n, theme, first) in zip(doc.tasks, sections(doc)):
        group = Cell([f"（{cn_number(n)}）", *theme.project]) if first else Cell([""], merged_up=True)
        text = noise.text(f"{task.no}．" + gold_text(doc, task), True)
        table.rows.append([group, Cell(text), Cell(noise.text(printed_departments(doc, task, rng), rng.random() < DEPT_BREAKS)),
                           Cell([task.deadline])])
    camp = CAMPAIGNS[doc.campaign % len(CAMPAIGNS)]
    body = [f"{ref.prefix(doc.place, doc.level)}政府办公室关于印发《{doc.place}{camp}实施方案》的通知", "",
            f"各镇人民政府，各街道办事处，各开发区管委会，{ref.prefix(doc.place, doc.level)}各委办局：",
            f"现将《{doc.place}{camp}实施方案》印发给你们，请认真贯彻执行。", "",
            doc.issuing_body or "", f"{2021 + doc.campaign % 4}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
            "（此件公开发布）"]
    return ["附件", noise.bookmark(doc.title, 0.3), table, "", *body]


def _school(doc: Doc, noise: Noise, rng: random.Random) -> list:
    upper = ph.level_words(doc.parent.level, ref.prefix(doc.parent.place, doc.parent.level))[0] + "任务"
    table = Table("cells", 8, [[Cell([upper], span=4), Cell(["落实具体措施"], span=4)],
                               [Cell(["序号"]), Cell(["主要任务"]), Cell(["任务内容"]), Cell(["责任部门"]),
                                Cell(["具体举措"]), Cell(["完成目标"]), Cell(["责任单位", "（部门）"]), Cell(["完成时间"])]])
    for task, (n, theme, first) in zip(doc.tasks, sections(doc)):
        group = Cell(noise.text(theme.group, True)) if first else Cell([""], merged_up=True)
        s = task.school or {"measure": None, "goals": [], "units": [], "deadlines": []}
        goals = [line for g in s["goals"] for line in noise.text(g, False)]
        row = [Cell([task.no]), group, Cell(noise.text(gold_text(doc, task), True)),
               Cell(noise.text(printed_departments(doc, task, rng), rng.random() < DEPT_BREAKS)),
               Cell(noise.text(s["measure"], True) if s["measure"] else [""]), Cell(goals or [""]),
               Cell(s["units"] or [""]), Cell([noise.bookmark(d, 0.1, "OLE") for d in s["deadlines"]] or [""])]
        table.rows.append(row)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    phone = "1" + rng.choice("3589") + "".join(str(rng.randint(0, 9)) for _ in range(9))
    title = doc.title
    cut = len(title) // 2
    return ["附件1", title[:cut], title[cut:],
            f"单位（公章）：{doc.institution}     联系人：{name}         联系电话：{phone}", table]
