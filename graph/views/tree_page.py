"""A task's implementation tree (``graph.chain_tree``) drawn as one standalone, offline HTML page: levels from
top to bottom (national, provinces, cities, counties, schools), each task labelled with its jurisdiction and
number and filled with its level's colour; confident links solid, suggestions dashed; a legend.

It reuses the page of ``graph.view`` (vis-network inline, every data string escaped, tooltips built with
``textContent``); only the layout differs: a hierarchy by level instead of a force layout.
"""
from __future__ import annotations

import html

from policykg.graph.cascade.chain_tree import (
    ChainTree,
    TreeRow,
    item_label,
    item_source,
    level_rank,
)
from policykg.graph.views.network_page import (
    _PAGE,
    EDGE_COLOURS,
    LEVEL_COLOURS,
    LEVEL_NAMES,
    _bundled,
    _script_json,
    legend_html,
    name_of,
)

_WORDS = {
    "zh": {"confident": "确定的落实关系", "suggestion": "建议（待核）", "other": "另一处落实关系",
           "score": "得分", "hint": "点击任务查看全文", "title": "落实链"},
    "en": {"confident": "confident link", "suggestion": "suggestion (to review)", "other": "another link",
           "score": "score", "hint": "Click a task for its text", "title": "Implementation chain"},
}
_GREY = "#bbbbbb"


def _tip(row: TreeRow, lang: str) -> list[str]:
    item = row.item
    words = _WORDS[lang]
    lines = [" · ".join(x for x in (name_of(LEVEL_NAMES, item.level, lang), item.jurisdiction) if x),
             item_source(item, lang), item.text]
    if row.score is not None and row.depth:
        lines.append(f"{words['score']} {row.score:.2f}" + (f" · {words['suggestion']}" if row.review else ""))
    return lines


def tree_network(tree: ChainTree, lang: str = "zh") -> tuple[list[dict], list[dict]]:
    """vis-network nodes and edges of the tree: a node's ``level`` is its government level (a child never
    above its parent), the tree's links thick, the other links between its tasks thin."""
    nodes, level_of = [], {}
    for row in tree.rows:
        rank = level_rank(row.item.level)
        if row.parent is not None:
            rank = max(rank, level_of[row.parent] + 1)
        level_of[row.item.id] = rank
    floor = level_of[tree.root.id]
    for row in tree.above:            # nearest first: each sits above the one it is linked from
        rank = min(level_rank(row.item.level), level_of.get(row.parent, floor) - 1)
        level_of[row.item.id] = rank
    bands = {rank: i for i, rank in enumerate(sorted(set(level_of.values())))}   # no empty band for a level
    for row in [*tree.above, *tree.rows]:
        item = row.item
        root = item.id == tree.root.id
        nodes.append({
            "id": item.id, "label": item_label(item, lang).replace(" · ", "\n"), "level": bands[level_of[item.id]],
            "shape": "box", "margin": 8, "borderWidth": 3 if root else 1,
            "color": {"background": LEVEL_COLOURS.get(item.level, _GREY), "border": "#000000" if root else "#ffffff"},
            "font": {"color": "#ffffff", "size": 16 if root else 13, "multi": False},
            "tip": _tip(row, lang),
        })
    placed = {(r.item.id, r.parent) for r in tree.rows[1:]} | {(r.parent, r.item.id) for r in tree.above}
    edges = []
    for link in tree.links:
        main = (link.lower, link.higher) in placed
        words = _WORDS[lang]
        edges.append({
            "from": link.lower, "to": link.higher, "arrows": "to", "dashes": link.review,
            "color": {"color": EDGE_COLOURS["IMPLEMENTS"], "opacity": 1.0 if main else 0.35},
            "width": 3 if main else 1,
            "tip": [(words["suggestion"] if link.review else words["confident"])
                    + (f" · {words['score']} {link.score:.2f}" if link.score is not None else "")],
        })
    return nodes, edges


def render_tree_html(tree: ChainTree, lang: str = "zh", height: str = "560px", title: str = "") -> str:
    """The tree as a standalone page (offline; its levels' colours and the link styles in a legend)."""
    nodes, edges = tree_network(tree, lang)
    words = _WORDS[lang]
    levels = [(name_of(LEVEL_NAMES, lv, lang), c) for lv, c in LEVEL_COLOURS.items()
              if lv in {r.item.level for r in [*tree.above, *tree.rows]}]
    lines = [(words["confident"], EDGE_COLOURS["IMPLEMENTS"], False)]
    if any(link.review for link in tree.links):
        lines.append((words["suggestion"], EDGE_COLOURS["IMPLEMENTS"], True))
    options = {
        "layout": {"hierarchical": {"enabled": True, "direction": "UD", "levelSeparation": 120,
                                    "nodeSpacing": 130, "treeSpacing": 200, "sortMethod": "directed",
                                    "shakeTowards": "roots"}},
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 150},
        "edges": {"smooth": {"type": "cubicBezier", "forceDirection": "vertical", "roundness": 0.4}},
        "nodes": {"font": {"face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"}, "widthConstraint": {"maximum": 170}},
    }
    return _PAGE.format(
        lang="zh-CN" if lang == "zh" else "en",
        title=html.escape(title or words["title"]),
        css=_bundled("vis-network.css") + " #details { width: 200px; }",
        js=_bundled("vis-network.min.js"),
        height=html.escape(height),
        legend=legend_html(levels, (), lines),
        note="",
        hint=html.escape(words["hint"]),
        nodes=_script_json(nodes),
        edges=_script_json(edges),
        options=_script_json(options),
        count=len(nodes),
    )
