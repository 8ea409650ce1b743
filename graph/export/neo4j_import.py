"""The files of Neo4j's offline importer (``neo4j-admin database import full``) for a first national load into an
empty Neo4j database (`policykg import-files`): one CSV file per label and per relationship type with its end
labels, holding the rows the store's writer would send (``neo4j_write.DocumentRows``: ids, owners, summaries,
Document hashes), the mapping's property types in the headers.

Streamed: each document's own nodes and edges go to the files as it comes; the shared nodes (departments,
functions, jurisdictions) and their single-valued links are kept until the end, where later documents' values win,
as in one big write batch. The headers come from the mapping, not from the rows, so no file is read twice.
Measured at 100,000 tasks (benchmarks/bench_neo4j_import.py): import and indexes 40 s where ``write_documents``
takes 115 s.
"""
from __future__ import annotations

import datetime as dt
import shlex
from collections import defaultdict
from pathlib import Path
from typing import Any

from policykg.graph.model import PolicyGraph
from policykg.graph.stores import cypher_codec as cc
from policykg.graph.stores.neo4j_write import DocumentRows
from policykg.ontology.mapping import Mapping, PropertySpec, load_mapping

# The importer's column types for the mapping's property types (string-list: an array, see ARRAY_DELIMITER).
CSV_TYPES = {"string": "string", "integer": "long", "decimal": "double", "boolean": "boolean", "date": "date",
             "string-list": "string[]"}
ARRAY_DELIMITER = "\x1f"        # a control character no text holds (the default ';' is common in Chinese text)
# what every import needs besides the files: arrays split on ARRAY_DELIMITER, line breaks inside task texts
IMPORTER_OPTIONS = (f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}", "--multiline-fields=true")


def _field(value: Any) -> str:
    """One CSV field: no value an empty unquoted field (the importer sets no property), text always quoted (an
    empty string stays one; line breaks stay inside the quotes), numbers bare."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, list):
        value = ARRAY_DELIMITER.join(value)
    return '"' + str(value).replace('"', '""') + '"'


def _column(name: str, specs: dict[str, PropertySpec]) -> str:
    spec = specs.get(name)
    return f"{name}:{CSV_TYPES[spec.type] if spec else 'string'}"


class _CsvFile:
    """One importer file: a header of ends and typed property columns, then one row per node or edge."""

    def __init__(self, path: Path, ends: list[str], specs: dict[str, PropertySpec], owned: bool) -> None:
        self.path = path
        self.keys = sorted(specs) + ([cc.DOC] if owned else [])
        self._file = path.open("w", encoding="utf-8", newline="")
        self._row([*ends, *(_column(k, specs) for k in self.keys)])

    def check(self, props: dict[str, Any]) -> None:
        unknown = set(props) - set(self.keys) - {cc.ID}
        if unknown:
            raise cc.CodecError(f"{self.path.name}: no column for {sorted(unknown)}")

    def write(self, ends: list[str], props: dict[str, Any]) -> None:
        self._row([*ends, *(props.get(k) for k in self.keys)])

    def _row(self, values: list[Any]) -> None:
        self._file.write(",".join(_field(v) for v in values) + "\n")

    def close(self) -> None:
        self._file.close()


class ImportFiles:
    """The importer's files in ``out`` (an empty or new folder), written as documents are added."""

    def __init__(self, out: Path, m: Mapping | None = None) -> None:
        self.out, self.m = Path(out), m or load_mapping()
        if self.out.exists() and not self.out.is_dir():
            raise ValueError(f"{self.out} is a file: the importer's files go into a new or empty folder")
        self.out.mkdir(parents=True, exist_ok=True)
        if any(self.out.iterdir()):
            raise ValueError(f"{self.out} is not empty: the importer's files go into an empty or new folder")
        self._nodes: dict[str, _CsvFile] = {}
        self._edges: dict[tuple[str, str, str], _CsvFile] = {}
        self._shared: dict[str, dict[str, dict]] = defaultdict(dict)
        self._single: dict[tuple[str, str, str], dict[str, dict]] = defaultdict(dict)

    def add(self, doc: str, sha256: str, graph: PolicyGraph) -> None:
        """One document: checked and planned as the writer plans it (CodecError: nothing of it is written)."""
        rows = DocumentRows(doc, sha256, graph, self.m)
        own = [(self._node_file(label, owned=True), [row[cc.ID]], row)
               for label, found in rows.owned.items() for row in found]
        own += [(self._edge_file(key, owned=True), [row["s"], row["t"]], row["p"])
                for key, found in rows.edges.items() for row in found]
        for file, _ends, props in own:         # every row checked before any is written
            file.check(props)
        for file, ends, props in own:
            file.write(ends, props)
        for label, found in rows.shared.items():
            merged = self._shared[label]
            for row in found:
                merged[row[cc.ID]] = {**merged.get(row[cc.ID], {}), **row}
        for key, found in rows.single.items():
            for row in found:
                self._single[key][row["s"]] = row

    def close(self) -> list[str]:
        """Write the shared nodes and their links, close every file; the importer's --nodes / --relationships
        arguments."""
        for label, merged in self._shared.items():
            file = self._node_file(label, owned=False)
            for row in merged.values():
                file.check(row)
                file.write([row[cc.ID]], row)
        for key, by_source in self._single.items():
            file = self._edge_file(key, owned=False)
            for row in by_source.values():
                file.check(row["p"])
                file.write([row["s"], row["t"]], row["p"])
        for file in [*self._nodes.values(), *self._edges.values()]:
            file.close()
        return ([f"--nodes={label}={f.path}" for label, f in sorted(self._nodes.items())]
                + [f"--relationships={key[0]}={f.path}" for key, f in sorted(self._edges.items())])

    def _node_file(self, label: str, owned: bool) -> _CsvFile:
        if label not in self._nodes:
            # node ids are global (the RDF store's IRIs are made from them): one id space for every label
            self._nodes[label] = _CsvFile(self.out / f"nodes-{label}.csv", ["id:ID"],
                                          self.m.written_node(label).properties, owned)
        return self._nodes[label]

    def _edge_file(self, key: tuple[str, str, str], owned: bool) -> _CsvFile:
        if key not in self._edges:
            self._edges[key] = _CsvFile(self.out / f"rels-{'-'.join(key)}.csv", [":START_ID", ":END_ID"],
                                        self.m.written_rel(key[0]).properties, owned)
        return self._edges[key]


def importer_command(args: list[str], admin: str = "neo4j-admin") -> str:
    """The shell command that imports the files into the default database (``neo4j``; not named on the command
    line, where the last --relationships would take it for one of its files)."""
    return " ".join(shlex.quote(a) for a in [admin, "database", "import", "full", *IMPORTER_OPTIONS, *args])


__all__ = ["ARRAY_DELIMITER", "CSV_TYPES", "IMPORTER_OPTIONS", "ImportFiles", "importer_command"]
