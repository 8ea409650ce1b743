"""benchmarks/bench_cascade.py runs, both linkers, at a size that takes seconds: a benchmark nobody can run
measures nothing (it failed from 6fbdda7 to bb946dd, when a helper it called was renamed, and no test noticed).
The figures it prints are measured by running it at full size, never asserted here."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_cascade.py"


def test_the_cascade_benchmark_runs_both_linkers_and_reports_each_kind_of_parent():
    out = subprocess.run([sys.executable, str(BENCH), "--higher", "300", "--lower", "200", "400"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    for method in ("new", "v1"):
        row = re.search(rf"^{method}\s+200 lower: .* links ([\d,]+) \(confident ([\d,]+)\)$", out.stdout, re.M)
        assert row and int(row[1].replace(",", "")) > 0, out.stdout
        assert re.search(rf"growth exponent of CPU time, {method}: -?\d+\.\d\d", out.stdout), out.stdout
        parents = re.search(rf"^true parent linked, {method} at 400: near-copy ([\d.]+)%.*paraphrase ([\d.]+)%"
                            rf".*refinement ([\d.]+)%", out.stdout, re.M)
        assert parents and float(parents[1]) > 0, out.stdout
