"""`policykg export`: the whole stored graph as RDF, or a selected part of it in any format, or a Word briefing."""
from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from policykg.app.briefing_data import describe
from policykg.app.commands.query import _parse_params
from policykg.app.commands.store_options import NEO4J, SPARQL, STORE, open_chosen
from policykg.graph.export.files import GRAPH_FORMATS, ExportError, export_bytes, export_graph, refs_from_rows
from policykg.graph.export.rdf import FORMATS, export_quads, export_rdf
from policykg.graph.views.subgraph import EVERYTHING, Selection, SelectionError, TASK_LABELS, select

# Every format once: the graph formats, the RDF formats with a graph per document (whole store only), the briefing.
ALL_FORMATS = tuple(dict.fromkeys((*GRAPH_FORMATS, *FORMATS, "docx")))
FormatName = Enum("FormatName", {name: name for name in ALL_FORMATS}, type=str)
WHOLE_GRAPH_ONLY = tuple(f for f in FORMATS if f not in GRAPH_FORMATS)     # trig, nq
NEEDS_FILE = ("csv", "docx")

HELP = """Export the stored graph, or one part of it, for other tools; or write a Word briefing on that part.

Without a selector, the whole graph: ttl (Turtle), nt (N-Triples), jsonld (JSON-LD) give the union of all documents' graphs; trig and nq put each document's own statements in a named graph of its own (named by the document's IRI; shared departments and the cross-document links in the default graph).

Choose a part with one of: --department NAME [--with-units] (its tasks, and its divisions' and units'), --document ID, --function CODE (departments of that function at every level), --query NAME -p k=v ... (the tasks, or else the departments and documents, that a canned query's rows name), --node ID --depth N (a neighbourhood). Narrow it with --level, --jurisdiction, --from/--to (deadline range). A part brings each task's document, departments, targets and deadlines along. A selection with nothing in it is an error, not an empty file.

Formats of a part: graphml (Gephi, yEd), csv (nodes.csv + edges.csv: -o FOLDER, or -o NAME.csv for NAME.nodes.csv + NAME.edges.csv), ttl / nt / jsonld (the RDF of exactly that part), html (one standalone page that works offline), docx (a briefing: figures, a co-responsibility map and every obligation by deadline with its source; --as-of sets the date deadlines are counted from).

Example:

    policykg export --format ttl -o graph.ttl

    policykg export --department 江西省教育厅 --with-units --format docx --as-of 2025-06-30 -o 江西省教育厅.docx

    policykg export --document 002_9942bf19912af7cb --format graphml -o jx.graphml

    policykg export --query department-obligations -p department=江西省教育厅 --format csv -o out/

    policykg export --node dept/provincial/江西省/education --depth 2 --format html -o jyt.html
"""


def _fail(message: str) -> None:
    typer.echo(f"policykg: {message}", err=True)
    raise typer.Exit(2)


def _named(target, graph, department: Optional[str], document: Optional[str], node: Optional[str]):
    """The selectors as the graph knows them: a document also by a unique id prefix (001) or part of its title,
    a node also as a task (DOC-NUMBER, title and number, words from its text); a name that matches nothing
    fails naming the closest ones the store holds."""
    from policykg.graph.views.subgraph import find_nodes
    from policykg.queries.lookup import Lookup, NoSuchName, closest

    lookup = Lookup(target)
    try:
        if department is not None and not find_nodes(graph, department, "Department"):
            names = sorted({str(n.props["name"]) for n in graph.nodes_by_label("Department") if n.props.get("name")})
            offered = closest(department, names)
            _fail(f"no department named {department!r}" + (f"; closest: {', '.join(offered)}" if offered else ""))
        if document is not None and not find_nodes(graph, document, "Document"):
            found, offered = lookup.document(document)
            if found is None:
                _fail(f"no document {document!r}" + (f"; closest: {'; '.join(offered)}" if offered else ""))
            typer.echo(f"policykg: document {document!r} is {lookup.describe_document(found)}", err=True)
            document = found
        if node is not None and not find_nodes(graph, node):
            node, note = lookup.task(node)
            typer.echo(f"policykg: {note}", err=True)
    except NoSuchName as exc:
        _fail(str(exc))
    return department, document, node


def _date(value: Optional[str], option: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {value!r} is not a date (YYYY-MM-DD)")


def _query_refs(target, graph, name: str, params: list[str], query_dir: Optional[Path]) -> tuple[list[str], str]:
    """Run a canned query and return the node ids its rows name, and its Chinese title."""
    from policykg.queries.registry import QueryError, Registry
    from policykg.queries.runner import run

    try:
        query = Registry.load(query_dir).get(name)
        result = run(query, target, _parse_params(params))
    except (QueryError, ValueError, RuntimeError) as exc:
        _fail(f"{name}: {exc}")
    refs = refs_from_rows(graph, result.columns, result.rows)
    if not refs:
        _fail(f"the query {name} returned {len(result.rows)} rows naming no task, department or document: "
              "nothing to export")
    return refs, query.title["zh"]


def _default_depth(graph, node: Optional[str], refs) -> int:
    """One hop around a --node; around a query's departments or documents (their tasks); none around its tasks."""
    if node is not None:
        return 1
    return 0 if any(graph.nodes[r].label in TASK_LABELS for r in refs) else 1


def _write(data: bytes, output: Optional[Path], fmt: str) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {output} ({len(data)} bytes, {fmt})", err=True)


def register(app: typer.Typer) -> None:
    @app.command("export", help=HELP)
    def export_command(
        fmt: FormatName = typer.Option("ttl", "--format", "-f", help="Output format."),
        output: Optional[Path] = typer.Option(None, "--output", "-o",
                                              help="File to write (csv: a folder or NAME.csv; default: stdout)."),
        department: Optional[str] = typer.Option(None, "--department", help="Department name, key or node id."),
        with_units: bool = typer.Option(False, "--with-units", help="Also its divisions and units."),
        document: Optional[str] = typer.Option(None, "--document", help="Document id (doc_id) or node id."),
        function: Optional[str] = typer.Option(None, "--function", help="Function code, e.g. education."),
        query: Optional[str] = typer.Option(None, "--query", help="Canned query whose result is the selection."),
        param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE for the query (repeatable)."),
        query_dir: Optional[Path] = typer.Option(None, "--query-dir", help="Folder of your own saved queries."),
        node: Optional[str] = typer.Option(None, "--node", help="Node id (or name) at the centre of a neighbourhood."),
        depth: Optional[int] = typer.Option(None, "--depth", min=0,
                                            help="Hops out from --node (default 1) or from a query's rows (default 0)."),
        level: list[str] = typer.Option([], "--level", help="Keep only this level (repeatable): national, provincial, ..."),
        jurisdiction: list[str] = typer.Option([], "--jurisdiction", help="Keep only this jurisdiction (repeatable)."),
        date_from: Optional[str] = typer.Option(None, "--from", help="Keep tasks due on or after this date."),
        date_to: Optional[str] = typer.Option(None, "--to", help="Keep tasks due on or before this date."),
        as_of: Optional[str] = typer.Option(
            None, "--as-of", help="Briefing: count deadlines from this date [a query's date, else today]."),
        suggestions: bool = typer.Option(
            False, "--with-suggestions", help="Briefing: list the link suggestions awaiting review in an annex."),
        title: Optional[str] = typer.Option(None, "--title", help="Title of the briefing or HTML page."),
        store: Optional[str] = STORE,
        neo4j: Optional[str] = NEO4J,
        sparql: Optional[str] = SPARQL,
    ) -> None:
        fmt_name = fmt.value
        selectors = [x for x in (department, document, function, query, node) if x is not None]
        filtered = bool(level or jurisdiction or date_from or date_to)
        if fmt_name in NEEDS_FILE and output is None:
            _fail(f"--format {fmt_name} needs -o/--output")
        if fmt_name in WHOLE_GRAPH_ONLY and (selectors or filtered):
            _fail(f"--format {fmt_name} exports the whole store, a named graph per document; "
                  f"for a selection use ttl, nt or jsonld")
        if with_units and department is None:
            _fail("--with-units goes with --department NAME")
        if node is not None and len(selectors) > 1:
            _fail("--node cannot be combined with --department, --document, --function or --query")
        lo, hi = _date(date_from, "--from"), _date(date_to, "--to")
        as_of_date = _date(as_of, "--as-of")

        target = open_chosen(store, neo4j, sparql, read_only=True)
        try:
            if not selectors and not filtered and fmt_name in FORMATS:   # the whole store, as it always was
                _write(export_rdf(export_quads(target, by_document=FORMATS[fmt_name][1]), fmt_name), output, fmt_name)
                return
            graph = target.load_graph()
            department, document, node = _named(target, graph, department, document, node)
            refs, query_title, query_params = ((), None, None)
            if query is not None:
                refs, query_title = _query_refs(target, graph, query, param, query_dir)
                query_params = _parse_params(param)
        finally:
            target.close()
        try:
            selection = Selection(
                department=department, with_units=with_units, document=document, function=function,
                nodes=tuple(refs), center=node, depth=depth if depth is not None else _default_depth(graph, node, refs),
                levels=tuple(level), jurisdictions=tuple(jurisdiction), deadline_from=lo, deadline_to=hi,
                max_nodes=EVERYTHING)
        except ValueError as exc:
            _fail(str(exc))
        if fmt_name == "docx":
            _briefing(graph, selection, output, as_of_date, title, query_title, query_params, suggestions)
            return
        try:
            part = graph if not selectors and not filtered else select(graph, selection)
        except SelectionError as exc:
            _fail(str(exc))
        if selectors and node is None and not any(n.label in TASK_LABELS for n in part.nodes.values()):
            _fail("the selection has no tasks (check the name and the filters): nothing to export")
        focus = getattr(part, "focus", None)
        page_title = title or (describe(graph, selection, query_title, query_params)
                               if selectors or filtered else "政策图谱")
        try:
            if output is None:
                _write(export_bytes(part, fmt_name, title=page_title, focus=focus), None, fmt_name)
                return
            written = export_graph(part, fmt_name, output, title=page_title, focus=focus)
        except ExportError as exc:
            _fail(str(exc))
        typer.echo(f"wrote {', '.join(map(str, written))} ({len(part.nodes)} nodes, {len(part.edges)} edges, "
                   f"{fmt_name})", err=True)


def _briefing(graph, selection: Selection, output: Path, as_of: Optional[date], title: Optional[str],
              query_title: Optional[str], query_params: Optional[dict] = None, suggestions: bool = False) -> None:
    from policykg.app.briefing import BriefingError, build_briefing
    from policykg.app.briefing_figure import FontMissing

    try:
        result = build_briefing(graph, selection, output, as_of=as_of, title=title, query_title=query_title,
                                query_params=query_params, suggestions=suggestions)
    except (SelectionError, BriefingError, FontMissing) as exc:
        _fail(str(exc))
    h = result.headline
    typer.echo(f"wrote {output}: {result.description}; {h.tasks} tasks, {h.departments} departments, "
               f"{h.passed} past due, {h.coming} coming, {h.undated} without deadline", err=True)
