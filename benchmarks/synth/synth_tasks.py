"""Tasks of the synthetic corpus: what each task says, who must do it, by when, and how a lower level restates it.

A task is built from a ``Spec`` (theme, template clauses with their quantity values, responsible functions,
deadline). A lower level restates a higher task by scaling the spec's quantities, moving the deadline
earlier and mapping the functions to its own departments; the text is then rebuilt, so every quantity and
deadline in the ground truth is, by construction, a substring of the text.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import synth_phrases as ph
import synth_ref as ref


@dataclass(frozen=True)
class Dept:
    mention: str        # as the gold records it (no noise)
    name: str           # canonical name
    kind: str           # government / party / mass-organisation / division / collective
    level: str
    jurisdiction: str
    function: str | None
    parent: str | None = None
    scope: str | None = None   # collectives: whose members the mention stands for

    def resolved(self) -> dict:
        out = {"mention": self.mention, "name": self.name, "kind": self.kind, "level": self.level,
               "jurisdiction": self.jurisdiction, "function": self.function, "parent": self.parent}
        if self.scope:
            out["scope"] = self.scope
        return out


@dataclass
class Spec:
    theme: str
    clauses: list[tuple[int, list]]            # (template index, slot values at this level)
    functions: list[str]                       # responsible functions, lead first
    collective: bool = False
    deadline: tuple[str, int] | None = None    # (pattern, year)
    distractor: tuple[str, int] | None = None  # a start date or a cited plan period: years that are no deadline


@dataclass
class Task:
    no: str
    spec: Spec
    text: str
    quantities: list[str]
    deadline: str | None                        # as printed in the text, or the column value
    departments: list[Dept]
    open: bool = False
    joined_by_ji: int | None = None             # index of a department printed as "A及B" with the one before
    school: dict | None = None
    units: list[Dept] = field(default_factory=list)
    parent: tuple[str, str] | None = None       # (doc, task_no) this task restates


# ---------------------------------------------------------------- quantities

def nice(v: float) -> int:
    """Round like a plan would print it: 1–19 exactly, then 5s, 10s, two significant digits."""
    if v < 1:
        return 1
    if v < 20:
        return round(v)
    if v < 100:
        return max(20, round(v / 5) * 5)
    if v < 1000:
        return round(v / 10) * 10
    digits = len(str(int(v))) - 2
    return round(v / 10 ** digits) * 10 ** digits


def fmt_quantity(slot: tuple, value) -> str:
    kind, _base, unit, suffix = slot
    if kind == "w" and value >= 10000:
        return f"{value // 10000}万{unit}{suffix}"
    if kind == "y":  # value in 万元
        return (f"{value // 10000}亿{unit}" if value >= 10000 else f"{value}万{unit}") + suffix
    return f"{value}{unit}{suffix}"


def scale(slot: tuple, value, factor: float, rng: random.Random, jitter: bool = True):
    """A slot's value at another level: counts times ``factor`` (times a random 0.7–1.4 with ``jitter``)."""
    kind = slot[0]
    if kind in "nwy":
        v = value * factor * (rng.uniform(0.7, 1.4) if jitter else 1.0)
        return nice(v / 10000) * 10000 if kind in "wy" and v >= 10000 else nice(v)
    if kind == "p":
        return value if value >= 100 else max(5, min(100, value + rng.choice((-5, 0, 0, 5))))
    if kind == "m":
        return max(1000, value + rng.choice((-1000, -500, 0, 0, 500, 1000)))
    return value  # f


# Factor applied to national-level quantities when a lower level restates them.
FACTORS = {("national", "provincial"): (0.03, 0.10), ("provincial", "municipal"): (0.06, 0.2),
           ("municipal", "county"): (0.1, 0.35), ("provincial", "county"): (0.05, 0.15),
           ("provincial", "institution"): (0.01, 0.05), ("municipal", "institution"): (0.05, 0.2),
           ("county", "institution"): (0.2, 0.5), ("national", "institution"): (0.001, 0.005)}
BASE_FACTOR = {"national": 1.0, "provincial": 0.05, "municipal": 0.006, "county": 0.0012, "institution": 0.0005}


# ---------------------------------------------------------------- text

def build_text(spec: Spec, level: str, prefix: str, with_deadline: bool = True,
               place: str = "") -> tuple[str, list[str], str | None]:
    """The clean task text, its quantity phrases in order, and its in-text deadline as printed."""
    theme = ph.THEME_BY_KEY[spec.theme]
    adj, region = ph.level_words(level, prefix)
    parts, quantities = [], []
    for idx, values in spec.clauses:
        tmpl, slots = theme.templates[idx]
        printed = [fmt_quantity(s, v) for s, v in zip(slots, values)]
        parts.append(tmpl.format(*printed, L=adj, R=region))
        # slots print in template order; find their order of occurrence
        order = sorted(range(len(slots)), key=lambda i: tmpl.index("{%d}" % i))
        quantities.extend(printed[i] for i in order)
    body = "。".join(parts)
    deadline = None
    if with_deadline and spec.deadline:
        pattern, year = spec.deadline
        deadline = ph.DEADLINE_PRINTED[pattern].format(y=year)
        body = pattern.format(y=year) + body if pattern in ph.DEADLINE_PREFIX else body + pattern.format(y=year)
    elif spec.distractor:
        pattern, year = spec.distractor
        body = pattern.format(y=year, place=place, a=year - 2, b=year) + body
    return body, quantities, deadline


# ---------------------------------------------------------------- departments

def department(function: str, level: str, place: str, rng: random.Random, bare: bool = False) -> Dept | None:
    """The department of a function at a level, printed the way that level's lists print it, with its canonical
    name, kind and function from the generator's own table (synth_ref.FUNCTIONS)."""
    return _department(function, level, place, rng, bare)


def _department(function: str, level: str, place: str, rng: random.Random, bare: bool) -> Dept | None:
    kind, nat, *local = ref.FUNCTIONS[function]
    code = ref.FUNCTION_CODE.get(function, function)
    if level == "national":
        return None if nat is None else Dept(nat[0], nat[1], kind, level, "全国", code)
    entry = local[ref.LEVEL_INDEX[level] - 2]
    if entry is None:
        return None
    forms, canonical = entry
    form = rng.choice(forms)
    p = ref.prefix(place, level)
    muni = level == "provincial" and place in ref.MUNICIPALITIES
    if form.startswith("@"):
        printed = ref.party_prefix(place, level) + form[1:]
        return Dept(printed, f"中共{place}委员会{canonical}", kind, level, place, code)
    if form.startswith("="):
        printed = form[1:].format(p=p)
        name = f"共青团{place}委员会" if function == "youth-league" else canonical
        return Dept(printed, name, kind, level, place, code)
    if muni and form.endswith("厅"):
        form, canonical = ("教委", "教育委员会") if function == "education" else (form[:-1] + "局", canonical[:-1] + "局")
    name = f"国家税务总局{place}{canonical}" if function == "taxation" else place + canonical
    printed = form if bare and level != "provincial" else p + form
    return Dept(printed, name, kind, level, place, code)


def collectives(level: str, place: str) -> tuple[str, ...]:
    if level == "provincial" and place in ref.MUNICIPALITIES:
        return ref.MUNICIPALITY_COLLECTIVES
    return ref.COLLECTIVES[level]


def collective_dept(printed: str, level: str, place: str, host: tuple[str, str] | None = None) -> Dept:
    """A collective and what it stands for (synth_ref.collective_truth: the generator's own table)."""
    t = ref.collective_truth(printed, level, place, host)
    return Dept(printed, t["name"], "collective", t["level"], t["jurisdiction"], t["function"],
                host[0] if host else None, scope=t["scope"])


def collective(level: str, place: str, rng: random.Random) -> Dept:
    return collective_dept(rng.choice(collectives(level, place)), level, place)


THEME_DIVISIONS = {
    "moral": ("社政处", "学生处", "体卫艺处"), "layout": ("职教处", "发展规划处"), "teaching": ("职教处", "高教处", "评估院"),
    "teachers": ("师资处", "人事处", "职教处"), "industry": ("职教处", "科技处", "科技发展中心"),
    "training": ("职教处", "招就中心"), "employment": ("学生处", "招就中心", "职教处"), "funding": ("财务处", "发展规划处"),
    "governance": ("职教处", "督导室", "考试院"), "international": ("国际处", "职教处"), "digital": ("科技处", "科技发展中心"),
    "rural": ("职教处", "基教处"),
}


def divisions(spec: Spec, province: str, rng: random.Random) -> list[Dept]:
    """Offices of the provincial education department (lists it issues to its own divisions, 000 style)."""
    pool = list(THEME_DIVISIONS[spec.theme])
    names = pool[:1] + rng.sample(pool[1:], rng.randint(0, len(pool) - 1))
    if rng.random() < 0.3:
        names += rng.sample([d for d in ref.EDU_DIVISIONS if d not in names], rng.randint(1, 2))
    parent = f"{province}教育委员会" if province in ref.MUNICIPALITIES else f"{province}教育厅"
    out = [Dept(n, f"{parent}{n}", "division", "provincial", province, "education", parent) for n in names]
    if rng.random() < 0.05:
        out.append(collective_dept(ref.EDU_DIVISIONS_COLLECTIVE, "provincial", province, (parent, "education")))
    return out


def departments(spec: Spec, level: str, place: str, rng: random.Random, bare: bool = False,
                cities: list[str] | None = None) -> list[Dept]:
    out: list[Dept] = []
    seen = set()
    for f in spec.functions:
        d = department(f, level, place, rng, bare)
        if d and d.mention not in seen:
            seen.add(d.mention)
            out.append(d)
    if not out:
        out.append(department("education", level, place, rng, bare))
    if cities and rng.random() < 0.06:  # a named lower government: 南昌市人民政府 in a Jiangxi list
        city = rng.choice(cities)
        out.append(Dept(f"{city}人民政府", f"{city}人民政府", "government", "municipal", city, "government"))
    if spec.collective:
        c = collective(level, place, rng)
        if c.mention not in seen:
            out.append(c)
    return out


# ---------------------------------------------------------------- specs

def new_spec(theme: ph.Theme, level: str, rng: random.Random, deadline_p: float,
             used: set[tuple[str, int]] | None = None) -> Spec:
    """A task a jurisdiction sets itself (or the national list): 1–2 clauses of one theme.

    ``used`` holds the (theme, template) pairs the document already has, so a list does not repeat itself
    while its theme has unused templates (then another theme with unused templates is taken).
    """
    used = set() if used is None else used
    free = [i for i in range(len(theme.templates)) if (theme.key, i) not in used]
    if not free:
        others = [t for t in ph.THEMES if any((t.key, i) not in used for i in range(len(t.templates)))]
        if others:
            theme = rng.choice(others)
            free = [i for i in range(len(theme.templates)) if (theme.key, i) not in used]
        else:
            free = list(range(len(theme.templates)))
    n_clauses = 2 if rng.random() < 0.25 and len(free) > 1 else 1
    idxs = rng.sample(free, n_clauses)
    used.update((theme.key, i) for i in idxs)
    factor = BASE_FACTOR[level]
    clauses = []
    for i in idxs:
        slots = theme.templates[i][1]
        clauses.append((i, [s[1] if s[0] in "fpm" or level == "national" else scale(s, s[1], factor, rng)
                            for s in slots]))
    k = rng.choice((1, 1, 2, 2, 3, 4))
    functions = list(theme.functions[:1]) + rng.sample(theme.functions[1:], min(k - 1, len(theme.functions) - 1))
    if len(functions) > 1 and rng.random() < 0.15:
        functions.insert(0, functions.pop(1))  # the second function leads sometimes
    spec = Spec(theme.key, clauses, functions, collective=rng.random() < (0.85 if level == "national" else 0.4))
    if rng.random() < deadline_p:
        spec.deadline = random_deadline(rng, 2025)
    elif rng.random() < 0.04:
        year = rng.randint(2021, 2023)
        spec.distractor = (rng.choice(ph.NON_DEADLINE_PREFIX + (ph.CITED_PLAN,)), year)
    return spec


def random_deadline(rng: random.Random, latest: int) -> tuple[str, int]:
    pattern = rng.choice(ph.DEADLINE_PREFIX + ph.DEADLINE_SUFFIX + ("到{y}年，",))
    return pattern, rng.randint(max(2022, latest - 3), latest)


def restate(spec: Spec, parent_level: str, level: str, rng: random.Random) -> Spec:
    """The spec of a lower level's task restating ``spec``: quantities scaled, deadline kept or brought forward."""
    lo, hi = FACTORS[(parent_level, level)]
    factor = rng.uniform(lo, hi)
    theme = ph.THEME_BY_KEY[spec.theme]
    clauses = [(i, [scale(s, v, factor, rng, jitter=False) for s, v in zip(theme.templates[i][1], values)])
               for i, values in spec.clauses]
    functions = list(spec.functions)
    if len(functions) > 1 and rng.random() < 0.3:
        functions.pop()
    if rng.random() < 0.3:
        extra = [f for f in theme.functions if f not in functions]
        if extra:
            functions.append(rng.choice(extra))
    out = Spec(spec.theme, clauses, functions, collective=rng.random() < 0.4)
    if spec.deadline and rng.random() < 0.85:
        pattern, year = spec.deadline
        if "十四五" not in pattern:
            year = max(2022, year - rng.choice((0, 0, 1, 2)))
            pattern = rng.choice((pattern, pattern, "到{y}年，", "，{y}年底前完成"))
        out.deadline = (pattern, year)
    elif rng.random() < 0.08:
        out.deadline = random_deadline(rng, 2025)
    return out


def school_goals(spec: Spec, parent_level: str, rng: random.Random, count: int) -> list[str]:
    """A school's goals for a task: its clauses restated at school scale, then other clauses of the theme."""
    theme = ph.THEME_BY_KEY[spec.theme]
    school_spec = restate(spec, parent_level, "institution", rng)
    school_spec.deadline = None
    goals = []
    text, _, _ = build_text(Spec(spec.theme, school_spec.clauses[:1], []), "institution", "")
    goals.append(text + "。")
    others = [i for i in range(len(theme.templates)) if i not in {c[0] for c in spec.clauses}]
    for i in rng.sample(others, min(count - 1, len(others))):
        slots = theme.templates[i][1]
        values = [scale(s, s[1], 0.0005, rng) if s[0] in "nwy" else s[1] for s in slots]
        text, _, _ = build_text(Spec(spec.theme, [(i, values)], []), "institution", "")
        goals.append(text + "。")
    return goals
