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
    Setting("max_unzipped_mb", "512", "POLICYKG_MAX_UNZIPPED_MB",
            "Largest total uncompressed size, in MB, of a .docx/.xlsx package (zip-bomb guard)."),
    Setting("max_zip_members", "10000", "POLICYKG_MAX_ZIP_MEMBERS",
            "Most members a .docx/.xlsx package may have (zip-bomb guard)."),
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
