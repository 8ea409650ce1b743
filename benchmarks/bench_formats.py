"""Reading every format (issue 17): pages/s and tasks/s per format, beside a plain text read of the same content.

Corpus: the five examples (247 tasks) as text, and the same content as LibreOffice writes it from their Word
versions (docx_writer): .docx, .html, .pdf, .xlsx (Calc's import of the HTML), .odt and .doc. The conversions
are made once, before timing. "Pages" are the pages of the PDF of the same content (46), so the figures of
every format count the same pages. Each format is read and extracted in process (read + segment + extract,
the work of `policykg extract` before resolution) --repeat times; the best CPU time counts, so other work on
the machine does not blur it. .odt and .doc go through a LibreOffice conversion per file (a process start),
so their figures are wall time and mostly LibreOffice's.

    .venv/bin/python benchmarks/bench_formats.py [--repeat 3]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policykg.loaders import extract_file, read
from policykg.loaders.docx_writer import write_docx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))


def convert(program: str, profile: Path, target: str, files: list[Path], outdir: Path, infilter=None) -> list[Path]:
    cmd = [program, "--headless", f"-env:UserInstallation={profile.as_uri()}"]
    cmd += [f"--infilter={infilter}"] if infilter else []
    subprocess.run(cmd + ["--convert-to", target, "--outdir", str(outdir), *map(str, files)],
                   capture_output=True, check=True, timeout=600)
    return sorted(outdir.glob(f"*.{target.split(':')[0]}"))


def measure(files: list[Path], repeat: int) -> tuple[float, float, int]:
    """Best CPU seconds and best wall seconds of reading and extracting every file, and the task count."""
    best_cpu = best_wall = float("inf")
    tasks = 0
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        tasks = sum(len(extract_file(f).tasks) for f in files)
        best_cpu = min(best_cpu, time.process_time() - c0)
        best_wall = min(best_wall, time.perf_counter() - w0)
    return best_cpu, best_wall, tasks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        print("LibreOffice (soffice) is needed to make the test files", file=sys.stderr)
        return 2
    import pdfplumber

    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        base = Path(tmp)
        profile = base / "profile"
        (base / "docx").mkdir()
        docx = [write_docx(read(p).blocks, base / "docx" / f"{p.stem}.docx") for p in EXAMPLES]
        files = {"txt": EXAMPLES, "docx": docx}
        for fmt in ("html", "pdf", "odt"):
            files[fmt] = convert(program, profile, fmt, docx, base / fmt)
        files["xlsx"] = convert(program, profile, "xlsx", files["html"], base / "xlsx", "HTML (StarCalc)")
        files["doc"] = convert(program, profile, "doc", files["odt"], base / "doc")
        pages = 0
        for f in files["pdf"]:
            with pdfplumber.open(f) as pdf:
                pages += len(pdf.pages)
        for f in files["docx"]:
            extract_file(f)                 # imports and caches warmed before timing
        rows = []
        for fmt, group in files.items():
            repeat = 1 if fmt in ("odt", "doc") else args.repeat
            cpu, wall, tasks = measure(group, repeat)
            secs = wall if fmt in ("odt", "doc") else cpu
            rows.append((fmt, tasks, secs, "wall" if fmt in ("odt", "doc") else "CPU"))
        base_secs = rows[0][2]
        print(f"{len(EXAMPLES)} documents, {rows[0][1]} tasks, {pages} PDF pages of the same content")
        print(f"{'format':6} {'tasks':>6} {'seconds':>9} {'pages/s':>9} {'tasks/s':>9} {'vs text':>8}")
        for fmt, tasks, secs, kind in rows:
            print(f"{fmt:6} {tasks:6d} {secs:8.3f}{kind[0].lower()} {pages / secs:9.1f} {tasks / secs:9.0f} "
                  f"{secs / base_secs:7.1f}×")
        print("seconds: c = best CPU of the runs, w = wall (LibreOffice conversion per file included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
