"""Extraction throughput (tasks/s) from text and from .docx, side by side with naive baselines.

Corpus: the five examples repeated until at least --tasks tasks (default 10,000), as text files and as
python-docx replicas (docx_writer, merged cells included). Figures are CPU seconds (best of --repeat runs), so
other work on the machine does not blur them; wall time of the whole CLI run is printed too.

Baselines (reading only, no extraction):
  text  the floor: read the bytes, decode UTF-8, split lines — what any reader must pay
  gbk   the same corpus in GBK: charset-normalizer detection + decoding of every whole file
  docx  python-docx's high-level API (table.rows → row.cells → cell.text), the usual way to read Word tables
End to end (what `policykg extract` does per file, in process): read + extract + resolve departments + one
JSON line per task; its baseline is the same pipeline with the generic ``dataclasses.asdict`` conversion of the
records (how to_json worked before it was written out). The CLI line runs the installed command end to end, with
Python start-up and imports included.

    .venv/bin/python benchmarks/bench_extract.py [--tasks 10000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from charset_normalizer import from_bytes
from docx import Document

from dataclasses import asdict

from policykg.loaders import extract_file, read
from policykg.loaders.docx_writer import write_docx
from policykg.core.records import _plain
from policykg.ontology.resolve import get_resolver, resolve_result

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))


def build_corpus(folder: Path, min_tasks: int) -> tuple[list[Path], list[Path], int]:
    per_round = sum(len(extract_file(p).tasks) for p in EXAMPLES)
    rounds = -(-min_tasks // per_round)
    for sub in ("txt", "gbk", "docx"):
        (folder / sub).mkdir()
    replicas = {p: write_docx(read(p).blocks, folder / f"{p.stem}.docx") for p in EXAMPLES}
    txt, docx = [], []
    for r in range(rounds):
        for p in EXAMPLES:
            t = folder / "txt" / f"{r:03d}_{p.name}"
            shutil.copyfile(p, t)
            txt.append(t)
            (folder / "gbk" / t.name).write_bytes(p.read_text(encoding="utf-8").encode("gbk"))
            d = folder / "docx" / f"{r:03d}_{p.stem}.docx"
            shutil.copyfile(replicas[p], d)
            docx.append(d)
    return txt, docx, rounds * per_round


def best_cpu(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def ours(files):
    return lambda: [extract_file(f) for f in files]


def ours_read_only(files):
    return lambda: [read(f) for f in files]


def floor_text(files):
    return lambda: [f.read_bytes().decode("utf-8").splitlines() for f in files]


def detect_all(files):
    return lambda: [str(from_bytes(f.read_bytes()).best()) for f in files]


def ours_jsonl(files):
    def run():
        for f in files:
            for t in extract_file(f).tasks:
                json.dumps(t.to_json(), ensure_ascii=False)
    return run


def end_to_end(files, generic_json: bool = False):
    """read + extract + resolve + JSON line per task: the work of `policykg extract` for each file."""
    def line(task):
        if generic_json:                 # baseline: dataclasses.asdict, minus the fields to_json leaves out
            data = asdict(task)
            if not data.pop("has_school_columns"):
                data.pop("school_measures")
            if not task.resolved:
                data.pop("resolved")
            return _plain(data)
        return task.to_json()

    def run():
        get_resolver()._cache.clear()    # every run starts cold, as a CLI process does
        for f in files:
            result = extract_file(f)
            resolve_result(result)
            for t in result.tasks:
                json.dumps(line(t), ensure_ascii=False)
    return run


def naive_docx(files):
    def run():
        for f in files:
            d = Document(str(f))
            for p in d.paragraphs:
                _ = p.text
            for t in d.tables:
                for row in t.rows:
                    for cell in row.cells:
                        _ = cell.text
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        txt, docx, n = build_corpus(Path(tmp), a.tasks)
        print(f"corpus: {n} tasks in {len(txt)} text files and {len(docx)} .docx files "
              f"(best of {a.repeat}, CPU seconds)\n")
        gbk = sorted((Path(tmp) / "gbk").iterdir())
        get_resolver()       # reference data are read once per process, like the CLI: not part of any row
        rows = [
            ("text", "baseline: bytes → UTF-8 → lines (floor)", best_cpu(floor_text(txt), a.repeat)),
            ("text", "policykg read only", best_cpu(ours_read_only(txt), a.repeat)),
            ("text", "policykg extract_file (read + extract)", best_cpu(ours(txt), a.repeat)),
            ("text", "policykg extract_file + JSON line per task", best_cpu(ours_jsonl(txt), a.repeat)),
            ("text", "baseline: end to end with asdict JSON", best_cpu(end_to_end(txt, True), a.repeat)),
            ("text", "policykg end to end (read+extract+resolve+JSON)", best_cpu(end_to_end(txt), a.repeat)),
            ("gbk", "baseline: charset-normalizer on every file (read only)", best_cpu(detect_all(gbk), a.repeat)),
            ("gbk", "policykg extract_file (read + extract)", best_cpu(ours(gbk), a.repeat)),
            ("docx", "baseline: python-docx rows/cells API (read only)", best_cpu(naive_docx(docx), a.repeat)),
            ("docx", "policykg read only", best_cpu(ours_read_only(docx), a.repeat)),
            ("docx", "policykg extract_file (read + extract)", best_cpu(ours(docx), a.repeat)),
            ("docx", "policykg end to end (read+extract+resolve+JSON)", best_cpu(end_to_end(docx), a.repeat)),
        ]
        print(f"{'format':6}  {'what':55}  {'seconds':>8}  {'tasks/s':>9}")
        for fmt, what, secs in rows:
            print(f"{fmt:6}  {what:55}  {secs:8.3f}  {n / secs:9.0f}")
        exe = Path(sys.executable).with_name("policykg")
        if exe.exists():
            for fmt, folder in (("text", Path(tmp) / "txt"), ("docx", Path(tmp) / "docx")):
                t = time.perf_counter()
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                proc = subprocess.run([str(exe), "extract", "-q", str(folder)], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
                wall = time.perf_counter() - t
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
                lines = proc.stdout.count("\n")
                print(f"\nCLI `policykg extract {fmt}-corpus`: {lines} JSON lines, {cpu:.2f} s CPU "
                      f"({lines / cpu:.0f} tasks/s), {wall:.2f} s wall ({lines / wall:.0f} tasks/s), start-up "
                      f"included, exit {proc.returncode}", end="")
            print()


if __name__ == "__main__":
    main()
