"""Every setting, declared once: name, default, environment variable and help. Read in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    env: str
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "./policykg-data", "POLICYKG_STORE", "Folder of the embedded Oxigraph store."),
    Setting("sparql_endpoint", None, "POLICYKG_SPARQL_ENDPOINT",
            "URL of a remote SPARQL 1.1 endpoint (query URL; update URL is derived or set separately)."),
    Setting("sparql_update_endpoint", None, "POLICYKG_SPARQL_UPDATE_ENDPOINT", "URL of the remote SPARQL update endpoint."),
    Setting("neo4j_uri", None, "NEO4J_URI", "Bolt URI of a Neo4j server; when set, Neo4j is the store."),
    Setting("neo4j_user", "neo4j", "NEO4J_USER", "Neo4j user name."),
    Setting("neo4j_password", None, "NEO4J_PASSWORD", "Neo4j password (environment or .env only).", secret=True),
    Setting("neo4j_database", "neo4j", "NEO4J_DATABASE", "Neo4j database name."),
    Setting("query_dir", None, "POLICYKG_QUERY_DIR", "Folder of the user's own saved queries."),
    Setting("upload_limit_mb", "20", "POLICYKG_UPLOAD_LIMIT_MB", "Largest file the explorer accepts, in MB."),
    Setting("manifest", None, "POLICYKG_MANIFEST", "YAML manifest that supplies or overrides document metadata."),
    Setting("convert_timeout", "120", "POLICYKG_CONVERT_TIMEOUT",
            "Seconds one LibreOffice conversion (.doc/.wps/.odt/.rtf/.xls) may take before it is killed."),
    Setting("soffice", None, "POLICYKG_SOFFICE", "LibreOffice program used for conversions (default: soffice on PATH)."),
    Setting("max_file_mb", "200", "POLICYKG_MAX_FILE_MB",
            "Largest input file, in MB, that extract, ingest and the explorer read (larger ones are refused, named)."),
    Setting("max_unzipped_mb", "512", "POLICYKG_MAX_UNZIPPED_MB",
            "Largest total uncompressed size, in MB, of a .docx/.xlsx package (zip-bomb guard)."),
    Setting("max_zip_members", "10000", "POLICYKG_MAX_ZIP_MEMBERS",
            "Most members a .docx/.xlsx package may have (zip-bomb guard)."),
    Setting("query_timeout", "120", "POLICYKG_QUERY_TIMEOUT",
            "Seconds a user query (sparql, cypher, saved queries, the explorer) may run before it is stopped; "
            "0 = no limit (and, on the embedded store, no worker process)."),
    Setting("query_max_rows", "100000", "POLICYKG_QUERY_MAX_ROWS",
            "Most rows a user query returns; further rows are not read and the result says it was cut."),
    Setting("query_memory_mb", "2048", "POLICYKG_QUERY_MEMORY_MB",
            "Memory, in MB, a user query on the embedded store may use (its worker process is stopped past it)."),
    Setting("ingest_batch", "50", "POLICYKG_INGEST_BATCH",
            "Documents `policykg ingest` reads, builds and writes together (one store transaction per batch where "
            "the store allows; a failed document is retried alone). Memory grows with it, not with the corpus."),
    Setting("extract_workers", "auto", "POLICYKG_EXTRACT_WORKERS",
            "Processes that read and extract files while `policykg ingest` writes: a number (0: none, every file "
            "read in the ingest process) or auto (one per CPU beyond the first; none for fewer than 20 files)."),
    Setting("explorer_read_only", "false", "POLICYKG_EXPLORER_READ_ONLY",
            "true: the explorer offers no ingest page, upload or saving of queries (a shared, read-only deployment)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}
_dotenv_loaded = False


def _load_dotenv() -> None:
    global _dotenv_loaded
    if not _dotenv_loaded:
        from dotenv import load_dotenv

        load_dotenv(Path.cwd() / ".env", override=False)
        _dotenv_loaded = True


def get(name: str, override: str | None = None) -> str | None:
    """An explicit value (a CLI option) wins, then the environment (and ./.env), then the default."""
    if name not in _BY_NAME:
        raise KeyError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}")
    if override is not None:
        return override
    _load_dotenv()
    setting = _BY_NAME[name]
    return os.environ.get(setting.env, setting.default)


def get_number(name: str, override: str | float | None = None) -> float:
    """A numeric setting; a value that is no number is an error naming the environment variable."""
    value = get(name, None if override is None else str(override))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"setting {name} ({_BY_NAME[name].env}) must be a number, got {value!r}") from None


def get_flag(name: str, override: bool | str | None = None) -> bool:
    """A true/false setting (true/false, yes/no, 1/0, on/off)."""
    value = str(get(name, None if override is None else str(override)) or "").strip().lower()
    if value in ("true", "yes", "1", "on"):
        return True
    if value in ("false", "no", "0", "off", ""):
        return False
    raise ValueError(f"setting {name} ({_BY_NAME[name].env}) must be true or false, got {value!r}")
