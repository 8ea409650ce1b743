"""The standalone graph page: offline, escaped, coloured, with a legend."""
from __future__ import annotations

import json
import re

from test_subgraph import make_graph

from policykg.graph.views.subgraph import Selection, select
from policykg.graph.views.network_page import TYPE_COLOURS, render_html


def _data(page: str, name: str) -> list[dict]:
    match = re.search(r"var nodes = (\[.*?\]), edges = (\[.*?\]);\n", page, re.S)
    assert match, "node/edge data not found"
    return json.loads(match.group(1 if name == "nodes" else 2))


def test_page_is_offline_and_embeds_vis_network():
    page = render_html(make_graph(), title="测试")
    assert "vis-network" in page and "new vis.Network(" in page
    assert len(page) > 400_000            # the bundled script is inside, not linked
    assert not re.search(r"<(script|link)[^>]+(src|href)=", page)   # nothing fetched
    assert all(u.startswith(("data:", '"data:')) for u in re.findall(r"url\(([^)]*)\)", page))


def test_untrusted_text_never_becomes_markup():
    page = render_html(make_graph(), title="<b>标题</b>", note="<i>cut</i>")
    assert "<script>alert(1)" not in page
    assert "&lt;b&gt;标题&lt;/b&gt;" in page and "&lt;i&gt;cut&lt;/i&gt;" in page
    nodes = _data(page, "nodes")
    task = next(n for n in nodes if n["id"] == "task/p/1")
    # the text is kept whole for the tooltip (shown with textContent), and only escaped for transport
    assert any("<script>alert(1)</script>" in line for line in task["tip"])
    assert "\\u003cscript\\u003ealert(1)" in page


def test_colours_labels_and_legend():
    g = make_graph()
    page = render_html(g, lang="zh")
    nodes = {n["id"]: n for n in _data(page, "nodes")}
    assert nodes["dept/jyt"]["label"] == "省教育厅"
    assert nodes["dept/jyt"]["color"]["background"] == TYPE_COLOURS["Department"]
    assert nodes["task/n/1"]["color"]["border"] != nodes["task/p/2"]["color"]["border"]   # level by border
    assert nodes["doc/p"]["label"].startswith("省教育厅重点任务清单")
    for word in ("文件", "任务", "部门", "国家级", "省级"):
        assert word in page.split('<div id="wrap">')[0]
    english = render_html(g, lang="en")
    assert "Department" in english.split('<div id="wrap">')[0]


def test_edges_and_focus_from_a_selection():
    sub = select(make_graph(), Selection(department="省财政厅", with_units=False))
    page = render_html(sub, focus=sub.focus)
    nodes = {n["id"]: n for n in _data(page, "nodes")}
    edges = _data(page, "edges")
    assert nodes["dept/czt"]["size"] > nodes["task/p/3"]["size"]
    assert {(e["from"], e["to"]) for e in edges} >= {("task/p/3", "dept/czt"), ("task/p/1", "dept/czt")}
    assert any(e.get("dashes") for e in edges)       # SUPPORT drawn dashed
    assert f'data-node-count="{len(sub)}"' in page


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of an sRGB colour (D65)."""
    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_one_colour_per_meaning():
    """Levels, node types, deadline statuses and drawn relations use colours no other set uses, apart enough to
    tell (CIE76 ΔE >= 20); levels apart from one another too."""
    import itertools
    import math

    from policykg.graph.views.network_page import EDGE_COLOURS, LEVEL_COLOURS, STATUS_COLOURS

    sets = {"type": TYPE_COLOURS, "level": LEVEL_COLOURS, "status": STATUS_COLOURS,
            "relation": {"IMPLEMENTS": EDGE_COLOURS["IMPLEMENTS"]}}
    for (a, one), (b, other) in itertools.combinations(sets.items(), 2):
        for (k1, c1), (k2, c2) in itertools.product(one.items(), other.items()):
            assert math.dist(_lab(c1), _lab(c2)) >= 20, (a, k1, c1, b, k2, c2)
    for c1, c2 in itertools.combinations(LEVEL_COLOURS.values(), 2):
        assert math.dist(_lab(c1), _lab(c2)) >= 20


def test_the_legend_names_levels_types_and_relations():
    from policykg.graph.model import Edge, Node, PolicyGraph
    from policykg.graph.views.network_page import LEVEL_COLOURS

    g = PolicyGraph()
    g.add_node(Node("doc/d", "Document", {"doc_id": "d", "level": "provincial", "title": "T"}))
    g.add_node(Node("task/d/1", "Task", {"doc_id": "d", "text": "x", "location": "table 1, row 2"}))
    g.add_node(Node("dept/a", "Department", {"name": "甲", "level": "provincial"}))
    g.add_edge(Edge("doc/d", "HAS_TASK", "task/d/1"))
    g.add_edge(Edge("task/d/1", "SUPPORT", "dept/a"))
    page = render_html(g, lang="zh")
    for words in ("文件", "任务", "部门", "省级", "配合"):
        assert f"</span>{words}</span>" in page
    assert LEVEL_COLOURS["provincial"] in page and "dashed" in page
    assert "出处: 表1第2行" in page and "文件: T" in page and "doc_id" not in page.split("<script>")[0]
