"""`policykg export`: the whole stored graph as RDF (Turtle, N-Triples, JSON-LD, TriG, N-Quads)."""
from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from policykg.app.commands.store_options import NEO4J, SPARQL, STORE, open_chosen
from policykg.graph.rdf_export import FORMATS, export_rdf, stored_quads

RdfFormatName = Enum("RdfFormatName", {name: name for name in FORMATS}, type=str)

HELP = """Write the whole stored graph as RDF, for other RDF tools (Jena, rapper, Protégé, legal-data tools).

Formats: ttl (Turtle), nt (N-Triples), jsonld (JSON-LD) give the union of all documents' graphs; trig and nq keep each document's named graph. Without -o the RDF goes to stdout.

Example:

    policykg export --format ttl -o graph.ttl

    policykg export --format jsonld --store ./kg > graph.jsonld
"""


def register(app: typer.Typer) -> None:
    @app.command("export", help=HELP)
    def export_command(
        fmt: RdfFormatName = typer.Option("ttl", "--format", "-f", help="RDF format."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
        store: Optional[str] = STORE,
        neo4j: Optional[str] = NEO4J,
        sparql: Optional[str] = SPARQL,
    ) -> None:
        target = open_chosen(store, neo4j, sparql, must_exist=True)
        try:
            data = export_rdf(stored_quads(target), fmt.value)
        finally:
            target.close()
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            output.write_bytes(data)
            typer.echo(f"wrote {output} ({len(data)} bytes, {fmt.value})", err=True)
