"""Writing a selected part of the graph (a ``PolicyGraph``, usually from ``subgraph.select``) as files.

GraphML (Gephi, yEd), CSV (nodes + edges), RDF (Turtle, N-Triples, JSON-LD) and a standalone HTML page. Every
format carries exactly the same nodes and edges; the RDF goes through the one codec (``rdf_codec.graph_quads``)
and the HTML through the one renderer (``view.render_html``), so no format has a mapping of its own.

    sub = select(graph, Selection(department="江西省教育厅"))
    export_graph(sub, "graphml", "jyt.graphml")
"""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterable

from policykg.graph.model import Edge, Node, PolicyGraph
from policykg.graph.stores.rdf_codec import graph_quads
from policykg.graph.export.rdf import export_rdf
from policykg.graph.views.subgraph import TASK_LABELS, find_nodes
from policykg.graph.views.network_page import node_caption, render_html
from policykg.ontology.mapping import load_mapping

RDF_FORMATS = ("ttl", "nt", "jsonld")
GRAPH_FORMATS = ("graphml", "csv", *RDF_FORMATS, "html")
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
# GraphML ids are XML NMTOKENs (no "/"), so nodes are n0, n1, ... and keep their policykg id in "pk_id".
ID_KEY, TYPE_KEY, LABEL_KEY = "pk_id", "type", "label"
_RESERVED = {ID_KEY, TYPE_KEY, LABEL_KEY}
NODE_COLUMNS = ("id", "type", "label")
EDGE_COLUMNS = ("source", "type", "target")


class ExportError(ValueError):
    """An export that cannot be written as asked (empty selection, unknown format, bad output path)."""


def export_graph(graph: PolicyGraph, fmt: str, output: str | Path, title: str = "",
                 focus: list[str] | None = None) -> list[Path]:
    """Write ``graph`` in ``fmt`` to ``output``; returns the files written. Refuses an empty graph."""
    if fmt not in GRAPH_FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of: {', '.join(GRAPH_FORMATS)}")
    if not graph.nodes:
        raise ExportError("the selection is empty: nothing to export")
    output = Path(output)
    if fmt == "csv":
        return write_csv(graph, output)
    if fmt == "graphml":
        data = graphml_bytes(graph)
    elif fmt == "html":
        data = render_html(graph, title=title, focus=focus, height="85vh").encode("utf-8")
    else:
        data = rdf_bytes(graph, fmt)
    _parent(output)
    output.write_bytes(data)
    return [output]


def _parent(path: Path) -> None:
    if path.parent and not path.parent.exists():
        raise ExportError(f"cannot write {path}: folder {path.parent} does not exist")


def export_bytes(graph: PolicyGraph, fmt: str, title: str = "", focus: list[str] | None = None) -> bytes:
    """One-file formats as bytes (for stdout and the explorer's download buttons)."""
    if fmt == "graphml":
        return graphml_bytes(graph)
    if fmt == "html":
        return render_html(graph, title=title, focus=focus, height="85vh").encode("utf-8")
    if fmt in RDF_FORMATS:
        return rdf_bytes(graph, fmt)
    raise ExportError(f"{fmt} is not a one-file format; choose one of: graphml, html, {', '.join(RDF_FORMATS)}")


# -- RDF --------------------------------------------------------------------------------------------------

def rdf_bytes(graph: PolicyGraph, fmt: str) -> bytes:
    """The RDF of exactly these nodes and edges, through the same codec the RDF store is written with."""
    if fmt not in RDF_FORMATS:
        raise ExportError(f"unknown RDF format {fmt!r}; choose one of: {', '.join(RDF_FORMATS)}")
    return export_rdf(graph_quads(graph, load_mapping(), interop=True), fmt)


# -- values shared by GraphML and CSV -----------------------------------------------------------------------

def cell(value: Any) -> Any:
    """A property value for a flat format: lists as JSON text (they may hold any character), the rest as is."""
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def _prop_names(items: Iterable[Node | Edge]) -> list[str]:
    """Property names in first-seen order (the mapping's order within each label)."""
    return list(dict.fromkeys(name for item in items for name in item.props))


def _sorted_nodes(graph: PolicyGraph) -> list[Node]:
    return sorted(graph.nodes.values(), key=lambda n: (n.label, n.id))


def _sorted_edges(graph: PolicyGraph) -> list[Edge]:
    return sorted(graph.edges.values(), key=lambda e: e.key)


# -- GraphML ------------------------------------------------------------------------------------------------

def _graphml_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


# Characters XML 1.0 cannot hold at all (control characters other than tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any, kind: str) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(cell(value)))


def _keys(root: ET.Element, domain: str, items: list[Node | Edge],
          prefix: str) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Declare the <key>s of nodes or edges: (fixed keys by name, property keys by property name) ->
    (key id, GraphML type). A property that shares a fixed key's name is declared as prop_NAME."""
    fixed_names = [ID_KEY, TYPE_KEY] + ([LABEL_KEY] if domain == "node" else [])
    declared = [(name, name, "string") for name in fixed_names]
    for name in _prop_names(items):
        kind = _graphml_type([item.props.get(name) for item in items])
        declared.append((name, name if name not in _RESERVED else f"prop_{name}", kind))
    fixed: dict[str, tuple[str, str]] = {}
    props: dict[str, tuple[str, str]] = {}
    for i, (name, attr_name, kind) in enumerate(declared):
        key_id = f"{prefix}{i}"
        ET.SubElement(root, f"{{{GRAPHML_NS}}}key", {"id": key_id, "for": domain, "attr.name": attr_name,
                                                   "attr.type": kind})
        (fixed if i < len(fixed_names) else props)[name] = (key_id, kind)
    return fixed, props


def _data(parent: ET.Element, key: tuple[str, str], value: Any) -> None:
    if value is None:
        return
    key_id, kind = key
    ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key_id}).text = _text(value, kind)


def graphml_bytes(graph: PolicyGraph) -> bytes:
    """GraphML 1.0 valid against the GraphML schema: typed keys, node label = the readable caption."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    nodes, edges = _sorted_nodes(graph), _sorted_edges(graph)
    node_fixed, node_props = _keys(root, "node", nodes, "n")
    edge_fixed, edge_props = _keys(root, "edge", edges, "e")
    g = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "policykg", "edgedefault": "directed"})
    xml_id = {}
    for i, node in enumerate(nodes):
        xml_id[node.id] = f"n{i}"
        el = ET.SubElement(g, f"{{{GRAPHML_NS}}}node", {"id": f"n{i}"})
        _data(el, node_fixed[ID_KEY], node.id)
        _data(el, node_fixed[TYPE_KEY], node.label)
        _data(el, node_fixed[LABEL_KEY], node_caption(node, full=True))
        for name, value in node.props.items():
            _data(el, node_props[name], value)
    for i, edge in enumerate(edges):
        el = ET.SubElement(g, f"{{{GRAPHML_NS}}}edge",
                           {"id": f"e{i}", "source": xml_id[edge.source], "target": xml_id[edge.target]})
        _data(el, edge_fixed[ID_KEY], f"{edge.source}|{edge.type}|{edge.target}")
        _data(el, edge_fixed[TYPE_KEY], edge.type)
        for name, value in edge.props.items():
            _data(el, edge_props[name], value)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


# -- CSV ----------------------------------------------------------------------------------------------------

def csv_paths(output: Path) -> tuple[Path, Path]:
    """``out/`` (a folder) gives out/nodes.csv + out/edges.csv; ``out/jyt.csv`` gives jyt.nodes.csv + jyt.edges.csv."""
    if output.suffix.lower() == ".csv":
        stem = output.with_suffix("")
        return stem.with_name(stem.name + ".nodes.csv"), stem.with_name(stem.name + ".edges.csv")
    return output / "nodes.csv", output / "edges.csv"


def write_csv(graph: PolicyGraph, output: Path) -> list[Path]:
    """Two UTF-8 CSV files (with a byte-order mark, so Excel shows the Chinese), lists as JSON text."""
    nodes_path, edges_path = csv_paths(output)
    if output.suffix.lower() != ".csv":
        if output.exists() and not output.is_dir():
            raise ExportError(f"cannot write CSV into {output}: it is a file (give a folder or NAME.csv)")
        output.mkdir(parents=True, exist_ok=True)
    else:
        _parent(nodes_path)
    nodes, edges = _sorted_nodes(graph), _sorted_edges(graph)
    node_props = [p for p in _prop_names(nodes) if p not in NODE_COLUMNS]
    edge_props = [p for p in _prop_names(edges) if p not in EDGE_COLUMNS]
    with nodes_path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([*NODE_COLUMNS, *node_props])
        for n in nodes:
            w.writerow([n.id, n.label, node_caption(n, full=True), *(_csv(n.props.get(p)) for p in node_props)])
    with edges_path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([*EDGE_COLUMNS, *edge_props])
        for e in edges:
            w.writerow([e.source, e.type, e.target, *(_csv(e.props.get(p)) for p in edge_props)])
    return [nodes_path, edges_path]


def _csv(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return cell(value)


# -- a saved query's result as a selection ----------------------------------------------------------------------

# What a cell can name besides a node id (a task's doc_id must not stand for every task of the document).
_NAMED_LABELS = ("Department", "Document", "Function", "Jurisdiction")


def refs_from_rows(graph: PolicyGraph, columns: list[str], rows: list[list[Any]]) -> list[str]:
    """The node ids a query result names: a row's (document, task_no) pair is that task; other cells are node
    ids, department names, doc ids... When any row names a task, the tasks alone are the result."""
    tasks_by_no: dict[tuple[str, str], list[str]] = {}
    for n in graph.nodes.values():
        if n.label in TASK_LABELS and n.props.get("task_no") is not None:
            tasks_by_no.setdefault((str(n.props.get("doc_id")), str(n.props["task_no"])), []).append(n.id)
    pairs = [(c, c[: -len("task_no")] + "document") for c in columns
             if c.endswith("task_no") and c[: -len("task_no")] + "document" in columns]
    tasks: list[str] = []
    others: list[str] = []
    for row in rows:
        values = dict(zip(columns, row))
        for no_col, doc_col in pairs:
            found = tasks_by_no.get((str(values.get(doc_col)), str(values.get(no_col))), [])
            text = values.get(no_col[: -len("task_no")] + "text")
            if len(found) > 1 and text:   # task numbers repeat in some lists: the row's text tells them apart
                found = [t for t in found if text in (graph.nodes[t].props.get("text"),
                                                      graph.nodes[t].props.get("measure"))] or found
            tasks += [t for t in found if t not in tasks]
        for value in row:
            for item in (value if isinstance(value, list) else [value]):
                if isinstance(item, str) and item:
                    found = [item] if item in graph.nodes else \
                        [i for label in _NAMED_LABELS for i in find_nodes(graph, item, label)]
                    tasks += [i for i in found if graph.nodes[i].label in TASK_LABELS and i not in tasks]
                    others += [i for i in found if graph.nodes[i].label not in TASK_LABELS and i not in others]
    return tasks or others
