"""Small unit tests of the query registry's parameters and the runner's value normalisation (queries/registry.py,
queries/runner.py), written for the mutants the store-level tests let through (issue 19). Expected values are
worked out by hand from the documented behaviour."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from policykg.graph.stores.base import QueryResult
from policykg.queries.registry import Parameter, QueryError, Registry, _parameter
from policykg.queries.runner import normalise, plain, plain_list

REGISTRY = Registry.load(include_builtin=True)
WHERE = Path("x.yaml")


@pytest.mark.parametrize("text, value", [("true", True), ("Yes", True), ("1", True), ("on", True),
                                         ("false", False), ("NO", False), ("0", False), (" off ", False),
                                         (True, True), (False, False)])
def test_boolean_parameters(text, value):
    assert Parameter("with_units", "boolean").coerce(text) is value


@pytest.mark.parametrize("ptype, text", [("boolean", "maybe"), ("integer", "2.5"), ("integer", True),
                                         ("decimal", False), ("decimal", "x"), ("date", "2025-13-01"),
                                         ("level", "town"), ("string", "  ")])
def test_bad_values_are_refused_with_the_parameters_name(ptype, text):
    with pytest.raises(QueryError, match="'p'"):
        Parameter("p", ptype).coerce(text)


def test_typed_values():
    assert Parameter("n", "integer").coerce(" 20 ") == 20
    assert Parameter("x", "decimal").coerce("0.5") == 0.5
    assert Parameter("d", "date").coerce("2025-12-31") == dt.date(2025, 12, 31)
    assert Parameter("d", "date").coerce(dt.datetime(2025, 1, 2, 3, 4)) == dt.date(2025, 1, 2)
    assert Parameter("d", "date").coerce(dt.date(2025, 1, 2)) == dt.date(2025, 1, 2)
    assert Parameter("lv", "level").coerce("county") == "county"
    assert Parameter("k", "string", pattern=r"[a-z]+").coerce("abc") == "abc"
    with pytest.raises(QueryError, match="matching"):
        Parameter("k", "string", pattern=r"[a-z]+").coerce("abc1")
    assert Parameter("k", "string").coerce(None) is None


def test_a_parameter_is_optional_and_immutable_unless_declared_otherwise():
    p = Parameter("x", "string")
    assert p.required is False and p.describe() == "x: string, default none"
    assert Parameter("x", "integer", default=5).describe() == "x: integer, default 5"
    assert Parameter("x", "string", required=True).describe() == "x: string, required"
    assert Parameter("lv", "level").describe().startswith("lv: level (national/provincial/")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "y"


def test_a_querys_parameters_by_name():
    q = REGISTRY.get("due-by")
    assert q.parameter("document").name == "document"
    assert q.parameter("date").required is True
    assert q.parameter("nothing") is None


def test_binding_fills_defaults_and_checks_the_limit():
    q = REGISTRY.get("due-by")
    values = q.bind({"date": "2025-12-31"})
    assert values == {"date": dt.date(2025, 12, 31), "department": None, "document": None, "limit": 100}
    assert q.bind({"date": "2025-12-31", "limit": 0})["limit"] == 0          # 0 rows is a valid ask
    with pytest.raises(QueryError, match="0 or more"):
        q.bind({"date": "2025-12-31", "limit": -1})
    with pytest.raises(QueryError, match="needs parameter 'date'"):
        q.bind({})
    with pytest.raises(QueryError, match="has no parameter 'dat'"):
        q.bind({"dat": "2025-12-31"})


@pytest.mark.parametrize("raw, message", [
    ("limit", "needs a 'name'"),
    ({"type": "string"}, "needs a 'name'"),
    ({"name": 3}, "needs a 'name'"),
    ({"name": "Bad-Name"}, "lower-case"),
    ({"name": "x", "type": "colour"}, "has type 'colour'"),
    ({"name": "x", "colour": "red"}, "unknown keys"),
    ({"name": "x", "type": "integer", "pattern": "[0-9]+"}, "applies to string types"),
    ({"name": "x", "pattern": "([a-z"}, "no regular expression"),
    ({"name": "x", "type": "integer", "default": "many"}, "default of"),
    ({"name": "x", "required": True, "default": "a"}, "cannot have a default"),
    ({"name": "limit", "type": "string"}, "must be an integer"),
])
def test_bad_parameter_declarations_are_refused(raw, message):
    with pytest.raises(QueryError, match=message):
        _parameter(raw, WHERE)


def test_a_good_parameter_declaration():
    p = _parameter({"name": "kind", "pattern": "[a-z]+", "help": "what", "default": "task"}, WHERE)
    assert (p.name, p.type, p.default, p.help, p.required, p.pattern) == ("kind", "string", "task", "what", False,
                                                                           "[a-z]+")
    assert _parameter({"name": "d", "required": True}, WHERE).required is True


def test_plain_values():
    assert plain(None) is None and plain(True) is True and plain(False) is False
    assert plain(3) == 3 and isinstance(plain(3), int)
    assert plain(Decimal("0.12345678")) == 0.123457        # six decimals
    assert plain(2.0000004) == 2.0
    assert plain(dt.date(2025, 1, 2)) == "2025-01-02"
    assert plain(dt.datetime(2025, 1, 2, 3, 4, 5)) == "2025-01-02T03:04:05"
    assert plain((1, Decimal("1.5"))) == [1, 1.5]
    assert plain("教育部") == "教育部"


def test_plain_rdf_terms():
    import pyoxigraph

    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert plain(pyoxigraph.Literal("7", datatype=pyoxigraph.NamedNode(xsd + "integer"))) == 7
    assert plain(pyoxigraph.Literal("0.1234567", datatype=pyoxigraph.NamedNode(xsd + "decimal"))) == 0.123457
    assert plain(pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode(xsd + "boolean"))) is True
    assert plain(pyoxigraph.Literal("文本")) == "文本"
    # (rdflib's terms are str subclasses and never reach the rdflib branch: no store returns them today)


def test_a_value_of_no_known_kind_is_passed_through():
    from fractions import Fraction

    assert plain(Fraction(1, 3)) == Fraction(1, 3) and isinstance(plain(Fraction(1, 3)), Fraction)


def test_list_columns_are_sorted_distinct_values():
    assert plain_list("b\u001fa\u001fb") == ["a", "b"]
    assert plain_list(["b", "a", None, ""]) == ["a", "b"]
    assert plain_list(None) == [] and plain_list("") == []
    assert plain_list(7) == [7]


def test_normalise_keeps_the_declared_columns_and_the_limit():
    q = REGISTRY.get("deadlines-by-year")
    raw = QueryResult(["year", "kind", "tasks", "document"], [[2022, "by-date", 1, None]] * 3, truncated=True)
    got = normalise(q, raw, "sparql", limit=2)
    assert got.columns == ["year", "kind", "tasks"] and got.rows == [[2022, "by-date", 1]] * 2
    assert got.truncated is False       # the store had more rows, but the limit asked for fewer
    assert normalise(q, raw, "sparql", limit=5).truncated is True
    assert normalise(q, raw, "sparql").truncated is True
    with pytest.raises(QueryError, match=r"deadlines-by-year\.rq"):
        normalise(q, QueryResult(["year"], []), "sparql")
    with pytest.raises(QueryError, match=r"deadlines-by-year\.cypher"):
        normalise(q, QueryResult(["year", "kind", "total"], []), "cypher")


@pytest.mark.parametrize("raw, column", [("due", ("due", "value")), ({"name": "names", "type": "list"}, ("names", "list")),
                                         ({"name": "n"}, ("n", "value"))])
def test_column_declarations(raw, column):
    from policykg.queries.registry import _column

    c = _column(raw, WHERE)
    assert (c.name, c.type) == column
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.name = "other"


@pytest.mark.parametrize("raw", [{"name": "n", "type": "table"}, {"type": "list"}, {"name": 3}, 7, ["n"]])
def test_bad_column_declarations(raw):
    from policykg.queries.registry import _column

    with pytest.raises(QueryError, match="a column is a name"):
        _column(raw, WHERE)


def _write_query(folder: Path, columns: str, sparql: str = "SELECT ?x WHERE { ?x ?p ?o }") -> None:
    (folder / "q.yaml").write_text("title: {zh: 题, en: t}\ndescription: {zh: 述, en: d}\n" + columns,
                                   encoding="utf-8")
    (folder / "q.rq").write_text(sparql, encoding="utf-8")
    (folder / "q.cypher").write_text("MATCH (x) RETURN x", encoding="utf-8")


@pytest.mark.parametrize("columns", ["columns: []\n", "", "columns: x\n"])
def test_a_query_without_columns_is_refused(tmp_path, columns):
    from policykg.queries.registry import load_query

    _write_query(tmp_path, columns)
    with pytest.raises(QueryError, match="'columns' must list"):
        load_query(tmp_path, "q")


def test_a_users_query_that_writes_is_refused_when_loaded(tmp_path):
    from policykg.queries.registry import load_query

    _write_query(tmp_path, "columns: [x]\n")
    assert load_query(tmp_path, "q").column_names == ["x"]
    _write_query(tmp_path, "columns: [x]\n", "INSERT DATA { <http://a> <http://b> <http://c> }")
    with pytest.raises(QueryError, match=r"q\.rq"):
        load_query(tmp_path, "q")
    assert load_query(tmp_path, "q", builtin=True).name == "q"     # built-in texts are trusted


def test_a_canned_query_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY.get("due-by").name = "x"


def test_exactly_the_rows_asked_for_is_not_truncated():
    q = REGISTRY.get("deadlines-by-year")
    raw = QueryResult(["year", "kind", "tasks"], [[2022, "by-date", 1]] * 3, truncated=True)
    assert normalise(q, raw, "cypher", limit=3).truncated is False
    assert normalise(q, raw, "cypher", limit=4).truncated is True
    assert normalise(q, QueryResult(raw.columns, raw.rows), "cypher", limit=4).truncated is False


# -- LIMIT ?limit: the one value written into a SPARQL text -----------------------------------------------------

def test_a_sparql_limit_slot_takes_a_whole_number_from_zero_up():
    from policykg.queries.runner import query_text

    query = Registry.load().get("coordination-burden")
    assert "LIMIT ?limit" in query.text("sparql")
    assert "LIMIT 0" in query_text(query, "sparql", {"limit": 0})          # nothing asked for: nothing returned
    assert "LIMIT 25" in query_text(query, "sparql", {"limit": 25})
    assert "?limit" not in query_text(query, "sparql", {"limit": 25})
    for bad in (-1, True, "10; DROP ALL", 2.5, None):
        with pytest.raises(QueryError, match="parameter 'limit' must be a whole number"):
            query_text(query, "sparql", {"limit": bad})
    assert query_text(query, "cypher", {"limit": 25}) == query.text("cypher")   # Cypher binds $limit itself
