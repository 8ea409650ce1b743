"""`policykg app`: start the Streamlit explorer on the embedded store (or Neo4j) with headless settings."""
from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path
from typing import Optional

import typer

from policykg.core import settings

HELP = """Serve the explorer (Streamlit) on a local port for your browser: overview, browse and search, graph view, saved queries, timeline and ingest, in Chinese with an English switch.

It opens the embedded Oxigraph store (--store, POLICYKG_STORE, default ./policykg-data) or Neo4j when --neo4j or NEO4J_URI is given (password from NEO4J_PASSWORD). Nothing is fetched from the internet: the graph view's script is embedded and usage statistics are off. Stop it with Ctrl+C.

Example:

    policykg app --store ./policykg-data --port 8501

    NEO4J_PASSWORD=secret policykg app --neo4j bolt://localhost:7687
"""


def entry_script() -> Path:
    return Path(str(resources.files("policykg.app").joinpath("explorer.py")))


def streamlit_command(port: int, address: str, upload_limit_mb: int) -> list[str]:
    """The streamlit command line: headless, no telemetry, no file watching, uploads capped."""
    return [
        sys.executable, "-m", "streamlit", "run", str(entry_script()),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", str(upload_limit_mb),
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--theme.base", "light",
    ]


def register(app: typer.Typer) -> None:
    @app.command("app", help=HELP)
    def app_command(
        store: Optional[Path] = typer.Option(None, "--store", help="Folder of the embedded Oxigraph store."),
        neo4j: Optional[str] = typer.Option(None, "--neo4j", help="Bolt URI of a Neo4j server, e.g. bolt://localhost:7687."),
        port: int = typer.Option(8501, "--port", "-p", min=1, max=65535, help="Port to serve the explorer on."),
        address: str = typer.Option("127.0.0.1", "--address",
                                    help="Address to listen on (0.0.0.0 to let other machines in)."),
        query_dir: Optional[Path] = typer.Option(None, "--query-dir", help="Folder of your own saved queries."),
    ) -> None:
        env = dict(os.environ)
        # the explorer reads its store through the settings, so the options travel as their variables
        if store is not None:
            env["POLICYKG_STORE"] = str(store.resolve())
        if neo4j is not None:
            env["NEO4J_URI"] = neo4j
        if query_dir is not None:
            env["POLICYKG_QUERY_DIR"] = str(query_dir.resolve())
        limit = settings.get("upload_limit_mb")
        try:
            limit_mb = int(limit)
        except (TypeError, ValueError):
            raise typer.BadParameter(f"upload_limit_mb must be a whole number of MB, got {limit!r} "
                                     "(POLICYKG_UPLOAD_LIMIT_MB)") from None
        if neo4j is None and not settings.get("neo4j_uri") and not settings.get("sparql_endpoint"):
            from policykg.graph.stores.rdf_store import OxigraphStore

            folder = Path(settings.get("store", None if store is None else str(store)))
            if not OxigraphStore.exists(folder):
                typer.echo(f"policykg: no store at {folder.resolve()} yet: the explorer starts empty, and files "
                           "added on its ingest page create it", err=True)
        command = streamlit_command(port, address, limit_mb)
        typer.echo(f"policykg explorer on http://{address}:{port}  (Ctrl+C to stop)", err=True)
        sys.stderr.flush()
        # become Streamlit (no child process): a signal that stops `policykg app` stops the server
        os.execve(sys.executable, command, env)
