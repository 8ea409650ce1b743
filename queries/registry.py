"""The one registry of canned queries: ``NAME.rq`` + ``NAME.cypher`` + ``NAME.yaml`` side by side.

Built-in queries ship in this package; a user's own folder (``--query-dir`` / ``POLICYKG_QUERY_DIR``, the
``query_dir`` setting) holds more in the same format and they appear everywhere the built-ins do. A user query
may not reuse a built-in's name: that is an error naming both files, so a saved question never silently changes
meaning (rename the file instead).

Everything about a query is checked when it is loaded, so a broken file fails with its path and the reason
before any store is touched: both texts present, titles and descriptions in Chinese and English, parameter
types known, defaults valid for their type, every ``$param`` of the Cypher text declared, and every declared
parameter used by both texts (``limit`` is applied by the runner on SPARQL, which cannot bind a LIMIT).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

import yaml

from policykg.core import settings

LEVELS = ("national", "provincial", "municipal", "county", "institution")
# Types whose values are strings; the last five name things the explorer lists from the data.
STRING_TYPES = ("string", "function", "department", "document", "jurisdiction", "task")
PARAMETER_TYPES = ("string", "integer", "decimal", "date", "boolean", "level",
                   "function", "department", "document", "jurisdiction", "task")
# Id types: a value that is not an id of this form is refused when bound, never run. A "task" (a task or
# school-measure node id) is bound as the node itself (an IRI in SPARQL), so no query builds IRIs from text.
ID_PATTERNS = {
    "task": (r"(?:task|measure)/[^\x00-\x1f\x7f]+/[1-9][0-9]*",
             "a task or school-measure id such as task/001_8158844c7a4eb5af/7"),
    "document": (r"[^\x00-\x1f\x7f/][^\x00-\x1f\x7f]*", "a document id such as 001_8158844c7a4eb5af"),
}
NODE_TYPES = ("task",)
COLUMN_TYPES = ("value", "list")
# SPARQL list columns are GROUP_CONCAT(DISTINCT ?x; separator="\u001f"); Cypher ones are collect(DISTINCT x).
LIST_SEPARATOR = "\u001f"
LIMIT = "limit"          # the one parameter SPARQL cannot bind (LIMIT takes a literal); the runner applies it
# How a SPARQL store gets the values: by the store's substitution (pyoxigraph binds them after planning), or as
# VALUES blocks of escaped terms in the text (queries/README.md: the planner then starts from them). Per query,
# the faster of the two as measured by benchmarks/bench_binding.py.
SPARQL_BINDINGS = ("substitution", "values")
_KEYS = ("title", "description", "parameters", "columns", "ordered", "sparql_binding")

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_CYPHER_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_SPARQL_VAR_RE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT_RE = {"cypher": re.compile(r"//[^\n]*"), "sparql": re.compile(r"(?m)^\s*#[^\n]*")}
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class QueryError(ValueError):
    """A canned query that cannot be loaded or run as asked; the message names the file or the parameter."""


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: Any = None
    help: str = ""
    required: bool = False     # no default and not optional: the user must give a value
    pattern: str | None = None  # a regular expression the whole (string) value must match

    @property
    def choices(self) -> tuple[str, ...] | None:
        return LEVELS if self.type == "level" else None

    def describe(self) -> str:
        kind = f"{self.type} ({'/'.join(self.choices)})" if self.choices else self.type
        if self.required:
            return f"{self.name}: {kind}, required"
        return f"{self.name}: {kind}, default {self.default if self.default is not None else 'none'}"

    def coerce(self, value: Any) -> Any:
        """A typed value from user input (strings from the CLI or forms, or already typed values)."""
        if value is None:
            return None
        text = value.strip() if isinstance(value, str) else value
        try:
            if self.type == "integer":
                if isinstance(text, bool):
                    raise ValueError
                return int(text)
            if self.type == "decimal":
                if isinstance(text, bool):
                    raise ValueError
                return float(text)
            if self.type == "date":
                if isinstance(text, dt.datetime):
                    return text.date()
                if isinstance(text, dt.date):
                    return text
                return dt.date.fromisoformat(str(text))
            if self.type == "boolean":
                if isinstance(text, bool):
                    return text
                lowered = str(text).lower()
                if lowered in _TRUE:
                    return True
                if lowered in _FALSE:
                    return False
                raise ValueError
        except (TypeError, ValueError):
            raise QueryError(f"parameter {self.name!r} expects {_TYPE_HINT[self.type]}, got {value!r}") from None
        text = str(text)
        if self.type == "level" and text not in LEVELS:
            raise QueryError(f"parameter {self.name!r} expects one of {', '.join(LEVELS)}, got {value!r}")
        if not text:
            raise QueryError(f"parameter {self.name!r} expects a non-empty {self.type}")
        checks = ((self.pattern, f"a value matching {self.pattern}"), ID_PATTERNS.get(self.type, (None, "")))
        for pattern, hint in checks:
            if pattern is not None and not re.fullmatch(pattern, text):
                raise QueryError(f"parameter {self.name!r} expects {hint}, got {value!r}")
        return text


_TYPE_HINT = {
    "integer": "an integer such as 20",
    "decimal": "a number such as 0.5",
    "date": "an ISO date such as 2025-12-31",
    "boolean": "true or false",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "value"        # "list": a set of strings, compared and shown sorted


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: dict[str, str]                  # {"zh": ..., "en": ...}
    description: dict[str, str]
    parameters: tuple[Parameter, ...]
    columns: tuple[Column, ...]
    ordered: bool
    sparql: str
    cypher: str
    source_dir: Path
    builtin: bool = True
    sparql_binding: str = "substitution"   # how the values reach the SPARQL text: SPARQL_BINDINGS

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def text(self, language: str) -> str:
        if language not in ("sparql", "cypher"):
            raise QueryError(f"unknown query language {language!r}; expected sparql or cypher")
        return self.sparql if language == "sparql" else self.cypher

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def signature(self) -> str:
        return "; ".join(p.describe() for p in self.parameters) or "no parameters"

    def bind(self, given: dict[str, Any] | None = None) -> dict[str, Any]:
        """Every declared parameter with a typed value (defaults filled in); unknown or missing ones are errors."""
        given = dict(given or {})
        unknown = sorted(set(given) - {p.name for p in self.parameters})
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                             f"expected: {self.signature()}")
        values: dict[str, Any] = {}
        for p in self.parameters:
            value = p.coerce(given[p.name]) if given.get(p.name) is not None else p.default
            if value is None and p.required:
                raise QueryError(f"query {self.name!r} needs parameter {p.name!r} ({p.type}); "
                                 f"expected: {self.signature()}")
            if p.name == LIMIT and value is not None and value < 0:
                raise QueryError(f"parameter 'limit' must be 0 or more, got {value}")
            values[p.name] = value
        return values

    def files(self) -> list[Path]:
        return [self.source_dir / f"{self.name}{ext}" for ext in (".yaml", ".rq", ".cypher")]


# -- loading -------------------------------------------------------------------------------------------------

def _strip_comments(text: str, language: str) -> str:
    return _COMMENT_RE[language].sub("", text)


def _bilingual(data: dict, key: str, where: Path) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                              for lang in ("zh", "en")):
        raise QueryError(f"{where}: {key!r} must give non-empty 'zh' and 'en' texts")
    return {"zh": value["zh"].strip(), "en": value["en"].strip()}


def _parameter(raw: Any, where: Path) -> Parameter:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise QueryError(f"{where}: each parameter needs a 'name' (got {raw!r})")
    name = raw["name"]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise QueryError(f"{where}: parameter name {name!r} must be lower-case letters, digits and _")
    ptype = raw.get("type", "string")
    if ptype not in PARAMETER_TYPES:
        raise QueryError(f"{where}: parameter {name!r} has type {ptype!r}; expected one of {', '.join(PARAMETER_TYPES)}")
    extra = sorted(set(raw) - {"name", "type", "default", "help", "required", "pattern"})
    if extra:
        raise QueryError(f"{where}: parameter {name!r} has unknown keys {extra}; "
                         "expected name, type, default, help, required, pattern")
    required = bool(raw.get("required", False))
    pattern = raw.get("pattern")
    if pattern is not None:
        if ptype not in STRING_TYPES:
            raise QueryError(f"{where}: parameter {name!r}: a pattern applies to string types, not {ptype}")
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise QueryError(f"{where}: parameter {name!r}: pattern {pattern!r} is no regular expression: {exc}") from None
        pattern = str(pattern)
    probe = Parameter(name, ptype, pattern=pattern)
    try:
        default = probe.coerce(raw.get("default"))
    except QueryError as exc:
        raise QueryError(f"{where}: default of {exc}") from None
    if required and default is not None:
        raise QueryError(f"{where}: parameter {name!r} is required and so cannot have a default")
    if name == LIMIT and ptype != "integer":
        raise QueryError(f"{where}: parameter 'limit' must be an integer")
    return Parameter(name, ptype, default, str(raw.get("help") or ""), required, pattern)


def _column(raw: Any, where: Path) -> Column:
    if isinstance(raw, str):
        return Column(raw)
    if isinstance(raw, dict) and isinstance(raw.get("name"), str) and raw.get("type", "value") in COLUMN_TYPES:
        return Column(raw["name"], raw.get("type", "value"))
    raise QueryError(f"{where}: a column is a name or {{name: NAME, type: value|list}}, got {raw!r}")


def load_query(source_dir: Path, name: str, builtin: bool = False) -> CannedQuery:
    """Read and check one query from its three files."""
    meta_path = source_dir / f"{name}.yaml"
    if not _NAME_RE.match(name):
        raise QueryError(f"{meta_path}: query names are lower-case words joined by '-', got {name!r}")
    texts = {}
    for language, ext in (("sparql", ".rq"), ("cypher", ".cypher")):
        path = source_dir / f"{name}{ext}"
        if not path.is_file():
            raise QueryError(f"{meta_path}: the {language} text {path.name} is missing beside it")
        texts[language] = path.read_text(encoding="utf-8")
        if not texts[language].strip():
            raise QueryError(f"{path}: empty {language} text")
    try:
        data = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QueryError(f"{meta_path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise QueryError(f"{meta_path}: expected a mapping with title, description, parameters, columns")
    extra = sorted(set(data) - set(_KEYS))
    if extra:
        raise QueryError(f"{meta_path}: unknown keys {extra}; expected {', '.join(_KEYS)}")
    binding = data.get("sparql_binding", SPARQL_BINDINGS[0])
    if binding not in SPARQL_BINDINGS:
        raise QueryError(f"{meta_path}: sparql_binding must be one of {', '.join(SPARQL_BINDINGS)}, got {binding!r}")
    params = tuple(_parameter(p, meta_path) for p in (data.get("parameters") or []))
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryError(f"{meta_path}: a parameter is declared twice: {names}")
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise QueryError(f"{meta_path}: 'columns' must list the result columns")
    columns = tuple(_column(c, meta_path) for c in raw_columns)
    query = CannedQuery(
        name=name,
        title=_bilingual(data, "title", meta_path),
        description=_bilingual(data, "description", meta_path),
        parameters=params,
        columns=columns,
        ordered=bool(data.get("ordered", False)),
        sparql_binding=binding,
        sparql=texts["sparql"],
        cypher=texts["cypher"],
        source_dir=source_dir,
        builtin=builtin,
    )
    _check_parameters_used(query, meta_path)
    if not builtin:
        _check_reads_only_the_store(query.sparql, source_dir / f"{name}.rq")
    return query


def _check_reads_only_the_store(text: str, path: Path) -> None:
    """A user's SPARQL that would write or reach another server (SERVICE) is refused when loaded, naming the
    file (the store refuses it again when run). Text that does not parse (the placeholder the explorer writes
    for the other language) is left to fail when it is run."""
    from policykg.graph.stores.rdf_store import QuerySyntaxError, check_read_only, with_prefixes
    from policykg.graph.stores.base import ReadOnlyViolation

    try:
        check_read_only(with_prefixes(text))
    except QuerySyntaxError:
        return
    except ReadOnlyViolation as exc:
        raise QueryError(f"{path}: {exc}") from None


def _check_parameters_used(query: CannedQuery, meta_path: Path) -> None:
    declared = {p.name for p in query.parameters}
    cypher_params = set(_CYPHER_PARAM_RE.findall(_strip_comments(query.cypher, "cypher")))
    undeclared = sorted(cypher_params - declared)
    if undeclared:
        raise QueryError(f"{query.source_dir / (query.name + '.cypher')}: uses ${', $'.join(undeclared)} "
                         f"not declared in {meta_path.name}")
    sparql_vars = set(_SPARQL_VAR_RE.findall(_strip_comments(query.sparql, "sparql")))
    for p in query.parameters:
        if p.name not in cypher_params:
            raise QueryError(f"{meta_path}: parameter {p.name!r} is not used as ${p.name} in {query.name}.cypher")
        if p.name != LIMIT and p.name not in sparql_vars:
            raise QueryError(f"{meta_path}: parameter {p.name!r} is not used as ?{p.name} in {query.name}.rq")


def _names_in(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def builtin_dir() -> Path:
    return Path(str(resources.files("policykg.queries")))


class Registry:
    """Built-in queries plus the user's folder, by name."""

    def __init__(self, queries: Iterable[CannedQuery]) -> None:
        self._queries: dict[str, CannedQuery] = {}
        for q in queries:
            existing = self._queries.get(q.name)
            if existing is not None:
                raise QueryError(f"query {q.name!r} is defined twice: {existing.source_dir / (q.name + '.yaml')} "
                                 f"and {q.source_dir / (q.name + '.yaml')}; rename the user query")
            self._queries[q.name] = q

    @classmethod
    def load(cls, query_dir: str | Path | None = None, include_builtin: bool = True) -> "Registry":
        """The built-ins and the user's folder (explicit argument, else the ``query_dir`` setting)."""
        queries: list[CannedQuery] = []
        if include_builtin:
            folder = builtin_dir()
            queries += [load_query(folder, n, builtin=True) for n in _names_in(folder)]
        user = settings.get("query_dir", str(query_dir) if query_dir is not None else None)
        if user:
            folder = Path(user).expanduser()
            if not folder.is_dir():
                raise QueryError(f"query folder {folder} does not exist (from --query-dir or POLICYKG_QUERY_DIR)")
            queries += [load_query(folder, n) for n in _names_in(folder)]
        return cls(queries)

    def names(self) -> list[str]:
        return sorted(self._queries)

    def __iter__(self):
        return iter(self._queries[n] for n in self.names())

    def __len__(self) -> int:
        return len(self._queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def get(self, name: str) -> CannedQuery:
        try:
            return self._queries[name]
        except KeyError:
            raise QueryError(f"no canned query named {name!r}; available: {', '.join(self.names())}") from None
