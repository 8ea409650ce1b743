"""The query registry: loading and checking query files, user folders, and typed parameters."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policykg.queries.registry import LEVELS, QueryError, Registry, builtin_dir, load_query
from policykg.queries.runner import normalise, plain, plain_list, store_params
from policykg.graph.stores.base import QueryResult

GOOD_YAML = """\
title: {zh: "按层级统计文件", en: "Documents per level"}
description: {zh: "每个层级的文件数。", en: "How many documents each level has."}
parameters:
  - {name: level, type: level, default: null, help: "only this level"}
  - {name: limit, type: integer, default: 10}
columns: [level, documents]
ordered: true
"""
GOOD_RQ = """PREFIX pk: <https://policykg.org/ontology#>
SELECT ?lvl (COUNT(?d) AS ?documents) ?level WHERE {
  ?d a pk:Document ; pk:level ?lvl . FILTER(COALESCE(?lvl = ?level, true))
} GROUP BY ?lvl ?level ORDER BY DESC(?documents) ?lvl
"""
GOOD_CYPHER = """MATCH (d:Document) WHERE $level IS NULL OR d.level = $level
RETURN d.level AS level, count(d) AS documents ORDER BY documents DESC, level LIMIT $limit
"""


def write_query(folder: Path, name: str = "docs-per-level", meta: str = GOOD_YAML, rq: str | None = GOOD_RQ,
                cypher: str | None = GOOD_CYPHER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(meta, encoding="utf-8")
    if rq is not None:
        (folder / f"{name}.rq").write_text(rq, encoding="utf-8")
    if cypher is not None:
        (folder / f"{name}.cypher").write_text(cypher, encoding="utf-8")
    return folder


# -- built-ins ------------------------------------------------------------------------------------------------

def test_builtins_load_with_both_texts_and_bilingual_metadata():
    registry = Registry.load()
    assert len(registry) >= 12
    for q in registry:
        assert q.builtin and q.sparql.strip() and q.cypher.strip()
        assert q.title["zh"] and q.title["en"] and q.description["zh"] and q.description["en"]
        assert q.columns


def test_builtin_folder_is_package_data():
    assert (builtin_dir() / "top-departments.rq").is_file()


# -- bad query files -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("change,expected", [
    (dict(rq=None), "docs-per-level.rq is missing"),
    (dict(cypher=None), "docs-per-level.cypher is missing"),
    (dict(meta=GOOD_YAML.replace('en: "Documents per level"', 'en: ""')), "'title' must give non-empty"),
    (dict(meta=GOOD_YAML.replace("type: level", "type: colour")), "type 'colour'"),
    (dict(meta=GOOD_YAML.replace("default: 10", "default: ten")), "expects an integer"),
    (dict(meta=GOOD_YAML.replace("default: null, help", "default: planetary, help")), "expects one of national"),
    (dict(meta=GOOD_YAML.replace("columns: [level, documents]\n", "")), "'columns' must list"),
    (dict(meta=GOOD_YAML + "colour: blue\n"), "unknown keys ['colour']"),
    (dict(meta="title: [unclosed"), "not valid YAML"),
    (dict(meta=GOOD_YAML + "sparql_binding: inline\n"), "sparql_binding must be one of substitution, values"),
    (dict(cypher=GOOD_CYPHER.replace("$level IS NULL", "$lvl IS NULL")), "uses $lvl not declared"),
    (dict(rq=GOOD_RQ.replace("?level", "?lv")), "'level' is not used as ?level"),
    (dict(meta=GOOD_YAML.replace("default: null, help", "required: true, default: county, help")),
     "required and so cannot have a default"),
])
def test_bad_query_files_are_refused_naming_the_file(tmp_path, change, expected):
    folder = write_query(tmp_path / "mine", **change)
    with pytest.raises(QueryError) as err:
        load_query(folder, "docs-per-level")
    assert expected in str(err.value)
    assert str(folder) in str(err.value)


def test_limit_is_exempt_from_sparql_use_but_must_be_an_integer(tmp_path):
    q = load_query(write_query(tmp_path / "ok"), "docs-per-level")
    assert [p.name for p in q.parameters] == ["level", "limit"]
    bad = GOOD_YAML.replace("{name: limit, type: integer", "{name: limit, type: string")
    with pytest.raises(QueryError, match="'limit' must be an integer"):
        load_query(write_query(tmp_path / "bad", meta=bad.replace("default: 10", "default: x")), "docs-per-level")


def test_comments_do_not_count_as_parameter_use(tmp_path):
    cypher = "// uses $level somewhere\nMATCH (d:Document) RETURN d.level AS level, count(d) AS documents LIMIT $limit"
    with pytest.raises(QueryError, match="'level' is not used as \\$level"):
        load_query(write_query(tmp_path / "c", cypher=cypher), "docs-per-level")


# -- user folder ---------------------------------------------------------------------------------------------

def test_user_folder_from_environment_joins_the_builtins(tmp_path, monkeypatch):
    write_query(tmp_path / "mine")
    monkeypatch.setenv("POLICYKG_QUERY_DIR", str(tmp_path / "mine"))
    registry = Registry.load()
    assert "docs-per-level" in registry and "top-departments" in registry
    assert not registry.get("docs-per-level").builtin


def test_user_query_may_not_take_a_builtin_name(tmp_path):
    write_query(tmp_path / "mine", name="top-departments")
    with pytest.raises(QueryError) as err:
        Registry.load(tmp_path / "mine")
    message = str(err.value)
    assert "defined twice" in message and str(builtin_dir() / "top-departments.yaml") in message
    assert str(tmp_path / "mine" / "top-departments.yaml") in message


def test_missing_user_folder_is_an_error(tmp_path):
    with pytest.raises(QueryError, match="does not exist"):
        Registry.load(tmp_path / "nowhere")


def test_user_query_shows_in_the_cli_listing(tmp_path, monkeypatch):
    from policykg.app.cli import app

    write_query(tmp_path / "mine")
    monkeypatch.setenv("POLICYKG_QUERY_DIR", str(tmp_path / "mine"))
    result = CliRunner().invoke(app, ["query", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"name": "docs-per-level"' in result.stdout and '"title_zh": "按层级统计文件"' in result.stdout
    assert '"name": "top-departments"' in result.stdout


# -- parameters ----------------------------------------------------------------------------------------------

def test_unknown_query_lists_the_available_ones():
    with pytest.raises(QueryError) as err:
        Registry.load().get("top-department")
    assert "no canned query named 'top-department'" in str(err.value) and "top-departments" in str(err.value)


def test_parameters_are_coerced_from_strings():
    registry = Registry.load()
    values = registry.get("department-obligations").bind({"department": " 江西省教育厅 ", "with_units": "yes",
                                                           "limit": "5"})
    assert values == {"department": "江西省教育厅", "with_units": True, "document": None, "limit": 5}
    assert registry.get("due-by").bind({"date": "2025-12-31"})["date"] == dt.date(2025, 12, 31)
    assert registry.get("top-departments").bind({})["limit"] == 20


@pytest.mark.parametrize("query,params,expected", [
    ("due-by", {}, "needs parameter 'date' (date); expected: date: date, required"),
    ("due-by", {"date": "31/12/2025"}, "'date' expects an ISO date such as 2025-12-31, got '31/12/2025'"),
    ("top-departments", {"limit": "many"}, "'limit' expects an integer such as 20, got 'many'"),
    ("top-departments", {"level": "galactic"}, "expects one of " + ", ".join(LEVELS)),
    ("top-departments", {"colour": "red"}, "has no parameter 'colour'; expected: level: level"),
    ("department-obligations", {"department": "x", "with_units": "perhaps"}, "expects true or false"),
    ("top-departments", {"limit": "-1"}, "'limit' must be 0 or more"),
])
def test_bad_parameters_say_what_is_expected(query, params, expected):
    with pytest.raises(QueryError) as err:
        Registry.load().get(query).bind(params)
    assert expected in str(err.value)


def test_cli_reports_bad_parameters_before_opening_a_store(tmp_path):
    from policykg.app.cli import app

    result = CliRunner().invoke(app, ["query", "due-by", "-p", "date=tomorrow", "--store", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "'date' expects an ISO date" in result.output
    assert not (tmp_path / "s").exists()
    result = CliRunner().invoke(app, ["query", "no-such-query"])
    assert result.exit_code == 2 and "available: co-responsibility" in result.output


def test_absent_parameters_are_null_in_cypher_and_unbound_in_sparql():
    q = Registry.load().get("top-departments")
    values = q.bind({"level": "county"})
    assert store_params(q, "cypher", values) == {"level": "county", "function": None, "jurisdiction": None,
                                                 "document": None, "limit": 20}
    assert store_params(q, "sparql", values) == {"level": "county"}


# -- normalising ------------------------------------------------------------------------------------------

def test_values_from_either_store_normalise_alike():
    import pyoxigraph as ox
    from neo4j.time import Date

    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert plain(ox.Literal("1000", datatype=ox.NamedNode(xsd + "decimal"))) == plain(1000.0) == 1000.0
    assert plain(ox.Literal("2025-12-31", datatype=ox.NamedNode(xsd + "date"))) == plain(Date(2025, 12, 31))
    assert plain(ox.Literal("7", datatype=ox.NamedNode(xsd + "integer"))) == 7
    assert plain(0.1 + 0.2) == 0.3
    assert plain(ox.NamedNode("https://policykg.org/id/task/a/1")) == "task/a/1" == plain("https://policykg.org/id/task/a/1")
    assert plain_list("b\u001fa\u001fb") == plain_list(["a", "b"]) == ["a", "b"]
    assert plain_list("") == plain_list(None) == []


def test_columns_are_taken_by_position_and_checked_by_name_for_cypher():
    q = Registry.load().get("co-responsibility")
    sparql = QueryResult(["department_a", "department_b", "shared", "department", "document", "min_shared"],
                         [["甲", "乙", 2, None, None, 1], ["甲", "丙", 1, None, None, 1]])
    assert normalise(q, sparql, "sparql", limit=1).rows == [["甲", "乙", 2]]
    with pytest.raises(QueryError, match="declares department_a, department_b, shared"):
        normalise(q, QueryResult(["a", "b", "shared"], []), "cypher")


def test_copying_a_builtin_under_a_new_name_makes_a_user_query(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for ext in (".yaml", ".rq", ".cypher"):
        shutil.copy(builtin_dir() / f"documents{ext}", folder / f"my-documents{ext}")
    registry = Registry.load(folder)
    assert registry.get("my-documents").sparql == registry.get("documents").sparql
