"""The standalone graph page: offline, escaped, coloured, with a legend."""
from __future__ import annotations

import json
import re

from test_subgraph import make_graph

from policykg.graph.subgraph import Selection, select
from policykg.graph.view import TYPE_COLOURS, render_html


def _data(page: str, name: str) -> list[dict]:
    match = re.search(rf"var nodes = (\[.*?\]), edges = (\[.*?\]);\n", page, re.S)
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
