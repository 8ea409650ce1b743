"""Docs kept honest by tests (sqlite-utils / datasette style): every CLI command has help text with an example,
and every canned query (built-in or the cascade's) has Chinese and English titles and descriptions."""
from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from policykg.app.cli import app
from policykg.queries.registry import Registry


def _commands(typer_app: typer.Typer, prefix: tuple[str, ...] = ()):
    """(command path, help text) for every registered command, sub-apps included."""
    for info in typer_app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        yield prefix + (name,), info.help or (info.callback.__doc__ or "")
    for group in typer_app.registered_groups:
        yield from _commands(group.typer_instance, prefix + (group.name,))


COMMANDS = list(_commands(app))


def test_the_cli_has_its_commands():
    names = {path[-1] for path, _ in COMMANDS}
    assert {"extract", "query"} <= names


@pytest.mark.parametrize("path,help_text", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path, help_text):
    assert len(help_text.strip()) > 40, f"policykg {' '.join(path)} needs help text"
    assert "Example" in help_text, f"policykg {' '.join(path)}: help text needs an Example section"
    assert re.search(rf"policykg {re.escape(' '.join(path))}\b", help_text), \
        f"policykg {' '.join(path)}: the example should show the command itself"


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_renders(path):
    result = CliRunner().invoke(app, list(path) + ["--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


QUERIES = list(Registry.load())


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_query_has_zh_and_en_title_and_description(query):
    for field in ("title", "description"):
        text = getattr(query, field)
        assert text["zh"].strip() and text["en"].strip(), f"{query.name}: {field} needs zh and en"
        assert re.search(r"[\u4e00-\u9fff]", text["zh"]), f"{query.name}: {field}.zh should be Chinese"
        assert re.search(r"[A-Za-z]{3}", text["en"]), f"{query.name}: {field}.en should be English"
    assert len(query.description["en"]) > len(query.title["en"]), f"{query.name}: describe more than the title"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_parameter_is_explained(query):
    for p in query.parameters:
        assert p.help.strip() or p.name == "limit", f"{query.name}: parameter {p.name} needs help text"


def test_query_listing_names_every_query():
    result = CliRunner().invoke(app, ["query", "--format", "csv"])
    assert result.exit_code == 0, result.output
    for q in QUERIES:
        assert q.name in result.stdout and q.title["zh"] in result.stdout
