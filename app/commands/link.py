"""`policykg link`: link each stored lower-level task to the higher-level tasks it implements."""
from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console

from policykg.app.commands.store_options import NEO4J, SPARQL, STORE, open_chosen
from policykg.app.output import FORMAT_OPTION, OutputFormat, link_progress, print_rows
from policykg.graph.cascade import linker as cascade

HELP = """Link every stored task and school measure to the higher-level tasks it implements (IMPLEMENTS edges).

Links go upward only (institution → county → municipal → provincial → national) and into a containing jurisdiction, or from a school measure to the provincial task of its own row. Each link has a score (the probability of a true link, from a model fitted offline on hand-labelled pairs), the method and its evidence (shared phrases, matching targets, shared department functions, each feature's contribution, clashes such as 技工 vs 中职, how alike the two documents are). Links scoring at or above --threshold are facts; from --floor up to it they are suggestions marked for review, and so are links between documents about different things (a school arts list and a vocational one). The store is read and written a batch of documents at a time. Running it again rewrites the links it finds. `policykg ingest` runs this after writing (unless --no-link).

Example:

    policykg link --store ./policykg-data

    policykg link --neo4j bolt://localhost:7687 --threshold 0.6 --floor 0.35 --format json
"""


def register(app: typer.Typer) -> None:
    @app.command("link", help=HELP)
    def link_command(
        store: Optional[str] = STORE,
        neo4j: Optional[str] = NEO4J,
        sparql: Optional[str] = SPARQL,
        threshold: float = typer.Option(cascade.THRESHOLD, "--threshold", min=0.0, max=1.0,
                                        help="Score at or above which a link is a fact (review=false)."),
        floor: float = typer.Option(cascade.FLOOR, "--floor", min=0.0, max=1.0,
                                    help="Lowest score kept, as a suggestion (review=true)."),
        fmt: OutputFormat = FORMAT_OPTION,
    ) -> None:
        err = Console(stderr=True)
        if floor > threshold:
            err.print(f"policykg: --floor {floor} is above --threshold {threshold}", markup=False)
            raise typer.Exit(2)
        graph_store = open_chosen(store, neo4j, sparql, must_exist=True)
        try:
            with link_progress(err, not err.is_terminal) as on_progress:
                edges = cascade.link_store(graph_store, threshold=threshold, floor=floor, keep=False,
                                           on_progress=on_progress)
        finally:
            graph_store.close()
        stats = cascade.summary(edges)
        print_rows(["measure", "value"], [[k, v] for k, v in stats.items()] + [["method", cascade.METHOD]], fmt)
