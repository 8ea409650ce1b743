"""The ``policykg`` command line: a thin layer, one module per command under ``app/commands``."""
from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="policykg",
    help="Trace government obligations through Chinese policy task lists: extract, resolve, store, query, explore.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module defines register(app), adding its command(s) with help text and an example.
COMMAND_MODULES = (
    "extract",
    "departments",
    "app",
    "link",
    "ingest",
    "import-files",
    "validate",
    "export",
    "sparql",
    "query",
    "cypher",
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"policykg.app.commands.{_name.replace('-', '_')}").register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
