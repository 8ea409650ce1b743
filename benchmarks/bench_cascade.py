#!/usr/bin/env python3
"""Cascade linking at national scale: 10,000 and 100,000 lower-level tasks against 10,000 higher-level ones,
today's linker beside the one it replaced (benchmarks/cascade_v1.py, commit 0333c19), in one run.

    .venv/bin/python benchmarks/bench_cascade.py [--higher 10000] [--lower 10000 100000] [--seed 1] [--skip-v1]

Synthetic tasks, generated deterministically from the five seeds' texts (tests/fixtures/seeds_gold/seeds.jsonl):
the higher tasks (national, and provincial in 20 provinces) perturb a seed task (numbers, clause order and
choice, a topic phrase); each lower task (municipal, county or a school measure, in a city of the right
province) restates one higher task in one of three ways, so its true parent and the kind are known:
  near-copy    the same perturbation again, numbers scaled down;
  paraphrase   the domain's synonyms swapped for other variants (graph/cascade/cascade_terms.yaml), clauses reordered;
  refinement   ONE clause of the higher task, its numbers scaled down to a city's share, with a local preamble.
Each configuration runs in its own process, so its peak memory (max RSS) is its own. The new linker streams:
the index of the higher tasks is built once and the lower tasks are generated and linked 2,000 at a time, each
batch's links handed on and dropped (as ``cascade.link_store`` reads a store a batch of documents at a time and
writes each batch's links); the old one takes every lower task at once and returns every link, as it did. Reported: wall and CPU time (index included), peak RSS, the growth exponent from 10,000 to
100,000 lower tasks (log of the time ratio over log 10: 1 is linear), and how often the true parent is linked
(and confidently) per kind. Siblings generated from one seed text look alike, so the true parent's rate
measures recall under heavy look-alike competition, not precision.

Measured (defaults, seed 1, the 2-core machine shared with other jobs, so wall ≈ 2-3× CPU), CPU / peak RSS:
today 18.5 s / 194 MB at 10,000 lower tasks and 155.8 s / 194 MB at 100,000 (growth exponent 0.93); before
(cascade_v1) 13.5 s / 713 MB and 111.9 s / 3,956 MB (0.92). True parent linked at 100,000: near-copy 98.3 %,
paraphrase 99.3 %, refinement 77.7 % (77.0 % confidently); before 96.6 / 97.1 / 77.7 %.
"""
from __future__ import annotations

import argparse
import json
import math
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "cascade"))
sys.path.insert(0, str(ROOT / "benchmarks"))

PROVINCES = ["江苏省", "江西省", "辽宁省", "浙江省", "广东省", "山东省", "河南省", "四川省", "湖北省", "湖南省",
             "河北省", "福建省", "安徽省", "陕西省", "云南省", "贵州省", "山西省", "吉林省", "甘肃省", "广西壮族自治区"]
TOPICS = ["装备制造", "现代农业", "电子信息", "生物医药", "新能源汽车", "现代物流", "文化旅游", "健康养老", "数字经济",
          "集成电路", "航空航天", "海洋经济", "轨道交通", "新材料", "人工智能", "家政服务", "学前教育", "冰雪运动"]
LOWER_PREFIX = ["结合本地实际，", "围绕重点产业，", "聚焦区域发展，", "按照上级部署，", "", ""]
KINDS = ("near-copy", "paraphrase", "refinement")
SPLIT = re.compile(r"(?<=[，。；])")
NUM = re.compile(r"[0-9]+")
BATCH = 2000


def perturb(text: str, rng: random.Random, scale: float, prefix: str = "") -> str:
    """Another list's restatement: numbers scaled, some clauses dropped or swapped, a topic phrase added."""
    clauses = [c for c in SPLIT.split(text) if c]
    if len(clauses) > 2 and rng.random() < 0.5:
        del clauses[rng.randrange(len(clauses))]
    if len(clauses) > 1 and rng.random() < 0.3:
        i = rng.randrange(len(clauses) - 1)
        clauses[i], clauses[i + 1] = clauses[i + 1], clauses[i]
    out = prefix + "".join(clauses)
    out = NUM.sub(lambda m: str(max(1, int(int(m.group()) * scale * rng.uniform(0.5, 1.5)))), out)
    if rng.random() < 0.6:
        out = out.rstrip("。") + f"，重点支持{rng.choice(TOPICS)}领域。"
    return out.replace("省级", "市级" if scale < 0.2 and rng.random() < 0.5 else "省级")


def paraphrase(text: str, rng: random.Random, groups: list[list[str]]) -> str:
    """Synonyms swapped for another variant of their group, clauses reordered, numbers scaled down."""
    for group in groups:
        for variant in sorted(group, key=len, reverse=True):
            if variant in text:
                text = text.replace(variant, rng.choice([v for v in group if v != variant] or [variant]))
                break
    clauses = [c for c in SPLIT.split(text) if c]
    rng.shuffle(clauses)
    out = "".join(clauses)
    return NUM.sub(lambda m: str(max(1, int(int(m.group()) * 0.05 * rng.uniform(0.5, 1.5)))), out)


def refinement(text: str, rng: random.Random) -> str:
    """One clause of the higher task, scaled down to a city's share, with a local preamble."""
    clauses = [c for c in SPLIT.split(text) if len(c) > 8] or [text]
    clause = rng.choice(clauses).rstrip("，；。")
    clause = NUM.sub(lambda m: str(max(1, int(int(m.group()) * 0.02 * rng.uniform(0.5, 1.5)))), clause)
    return f"{rng.choice(LOWER_PREFIX[:4])}{clause}，纳入{rng.choice(TOPICS)}专项工作。"


def seed_texts() -> list[str]:
    from seed_graph import load_records

    records, _ = load_records()
    texts = [r["text"] for r in records]
    return texts + ["。".join([sm.get("measure") or "", *sm["goals"]]) for r in records if (sm := r.get("school_measures"))]


def higher_specs(n_higher: int, seed: int) -> list[tuple]:
    rng, texts = random.Random(seed), seed_texts()
    out = []
    for i in range(n_higher):
        national = i < n_higher // 10
        level, jur = ("national", "全国") if national else ("provincial", PROVINCES[i % len(PROVINCES)])
        text = perturb(rng.choice(texts), rng, 1.0 if national else 0.1)
        doc = f"h{'n' if national else 'p'}{i // 50:04d}"
        out.append((f"task/{doc}/{i}", "Task", doc, level, jur, text, frozenset({rng.choice(FUNCTIONS)})))
    return out


FUNCTIONS = ["education", "education", "human-resources", "finance"]


def lower_specs(highers: list[tuple], start: int, count: int, seed: int, cities, groups) -> list[tuple]:
    """Lower tasks start … start+count-1 (each batch from its own seed: the same task whatever the batch size)."""
    out = []
    for j in range(start, start + count):
        rng = random.Random(seed * 1_000_003 + j)
        up = highers[rng.randrange(len(highers))]
        province = up[4] if up[3] == "provincial" else rng.choice(PROVINCES)
        level = rng.choice(["municipal", "county", "institution"])
        kind = KINDS[rng.randrange(3)]
        if kind == "near-copy":
            text = perturb(up[5], rng, 0.05, rng.choice(LOWER_PREFIX))
        elif kind == "paraphrase":
            text = paraphrase(up[5], rng, groups)
        else:
            text = refinement(up[5], rng)
        doc = f"l{j // 40:05d}"
        label = "SchoolMeasure" if level == "institution" else "Task"
        node = f"{'measure' if label == 'SchoolMeasure' else 'task'}/{doc}/{j}"
        fn = up[6] if rng.random() < 0.8 else frozenset({rng.choice(FUNCTIONS)})
        out.append((node, label, doc, level, rng.choice(cities[province]), text, fn, up[0], kind))
    return out


def cities_of(province: str) -> list[str]:
    from policykg.graph.cascade.scope import _ancestors_table

    table = _ancestors_table()
    return sorted(name for name, ups in table.items() if province in ups and name.endswith("市"))[:12] or [province]


def run(method: str, n_higher: int, n_lower: int, seed: int) -> dict:
    """One configuration, in this process: build, link, count."""
    from policykg.graph.cascade import text as ct
    from policykg.graph.cascade.features import make_item
    from policykg.graph.cascade.scope import RANK

    if method == "v1":
        import cascade_v1 as lib
    else:
        from policykg.graph.cascade import linker as lib
    groups = [[str(v) for v in g] for g in ct.terms()["synonyms"]]
    cities = {p: cities_of(p) for p in PROVINCES}
    specs = higher_specs(n_higher, seed)
    t0, c0 = time.perf_counter(), time.process_time()

    def item(s):
        targets = lib._targets_of(s[5], None)
        if method == "v1":
            return lib._item(s[0], s[1], s[2], s[3], s[4], s[5], s[6], targets, None)
        return make_item(s[0], s[1], s[2], s[3], RANK[s[3]], s[4], s[5], s[6], targets, None)

    highers = [item(s) for s in specs]
    found = {k: [0, 0, 0] for k in KINDS}      # kind -> [lower tasks, parent linked, parent linked confidently]
    counted = {"links": 0, "confident": 0}

    def count(part: list[tuple], edges) -> None:
        parent = {s[0]: (s[7], s[8]) for s in part}
        for s in part:
            found[s[8]][0] += 1
        for e in edges:
            counted["links"] += 1
            counted["confident"] += not e.props["review"]
            up, kind = parent[e.source]
            if e.target == up:
                found[kind][1] += 1
                found[kind][2] += not e.props["review"]

    if method == "v1":
        part = lower_specs(specs, 0, n_lower, seed, cities, groups)
        edges = lib.link_items([item(s) for s in part], highers=highers)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        count(part, edges)
    else:
        linker = lib.Linker(highers)
        for start in range(0, n_lower, BATCH):
            part = lower_specs(specs, start, min(BATCH, n_lower - start), seed, cities, groups)
            # as link_store: each batch's links are handed on (counted here) and dropped
            count(part, linker.link([item(s) for s in part]))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    links, confident = counted["links"], counted["confident"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"method": method, "higher": n_higher, "lower": n_lower, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "peak_mb": round(peak), "links": links, "confident": confident, "parent": found}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--higher", type=int, default=10_000)
    ap.add_argument("--lower", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-v1", action="store_true", help="time today's linker only")
    ap.add_argument("--child", choices=("new", "v1"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run(args.child, args.higher, args.lower[0], args.seed)))
        return
    results = []
    for method in ("new",) + (() if args.skip_v1 else ("v1",)):
        for n in args.lower:
            out = subprocess.run([sys.executable, __file__, "--child", method, "--higher", str(args.higher),
                                  "--lower", str(n), "--seed", str(args.seed)], capture_output=True, text=True)
            if out.returncode:
                sys.exit(out.stderr)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(f"{method:4} {n:>7,} lower: wall {r['wall_s']:>7.1f} s  CPU {r['cpu_s']:>7.1f} s  "
                  f"peak {r['peak_mb']:>6,} MB  links {r['links']:,} (confident {r['confident']:,})", flush=True)
    print(f"\n{'':28}" + "".join(f"{m:>24}" for m in ("today (streamed)", "before (cascade_v1)")[:1 + (not args.skip_v1)]))
    for n in args.lower:
        row = [r for r in results if r["lower"] == n]
        print(f"{n:>7,} lower: CPU / peak RSS   " + "".join(f"{r['cpu_s']:>12.1f} s {r['peak_mb']:>6,} MB" for r in row))
    if len(args.lower) >= 2:
        lo, hi = min(args.lower), max(args.lower)
        for method in ("new", "v1"):
            a = [r for r in results if r["method"] == method and r["lower"] == lo]
            b = [r for r in results if r["method"] == method and r["lower"] == hi]
            if a and b:
                exp = math.log(b[0]["cpu_s"] / a[0]["cpu_s"]) / math.log(hi / lo)
                print(f"growth exponent of CPU time, {method}: {exp:.2f} (1 = linear in lower tasks)")
    for r in results:
        kinds = ", ".join(f"{k} {v[1] / max(v[0], 1):.1%} ({v[2] / max(v[0], 1):.1%} confident)"
                          for k, v in r["parent"].items())
        print(f"true parent linked, {r['method']} at {r['lower']:,}: {kinds}")


if __name__ == "__main__":
    main()
