#!/usr/bin/env python3
"""Write a seeded synthetic national corpus of task lists, with its ground truth.

    python benchmarks/synth.py --tasks 1000 --seed 7 --out /tmp/corpus --stats
    policykg extract /tmp/corpus/docs > /tmp/pred.jsonl
    python ../shared/tools/score_extraction.py --gold /tmp/corpus/gold.jsonl /tmp/pred.jsonl

The cascade: one national list per campaign, provincial lists restating its tasks with their own numbers,
deadlines and departments, municipal and county lists restating those, and school implementation tables
(a higher list's task columns plus one school's columns). Files are real .txt (UTF-8, GBK, a few UTF-8 with
BOM) and .docx (python-docx, merged cells) in the five seed layouts, with the seeds' noise.

Written into OUT:
  docs/cNNN/*.txt|docx  the documents (one folder per campaign)
  gold.jsonl            one record per task in the gold format of ../shared/gold (what a perfect extractor prints)
  documents.jsonl       per document: title, level, jurisdiction, institution, parent document, file facts
  resolved.jsonl        per task: each department mention resolved (name, kind, level, jurisdiction, function)
  links.jsonl           true cascade links: a lower task -> the higher task it restates
  manifest.yaml         document metadata for the loaders (level, jurisdiction, institution per file)
Same seed and options, same bytes. Output is streamed: memory stays bounded whatever --tasks is.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "synth"))

import synth_build as sb  # noqa: E402
import synth_ref as ref  # noqa: E402
from synth_render import Noise, render_docx, render_txt  # noqa: E402

CAMPAIGN_MAX = 40_000
MEAN_SIZE = {"provincial": 38, "municipal": 30, "county": 22, "institution": 25}
SHARE = {"provincial": 0.18, "municipal": 0.30, "county": 0.22}
LEVEL_RANK = {"national": 0, "provincial": 1, "municipal": 2, "county": 3, "institution": 4}


@dataclass
class Node:
    level: str
    place: str
    province: str
    size: int
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)


# ---------------------------------------------------------------- plan

def plan_campaign(budget: int, rng: random.Random) -> Node:
    """The tree of documents of one campaign, with a task count per document summing to ``budget``."""
    root = Node("national", "全国", "", min(budget, rng.randint(40, 60)))
    rest = budget - root.size
    if rest <= 0:
        return root
    provinces = ref.province_names()
    p = max(1, min(31, round(SHARE["provincial"] * rest / MEAN_SIZE["provincial"])))
    pnodes = [Node("provincial", name, name, rng.randint(25, 50), root)
              for name in sorted(rng.sample(provinces, p), key=provinces.index)]
    city_pool = [(pn, c) for pn in pnodes for c in ref.cities_of(pn.place)]
    m = min(len(city_pool), round(SHARE["municipal"] * rest / MEAN_SIZE["municipal"]))
    cnodes = [Node("municipal", c, pn.province, rng.randint(20, 40), pn)
              for pn, c in sorted(rng.sample(city_pool, m), key=city_pool.index)]
    county_pool = [(cn, k) for cn in cnodes for k in ref.counties_of(cn.place)]
    county_pool += [(pn, k) for pn in pnodes if pn.place in ref.MUNICIPALITIES for k in ref.counties_of(pn.place)]
    k = min(len(county_pool), round(SHARE["county"] * rest / MEAN_SIZE["county"]))
    knodes = [Node("county", name, parent.province, rng.randint(12, 30), parent)
              for parent, name in sorted(rng.sample(county_pool, k), key=county_pool.index)]
    planned = sum(n.size for n in pnodes + cnodes + knodes)
    groups = [(g, w) for g, w in ((pnodes, 0.4), (cnodes, 0.35), (knodes, 0.25)) if g]
    snodes = []
    for _ in range(max(0, round((rest - planned) / MEAN_SIZE["institution"]))):
        group = rng.choices([g for g, _ in groups], [w for _, w in groups])[0]
        parent = rng.choice(group)
        snodes.append(Node("institution", parent.place, parent.province, min(parent.size, rng.randint(15, 35)), parent))
    for n in pnodes + cnodes + knodes + snodes:
        n.parent.children.append(n)
    for n in [root] + pnodes + cnodes + knodes:  # schools after the lists of lower jurisdictions
        n.children.sort(key=lambda c: c.level == "institution")
    _fit(root, [root] + pnodes + cnodes + knodes + snodes, budget, rng)
    return root


def _fit(root: Node, nodes: list[Node], budget: int, rng: random.Random) -> None:
    """Nudge document sizes until they add up to the budget (a school copies at most its parent's tasks)."""
    diff = budget - sum(n.size for n in nodes)
    order = nodes[:]
    rng.shuffle(order)
    while diff:
        changed = False
        for n in order:
            if diff > 0 and n.size < (n.parent.size if n.level == "institution" else 400):
                n.size += 1
                diff -= 1
                changed = True
            elif diff < 0 and n.size > max([1] + [c.size for c in n.children if c.level == "institution"]):
                n.size -= 1
                diff += 1
                changed = True
            if not diff:
                break
        if not changed:
            raise SystemExit(f"cannot fit {budget} tasks into the planned documents")


def walk(node: Node, parent: sb.Doc | None, make):
    """Depth first, so only a document's ancestors are in memory while it is written."""
    doc = make(node, parent)
    for child in node.children:
        walk(child, doc, make)


# ---------------------------------------------------------------- writing

class CorpusWriter:
    def __init__(self, out: Path, seed: int, docx_share: float, gbk_share: float):
        self.out, self.seed, self.docx_share, self.gbk_share = out, seed, docx_share, gbk_share
        (out / "docs").mkdir(parents=True, exist_ok=True)
        self.files = {name: open(out / name, "w", encoding="utf-8", newline="\n")
                      for name in ("gold.jsonl", "documents.jsonl", "resolved.jsonl", "links.jsonl", "manifest.yaml")}
        self.files["manifest.yaml"].write("# Document metadata for the loaders (generated by benchmarks/synth.py), keyed by file\n"
                                          "# name without extension: what the documents do not always state themselves.\n"
                                          "# Use it with: policykg extract OUT/docs --manifest OUT/manifest.yaml\n"
                                          "documents:\n")
        self.seq = 0
        self.stats = Counter()

    def close(self) -> None:
        for f in self.files.values():
            f.close()

    def campaign(self, c: int, budget: int) -> None:
        plan = plan_campaign(budget, random.Random(f"{self.seed}/plan/{c}"))
        walk(plan, None, lambda node, parent: self.document(c, node, parent))

    def document(self, c: int, node: Node, parent: sb.Doc | None) -> sb.Doc:
        self.seq += 1
        rng = random.Random(f"{self.seed}/{c}/{self.seq}")
        level = node.level
        layout = sb.pick(sb.LAYOUT_WEIGHTS[level], rng)
        doc = sb.Doc(f"{self.seq:06d}_{level}", self.seq, c, level, node.place, node.province, layout, "", parent=parent)
        if level == "institution":
            doc.institution = sb.school_name(node.place, parent.level, rng)
            doc.title = f"《{parent.title}》任务落实举措清单"
        else:
            doc.title = sb.title_of(level, node.place, layout, c, rng)
            doc.bare = level == "municipal" and rng.random() < 0.3
            if layout == "annex":
                doc.issuing_body = f"{node.place}人民政府办公室"
            elif layout == "para" and level == "provincial":
                doc.issuing_body = f"{node.place}教育{'委员会' if node.place in ref.MUNICIPALITIES else '厅'}"
        sb.build_doc(doc, node.size, rng)
        self.write(doc, rng)
        return doc

    def write(self, doc: sb.Doc, rng: random.Random) -> None:
        docx = rng.random() < self.docx_share
        noise_level = 2 if doc.layout == "school" else rng.choice({"cells": (0, 1, 1, 2), "tabs": (1,), "para": (0, 1),
                                                                    "annex": (1, 1, 2)}[doc.layout])
        blocks = sb.blocks_of(doc, Noise(rng, noise_level, docx), rng)
        folder = self.out / "docs" / f"c{doc.campaign:03d}"
        folder.mkdir(exist_ok=True)
        if docx:
            t0 = time.perf_counter()
            encoding, data = "docx", render_docx(blocks)
            self.stats["docx_seconds"] += time.perf_counter() - t0
            path = folder / f"{doc.id}.docx"
        else:
            text = render_txt(blocks)
            roll = rng.random()
            encoding = "gbk" if roll < self.gbk_share else ("utf-8-sig" if roll < self.gbk_share + 0.03 else "utf-8")
            try:
                data = text.encode(encoding)
            except UnicodeEncodeError:
                encoding, data = "utf-8", text.encode("utf-8")
            path = folder / f"{doc.id}.txt"
        path.write_bytes(data)
        rel = path.relative_to(self.out).as_posix()
        self._truth(doc, rel, encoding, noise_level, rng)
        self.stats.update({"documents": 1, "tasks": len(doc.tasks), f"level:{doc.level}": 1, f"layout:{doc.layout}": 1,
                           f"encoding:{encoding}": 1, "bytes": len(data)})

    def _truth(self, doc: sb.Doc, rel: str, encoding: str, noise_level: int, rng: random.Random) -> None:
        f = self.files
        parent = doc.parent
        manifest_level = f"{parent.level}+institution" if doc.level == "institution" else doc.level
        # a school's copy of a higher list: that list's jurisdiction plus the school (the gold convention of 004)
        jurisdiction = f"{parent.place} + {doc.institution}" if doc.level == "institution" else doc.place
        meta = {"doc": doc.id, "file": rel, "format": "docx" if encoding == "docx" else "txt", "encoding": encoding,
                "layout": doc.layout, "noise": noise_level, "title": doc.title, "level": doc.level,
                "manifest_level": manifest_level, "jurisdiction": jurisdiction, "province": doc.province or None,
                "institution": doc.institution, "issuing_body": doc.issuing_body,
                "parent": parent.id if parent else None, "campaign": doc.campaign, "tasks": len(doc.tasks)}
        f["documents.jsonl"].write(_json(meta))
        m = f["manifest.yaml"]
        entry = {"title": doc.title, "level": manifest_level, "jurisdiction": jurisdiction}
        if doc.institution:
            entry["institution"] = doc.institution
        # JSON strings are valid YAML double-quoted scalars: no YAML library needed while streaming
        m.write(f'  "{doc.id}":\n' + "".join(f"    {k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in entry.items()))
        sections = sb.sections(doc)
        task_level = parent.level if doc.level == "institution" else doc.level
        for task, (n, theme, _first) in zip(doc.tasks, sections):
            gold = {"doc": doc.id, "task_no": task.no, "section": sb.section_of(doc, theme, n),
                    "text": sb.gold_text(doc, task), "departments": sb.gold_mentions(doc, task),
                    "departments_open": task.open, "deadline": task.deadline, "quantities": task.quantities}
            resolved = {"doc": doc.id, "task_no": task.no,
                        "resolved": [d.resolved() | {"mention": m} for d, m in zip(task.departments, gold["departments"])]}
            if doc.layout == "school":
                gold["school_measures"] = task.school
                resolved["resolved_units"] = [u.resolved() for u in task.units]
            f["gold.jsonl"].write(_json(gold))
            f["resolved.jsonl"].write(_json(resolved))
            if task.parent:
                to_doc, to_task = task.parent
                f["links.jsonl"].write(_json({"from_doc": doc.id, "from_task": task.no, "from_level": doc.level,
                                              "to_doc": to_doc, "to_task": to_task, "to_level": parent.level,
                                              "task_level": task_level}))
                self.stats["links"] += 1


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"


def generate(tasks: int, seed: int, out: Path, docx_share: float = 0.3, gbk_share: float = 0.2) -> Counter:
    writer = CorpusWriter(out, seed, docx_share, gbk_share)
    try:
        c, left = 0, tasks
        while left > 0:
            c += 1
            budget = min(left, CAMPAIGN_MAX)
            if 0 < left - budget < CAMPAIGN_MAX // 4:  # no tiny last campaign
                budget = left // 2 if left < 2 * CAMPAIGN_MAX else budget - CAMPAIGN_MAX // 4
            writer.campaign(c, budget)
            left -= budget
        writer.stats["campaigns"] = c
    finally:
        writer.close()
    return writer.stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=int, required=True, help="number of tasks to write (1000 … 1000000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (same seed, same bytes)")
    ap.add_argument("--out", type=Path, required=True, help="output folder (created; existing files are overwritten)")
    ap.add_argument("--docx-share", type=float, default=0.3, help="share of documents written as .docx (default 0.3)")
    ap.add_argument("--gbk-share", type=float, default=0.2, help="share of .txt documents encoded in GBK (default 0.2)")
    ap.add_argument("--stats", action="store_true", help="print counts, wall time and peak memory")
    a = ap.parse_args(argv)
    if a.tasks < 1:
        ap.error(f"--tasks must be at least 1, got {a.tasks}")
    for name in ("docx_share", "gbk_share"):
        if not 0 <= getattr(a, name) <= 1:
            ap.error(f"--{name.replace('_', '-')} must be between 0 and 1, got {getattr(a, name)}")
    if (a.out / "docs").is_dir() and any((a.out / "docs").iterdir()):
        ap.error(f"{a.out}/docs is not empty; choose a new --out folder")
    t0 = time.perf_counter()
    stats = generate(a.tasks, a.seed, a.out, a.docx_share, a.gbk_share)
    wall = time.perf_counter() - t0
    if a.stats:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        rss_mb, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        print(f"tasks {stats['tasks']}  documents {stats['documents']}  campaigns {stats['campaigns']}  "
              f"links {stats['links']}  MB written {stats['bytes'] / 1e6:.1f}")
        for prefix in ("level", "layout", "encoding"):
            print(f"{prefix:9}", "  ".join(f"{k.split(':', 1)[1]} {v}" for k, v in sorted(stats.items())
                                           if k.startswith(prefix + ":")))
        print(f"wall {wall:.1f} s  ({stats['tasks'] / wall:,.0f} tasks/s)  cpu {cpu:.1f} s  peak RSS {rss_mb:.0f} MB  "
              f"(of the wall time, .docx rendering {stats['docx_seconds']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
