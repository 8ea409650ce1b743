"""`policykg query task-chain` as a tree by level: the task, the chain above it, who restates it below, and the
places that have not taken it up (``graph.chain_tree``); CSV and JSON keep the query's rows, ordered as the tree."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from policykg.graph.cascade.chain_tree import ChainTree, TreeRow, item_label, item_source
from policykg.graph.views.network_page import LEVEL_NAMES, name_of
from rich.console import Console
from rich.text import Text
from rich.tree import Tree


def chain_tree(store, registry, task: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               suggestions: bool) -> ChainTree:
    """The tree of ``task`` from the task-chain rows, with the documents' places (canned queries ``documents``
    and, for a task no link touches, ``names``)."""
    from policykg.graph.cascade import chain_tree as ct
    from policykg.queries.lookup import EVERY_NAME, chain_root
    from policykg.queries.runner import run

    docs = run(registry.get("documents"), store, {"limit": EVERY_NAME})
    documents = ct.documents_from_rows(docs.columns, docs.rows)
    root = chain_root(task, columns, rows, documents, lambda params: run(registry.get("names"), store, params).rows)
    return ct.from_rows(task, columns, rows, documents, suggestions=suggestions, root=root)


def _label(row: TreeRow) -> Text:
    item = row.item
    level = name_of(LEVEL_NAMES, item.level, "en") if item.level else "?"
    text = Text(" · ".join(x for x in (level, item.jurisdiction) if x), style="bold")
    text.append(f"  {item_source(item, 'zh')}")
    if row.score is not None:
        text.append(f"  score {row.score:.2f}")
    if row.review:
        text.append("  [suggestion, to review]", style="yellow")
    for other, review in row.also:
        text.append(f"  also restates {item_label(other, 'zh')}" + (" (suggestion)" if review else ""))
    text.append(f"\n{item.text}")
    return text


def print_tree(tree: ChainTree, console: Console | None = None) -> None:
    """The tree, indented by level, then the chain above the task and the gaps; task text as plain text."""
    console = console or Console()
    if tree.above:
        top = Tree(Text("restates, above it:", style="bold"))
        for row in reversed(tree.above):
            top.add(_label(row))
        console.print(top)
    nodes = {}
    for row in tree.rows:
        parent = nodes.get(row.parent)
        nodes[row.item.id] = parent.add(_label(row)) if parent is not None else Tree(_label(row))
    console.print(nodes[tree.root.id])
    if tree.gaps:
        console.print(Text("not taken up (places below with documents in the store but no task in the tree):",
                           style="bold"))
        for gap in tree.gaps:
            note = " — a suggestion links one of its tasks, to review" if gap.suggested else ""
            console.print(Text(f"  {name_of(LEVEL_NAMES, gap.level, 'en')} · {gap.jurisdiction}{note}"))
    elif tree.places_below:
        console.print(Text(f"all {tree.places_below} place(s) below with documents in the store have taken it up"))
