"""Drawing a PolicyGraph as one standalone HTML page (pyvis / vis-network), usable with no network at all.

The vis-network script and style bundled with pyvis are embedded inline, never fetched from a CDN: many
government networks have no internet. Task text is untrusted, so no data string ever reaches the page as
markup: node and edge data travel as JSON with ``<``, ``>`` and ``&`` escaped (a ``</script>`` in a task cannot
close the script), labels are drawn on the canvas, and tooltips and the details panel are built with
``textContent``. Colours: the fill says the node type, the border says the level; a legend explains both.
"""
from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from policykg.graph.model import Edge, Node, PolicyGraph

if TYPE_CHECKING:
    from pyvis.network import Network

# Display names, declared once; the explorer reuses them.
TYPE_NAMES: dict[str, dict[str, str]] = {
    "Document": {"zh": "文件", "en": "Document"},
    "Task": {"zh": "任务", "en": "Task"},
    "SchoolMeasure": {"zh": "学校举措", "en": "School measure"},
    "Department": {"zh": "部门", "en": "Department"},
    "Function": {"zh": "职能", "en": "Function"},
    "Jurisdiction": {"zh": "辖区", "en": "Jurisdiction"},
    "Target": {"zh": "目标", "en": "Target"},
    "Deadline": {"zh": "时限", "en": "Deadline"},
}
LEVEL_NAMES: dict[str, dict[str, str]] = {
    "national": {"zh": "国家级", "en": "National"},
    "provincial": {"zh": "省级", "en": "Provincial"},
    "municipal": {"zh": "市级", "en": "Municipal"},
    "county": {"zh": "县级", "en": "County"},
    "institution": {"zh": "学校/单位", "en": "Institution"},
}
RELATION_NAMES: dict[str, dict[str, str]] = {
    "HAS_TASK": {"zh": "包含任务", "en": "has task"},
    "CITES": {"zh": "引用", "en": "cites"},
    "HAS_MEASURE": {"zh": "学校举措", "en": "has measure"},
    "LEAD": {"zh": "牵头", "en": "lead"},
    "SUPPORT": {"zh": "配合", "en": "support"},
    "HAS_TARGET": {"zh": "目标", "en": "has target"},
    "HAS_DEADLINE": {"zh": "时限", "en": "has deadline"},
    "SUB_ORGANIZATION_OF": {"zh": "隶属", "en": "part of"},
    "HAS_FUNCTION": {"zh": "职能", "en": "function"},
    "IN_JURISDICTION": {"zh": "辖区", "en": "jurisdiction"},
    "IMPLEMENTS": {"zh": "落实", "en": "implements"},
    "RESTATES_TARGET": {"zh": "对应上级目标", "en": "restates target"},
}
# One colour per meaning, the same in both languages: a node type's fill, a level's colour (a ring on the graph
# page, the fill of the implementation tree, bars of the overview) and a deadline status are three sets that
# share no colour (tests/test_view.py keeps them apart by perceived difference, CIE76 ΔE >= 20).
TYPE_COLOURS = {
    "Document": "#4e79a7", "Task": "#f28e2b", "SchoolMeasure": "#edc948", "Department": "#59a14f",
    "Function": "#b07aa1", "Jurisdiction": "#9c755f", "Target": "#e15759", "Deadline": "#76b7b2",
}
LEVEL_COLOURS = {
    "national": "#8c1d40", "provincial": "#1d3f8c", "municipal": "#0f7a5c", "county": "#7a5a00",
    "institution": "#5e2a8c",
}
STATUS_COLOURS = {"overdue": "#d62728", "open": "#525252", "ongoing": "#c7c7c7"}
TYPE_SHAPES = {"Document": "box", "Department": "diamond", "Function": "hexagon", "Jurisdiction": "triangle",
               "Target": "star", "Deadline": "square"}
_LEVELLED = ("Document", "Task", "SchoolMeasure", "Department", "Jurisdiction")   # the border says their level
# relationships drawn in their own colour (the rest light grey); support is also dashed
EDGE_COLOURS = {"LEAD": "#333333", "SUPPORT": "#888888", "IMPLEMENTS": "#ff4fa3"}
_LABEL_CHARS = 16
_TOOLTIP_PROPS = ("doc_id", "task_no", "section", "text", "measure", "title", "name", "name_en", "key", "kind",
                  "level", "jurisdiction", "function", "issuing_body", "date", "deadline_text", "value", "unit",
                  "qualifier", "object", "start", "end", "location", "code", "label_en")


def function_label(code: str | None, lang: str = "zh") -> str | None:
    """A function code's label from the reference data (the graph's Function nodes carry only the code)."""
    from policykg.ontology.reference import functions

    if not code:
        return None
    entry = functions().get(code)
    return (entry.zh if lang == "zh" else entry.en) if entry else code


def name_of(names: dict[str, dict[str, str]], key: str | None, lang: str = "zh") -> str:
    if key is None:
        return ""
    return names.get(key, {}).get(lang, key)


def quoted(title: str) -> str:
    """《title》, with book-title marks inside it turned into the inner 〈〉 as Chinese usage wants."""
    return "《" + str(title).replace("《", "〈").replace("》", "〉") + "》"


# "关于印发《X》的通知": the tasks are in the attachment X, which is the name to cite.
_ATTACHMENT = re.compile(r"印发\s*《([^》]+)》")


def document_name(props: dict) -> str:
    """The title to cite a document by: the attachment of a 印发 notice, else its title (or its id).

    Not a 文号: ``document_numbers`` holds every number found in the text, the cited documents' included, so
    its first entry is not known to be the document's own.
    """
    title = props.get("title") or props.get("doc_id") or ""
    m = _ATTACHMENT.search(title)
    return re.sub(r"\s+", " ", m.group(1) if m else title).strip()


def node_caption(node: Node, full: bool = False) -> str:
    """The short Chinese caption a person recognises a node by."""
    p = node.props
    if node.label == "Task":
        text = p.get("text") or ""
        head = f"{p.get('task_no')}. " if p.get("task_no") else ""
        caption = head + text
    elif node.label == "SchoolMeasure":
        caption = p.get("measure") or p.get("task_no") or node.id
    elif node.label == "Document":
        caption = p.get("title") or p.get("doc_id") or node.id
    elif node.label == "Function":
        caption = p.get("label_zh") or function_label(p.get("code"), "zh") or node.id
    elif node.label in ("Target", "Deadline"):
        caption = p.get("text") or node.id
    else:
        caption = p.get("name") or p.get("key") or node.id
    caption = str(caption)
    if not full and len(caption) > _LABEL_CHARS:
        caption = caption[:_LABEL_CHARS] + "…"
    return caption


def node_level(graph: PolicyGraph, node: Node) -> str | None:
    """A node's level: its own, or for a task its document's (first part of combined levels)."""
    level = node.props.get("level")
    if level is None and node.label in ("Task", "SchoolMeasure"):
        doc_id = node.props.get("doc_id")
        for doc in graph.nodes_by_label("Document"):
            if doc.props.get("doc_id") == doc_id:
                level = doc.props.get("level")
                break
    return str(level).split("+")[0] if level else None


# The fields of a node's details, named for people (never the property names of the data model).
FIELD_NAMES: dict[str, dict[str, str]] = {
    "doc_id": {"zh": "文件", "en": "Document"}, "task_no": {"zh": "序号", "en": "No."},
    "section": {"zh": "所属部分", "en": "Section"}, "text": {"zh": "内容", "en": "Text"},
    "measure": {"zh": "学校举措", "en": "Measure"}, "title": {"zh": "标题", "en": "Title"},
    "name": {"zh": "名称", "en": "Name"}, "name_en": {"zh": "英文名称", "en": "English name"},
    "key": {"zh": "标识", "en": "Key"}, "kind": {"zh": "类别", "en": "Kind"},
    "level": {"zh": "层级", "en": "Level"}, "jurisdiction": {"zh": "辖区", "en": "Jurisdiction"},
    "function": {"zh": "职能", "en": "Function"}, "issuing_body": {"zh": "发文机关", "en": "Issued by"},
    "date": {"zh": "日期", "en": "Date"}, "deadline_text": {"zh": "时限", "en": "Deadline"},
    "value": {"zh": "数值", "en": "Value"}, "unit": {"zh": "单位", "en": "Unit"},
    "qualifier": {"zh": "限定", "en": "Qualifier"}, "object": {"zh": "对象", "en": "Object"},
    "start": {"zh": "开始", "en": "Start"}, "end": {"zh": "截止", "en": "End"},
    "location": {"zh": "出处", "en": "Source"}, "code": {"zh": "代码", "en": "Code"},
    "label_en": {"zh": "英文名称", "en": "English name"}, "id": {"zh": "节点编号", "en": "Node id"},
}
# Kinds of deadline and of department, as people say them.
KIND_NAMES: dict[str, dict[str, str]] = {
    "by-date": {"zh": "限期完成", "en": "by a date"}, "period": {"zh": "期间", "en": "period"},
    "recurring": {"zh": "定期", "en": "recurring"}, "ongoing": {"zh": "持续推进", "en": "ongoing"},
    "government": {"zh": "政府部门", "en": "government body"}, "division": {"zh": "内设处室", "en": "division"},
    "collective": {"zh": "泛指的部门", "en": "collective placeholder"}, "party": {"zh": "党委部门", "en": "party body"},
    "mass-organisation": {"zh": "群团组织", "en": "mass organisation"},
    "institution": {"zh": "学校及单位", "en": "institution"},
}
_LOCATION = re.compile(r"(?:table (?P<table>\d+), row (?P<row>\d+)|paragraph (?P<para>\d+))"
                       r"(?: \((?P<place>[^)]*)\))?")
_PLACE = re.compile(r"(?:sheet (?P<sheet>.+?), row (?P<srow>\d+)|page (?P<page>\d+)(?:, line (?P<line>\d+))?)")


def location_name(location: str | None, lang: str = "zh") -> str:
    """Where in the file a task was read, in words: "table 1, row 7" -> 表1第7行, "paragraph 12 (page 3, line 5)"
    -> 第12段（第3页第5行）. English keeps the original; anything unrecognised is returned as it is."""
    if not location or lang != "zh":
        return str(location or "")
    m = _LOCATION.fullmatch(str(location).strip())
    if m is None:
        return str(location)
    out = f"表{m['table']}第{m['row']}行" if m["table"] else f"第{m['para']}段"
    if m["place"]:
        p = _PLACE.fullmatch(m["place"])
        if p is None:
            return out + f"（{m['place']}）"
        if p["sheet"]:
            out += f"（工作表“{p['sheet']}”第{p['srow']}行）"
        else:
            out += f"（第{p['page']}页" + (f"第{p['line']}行" if p["line"] else "") + "）"
    return out


def node_details(node: Node, lang: str = "zh", doc_titles: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(field, value) lines describing a node, in words (field names, levels, kinds, locations and the
    document's title, never its id): for tooltips, the details panel and the explorer."""
    lines = [(("类型" if lang == "zh" else "Type"), name_of(TYPE_NAMES, node.label, lang))]
    for prop in _TOOLTIP_PROPS:
        value = node.props.get(prop)
        if value in (None, "", []):
            continue
        if prop == "level":
            value = "+".join(name_of(LEVEL_NAMES, part, lang) for part in str(value).split("+"))
        elif prop == "kind":
            value = name_of(KIND_NAMES, str(value), lang)
        elif prop == "location":
            value = location_name(str(value), lang)
        elif prop == "doc_id":
            value = (doc_titles or {}).get(str(value), value)
        elif prop == "function":
            value = function_label(str(value), lang) or value
        elif isinstance(value, (list, tuple)):
            value = "、".join(str(v) for v in value)
        lines.append((name_of(FIELD_NAMES, prop, lang), str(value)))
    lines.append((name_of(FIELD_NAMES, "id", lang), node.id))
    return lines


def _script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element whatever the strings hold."""
    text = json.dumps(value, ensure_ascii=False)
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def _bundled(name: str) -> str:
    return resources.files("pyvis").joinpath("lib", "vis-9.1.2", name).read_text(encoding="utf-8")


def build_network(graph: PolicyGraph, lang: str = "zh", focus: list[str] | None = None) -> "Network":
    """The pyvis network of a graph: nodes coloured by type (fill) and level (border), focus nodes larger."""
    from pyvis.network import Network  # imported on use: it costs a quarter second at every CLI start

    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    focus_set = set(focus or ())
    levels = _levels_by_doc(graph)
    titles = {str(d.props.get("doc_id")): str(d.props.get("title")) for d in graph.nodes_by_label("Document")
              if d.props.get("doc_id") and d.props.get("title")}
    for node in graph.nodes.values():
        level = node.props.get("level") or (levels.get(node.props.get("doc_id"))
                                            if node.label in ("Task", "SchoolMeasure") else None)
        level = str(level).split("+")[0] if level and node.label in _LEVELLED else None
        net.add_node(
            node.id,
            label=node_caption(node),
            shape=TYPE_SHAPES.get(node.label, "dot"),
            color={"background": TYPE_COLOURS.get(node.label, "#bab0ac"),
                   "border": LEVEL_COLOURS.get(level, "#cccccc")},
            borderWidth=4 if level else 1,
            size=28 if node.id in focus_set else 16,
            font={"size": 16 if node.id in focus_set else 12},
            # plain text; turned into a DOM element with textContent on the page
            tip=[f"{k}: {v}" for k, v in node_details(node, lang, titles)],
            kind=node.label,   # not "group": pyvis drops the colour of grouped nodes
        )
    small = len(graph.nodes) <= 60
    for edge in graph.edges.values():
        rel = name_of(RELATION_NAMES, edge.type, lang)
        net.add_edge(edge.source, edge.target, label=rel if small else None, tip=[rel] + _edge_lines(edge),
                     color=EDGE_COLOURS.get(edge.type, "#bbbbbb"), dashes=edge.type == "SUPPORT",
                     arrows="to", font={"size": 10})
    return net


def _levels_by_doc(graph: PolicyGraph) -> dict[str, str]:
    return {d.props["doc_id"]: d.props["level"] for d in graph.nodes_by_label("Document")
            if d.props.get("doc_id") and d.props.get("level")}


def _edge_lines(edge: Edge) -> list[str]:
    return [f"{k}: {v}" for k, v in edge.props.items() if v not in (None, "")]


def legend_entries(graph: PolicyGraph, lang: str = "zh") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, colour) for the node types and the levels present in the graph."""
    present = {n.label for n in graph.nodes.values()}
    types = [(name_of(TYPE_NAMES, t, lang), c) for t, c in TYPE_COLOURS.items() if t in present]
    doc_levels = set(_levels_by_doc(graph).values())
    levels_present = {str(n.props.get("level")).split("+")[0] for n in graph.nodes.values() if n.props.get("level")}
    levels_present |= {str(v).split("+")[0] for v in doc_levels}
    levels = [(name_of(LEVEL_NAMES, lv, lang), c) for lv, c in LEVEL_COLOURS.items() if lv in levels_present]
    return types, levels


def legend_html(fills=(), rings=(), lines=()) -> str:
    """The legend's swatches: (name, colour) filled squares, rings and (name, colour, dashed) lines."""
    out = [f'<span class="item"><span class="sw" style="background:{c}"></span>{html.escape(n)}</span>'
           for n, c in fills]
    out += [f'<span class="item"><span class="sw ring" style="border-color:{c}"></span>{html.escape(n)}</span>'
            for n, c in rings]
    out += [f'<span class="item"><span class="ln" style="border-top:3px {"dashed" if d else "solid"} {c}">'
            f'</span>{html.escape(n)}</span>' for n, c, d in lines]
    return "".join(out)


def render_html(graph: PolicyGraph, title: str = "", lang: str = "zh", focus: list[str] | None = None,
                height: str = "640px", note: str | None = None) -> str:
    """A standalone HTML page drawing ``graph``; opens offline, with a legend and a details panel."""
    net = build_network(graph, lang, focus)
    types, levels = legend_entries(graph, lang)
    rels = {e.type for e in graph.edges.values()}
    legend = legend_html(types, levels, [(name_of(RELATION_NAMES, r, lang), c, r == "SUPPORT")
                                         for r, c in EDGE_COLOURS.items() if r in rels])
    options = {
        "physics": {"solver": "barnesHut", "stabilization": {"iterations": 150, "fit": True},
                    "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "avoidOverlap": 0.1}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
        "edges": {"smooth": {"type": "continuous"}},
        "nodes": {"font": {"face": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"}},
    }
    hint = "点击节点查看详情" if lang == "zh" else "Click a node for its details"
    return _PAGE.format(
        lang="zh-CN" if lang == "zh" else "en",
        title=html.escape(title or ("政策图谱" if lang == "zh" else "Policy graph")),
        css=_bundled("vis-network.css"),
        js=_bundled("vis-network.min.js"),
        height=html.escape(height),
        legend=legend,
        note=f'<div class="note">{html.escape(note)}</div>' if note else "",
        hint=html.escape(hint),
        nodes=_script_json(net.nodes),
        edges=_script_json(net.edges),
        options=_script_json(options),
        count=len(graph.nodes),
    )


# Doubled braces are literal; every {field} is either escaped text or script-safe JSON.
_PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="generator" content="policykg-generated">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<style>
body {{ margin: 0; font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; font-size: 14px; }}
#wrap {{ display: flex; gap: 8px; }}
#graph {{ flex: 1; height: {height}; border: 1px solid #ddd; }}
#details {{ width: 260px; height: {height}; overflow: auto; border: 1px solid #ddd; padding: 6px;
           white-space: pre-wrap; word-break: break-all; font-size: 13px; }}
.legend {{ padding: 4px 0; }} .item {{ margin-right: 12px; white-space: nowrap; }}
.sw {{ display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; }}
.ring {{ background: #fff; border: 3px solid; border-radius: 50%; width: 8px; height: 8px; }}
.ln {{ display: inline-block; width: 28px; height: 0; margin-right: 4px; vertical-align: middle; }}
.note {{ background: #fff3cd; padding: 4px 8px; margin-bottom: 4px; }}
.vis-tooltip {{ white-space: pre-wrap; max-width: 420px; }}
</style></head>
<body data-node-count="{count}">
{note}<div class="legend">{legend}</div>
<div id="wrap"><div id="graph"></div><div id="details">{hint}</div></div>
<script>{js}</script>
<script>
(function () {{
  function tip(lines) {{ var el = document.createElement("div"); el.textContent = lines.join("\\n"); return el; }}
  var nodes = {nodes}, edges = {edges};
  nodes.forEach(function (n) {{ n.title = tip(n.tip); }});
  edges.forEach(function (e) {{ e.title = tip(e.tip); }});
  var data = {{ nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges) }};
  var network = new vis.Network(document.getElementById("graph"), data, {options});
  network.once("stabilizationIterationsDone", function () {{ network.setOptions({{ physics: false }}); }});
  var byId = {{}}; nodes.forEach(function (n) {{ byId[n.id] = n; }});
  network.on("click", function (params) {{
    if (params.nodes.length) {{ document.getElementById("details").textContent = byId[params.nodes[0]].tip.join("\\n"); }}
  }});
  window.policyNetwork = network;
}})();
</script>
</body></html>
"""
