"""The explorer tests' store: the five examples plus one crafted hostile document, built through the real
pipeline into a real embedded Oxigraph store (shared by the AppTest and the browser tests)."""
from __future__ import annotations

import gc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSTILE_DOC = "900_hostile"
# Task text is untrusted: this document tries markup, script and Markdown on every surface that shows text.
HOSTILE_TEXT = """附件1
省教育厅测试任务清单
一、安全测试
1. 建设<script>window.__pwned=1</script>示范性虚拟仿真实训基地10个，**加粗**与<img src=x onerror="window.__pwned=2">。（责任处室：职教处）
2. 2025年底前完成$x$公式测试<b>粗体</b>。（责任处室：职教处、财务处）
"""


def write_hostile(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{HOSTILE_DOC}.txt"
    path.write_text(HOSTILE_TEXT, encoding="utf-8")
    return path


def build_store(store_dir: Path, work_dir: Path) -> dict[str, int]:
    """Extract, resolve, build and write the examples and the hostile document, then link the cascade (as
    `policykg ingest` does); returns the store's counts and, under "IMPLEMENTS", the number of links."""
    from policykg.graph.cascade import linker as cascade
    from policykg.graph.build import build
    from policykg.graph.pipeline import process_files
    from policykg.graph.stores.registry import open_store

    files = sorted(EXAMPLES.glob("*.txt")) + [write_hostile(work_dir)]
    results, problems = process_files(files)
    assert not problems, problems
    graph = build(results)
    store = open_store(path=str(store_dir))
    try:
        for result in results:
            store.replace_document(result.meta.doc, result.meta.sha256, graph.document_subgraph(result.meta.doc))
        counts = store.counts()
        counts["IMPLEMENTS"] = len(cascade.link_store(store))
    finally:
        store.close()
        del store
        gc.collect()   # release the store's lock so the explorer can open it
    return counts
