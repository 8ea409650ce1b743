"""Printing rows as a table, CSV or JSON: the one output option every query-like command shares; and the link
step's progress bar, which the commands that link share."""
from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any, Sequence

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from policykg.graph.cascade.linker import LinkProgress


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(OutputFormat.table, "--format", "-f", help="Output as a table, CSV or JSON.")


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        for row in rows:
            sys.stdout.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str) + "\n")
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    else:
        print_table(columns, rows)
        Console(stderr=True).print(f"{len(rows)} row(s)")


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], console: Console | None = None) -> None:
    """A table laid out by display width (a Chinese character takes two columns of the terminal, rich's cell
    widths) that wraps long cells, Chinese text included, instead of cutting them with an ellipsis: every
    character of every value is printed. Rows are ruled apart, so a wrapped row reads as one."""
    console = console or Console()
    cells = [["" if v is None else str(v) for v in row] for row in rows]
    table = Table(show_lines=True)
    for name, width in zip(columns, column_widths(columns, cells, console.width)):
        table.add_column(name, width=width, overflow="fold")
    for row in cells:
        table.add_row(*map(Text, row))    # Text: a value such as [bookmark: x] is shown, never read as markup
    console.print(table)


MIN_WIDTH = 6   # a wrapped column keeps at least three Chinese characters a line


def column_widths(columns: Sequence[str], cells: Sequence[Sequence[str]], total: int) -> list[int]:
    """Content widths (in terminal cells) that fit ``total``: every column as wide as its widest value when
    all fit; else the narrow columns (codes, numbers, levels) keep their width and the wide ones share the rest
    equally (max-min fair), to be wrapped."""
    natural = [max([cell_len(line) for value in [name, *(row[i] for row in cells)] for line in value.split("\n")],
                   default=1) or 1 for i, name in enumerate(columns)]
    available = total - 3 * len(columns) - 1        # borders and one space of padding either side
    if sum(natural) <= available:
        return natural
    widths: list[int | None] = [None] * len(columns)
    remaining, wide = available, list(range(len(columns)))
    while wide:
        share = remaining // len(wide)
        narrow = [i for i in wide if natural[i] <= share]
        if not narrow:
            break
        for i in narrow:
            widths[i] = natural[i]
            remaining -= natural[i]
            wide.remove(i)
    for k, i in enumerate(wide):
        widths[i] = max(MIN_WIDTH, remaining // len(wide) + (1 if k < remaining % len(wide) else 0))
    return [int(w) for w in widths]


LINK_PHASES = {"reading": "linking: reading every document", "linking": "linking: documents linked"}


@contextmanager
def link_progress(console: Console, disable: bool) -> Iterator[LinkProgress]:
    """A bar on ``console`` for ``link_store``'s ``on_progress`` (gone when done): its first pass over the store,
    then the lower documents linked. 1,000,000 synthetic tasks took 2 h 17 min to link here; the bar says how far
    it is."""
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console,
                        transient=True, disable=disable)
    with progress:
        bar = progress.add_task("linking", total=None)
        yield lambda phase, done, total: progress.update(bar, description=LINK_PHASES[phase], completed=done,
                                                         total=total)
