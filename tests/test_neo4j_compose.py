"""docker-compose.yml and the Dockerfile, checked without Docker: what `docker compose up` would start."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")


def launcher_neo4j_version() -> str:
    pom = ET.parse(ROOT / "tests" / "neo4j-launcher" / "pom.xml").getroot()
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    return pom.find("m:properties/m:neo4j.version", ns).text


def test_neo4j_service_is_pinned_community_with_volume_and_healthcheck():
    neo = COMPOSE["services"]["neo4j"]
    image, _, tag = neo["image"].partition(":")
    assert image == "neo4j" and re.fullmatch(r"5\.\d+\.\d+-community", tag), neo["image"]
    # users get the release the tests run against
    assert tag == f"{launcher_neo4j_version()}-community"
    mounts = dict(v.split(":", 1) for v in neo["volumes"])
    assert mounts["neo4j-data"] == "/data" and "neo4j-data" in COMPOSE["volumes"]
    check = neo["healthcheck"]
    assert check["test"][0] == "CMD-SHELL" and "cypher-shell" in check["test"][1] and "RETURN 1" in check["test"][1]
    assert "${POLICYKG_BIND_ADDRESS:-127.0.0.1}:7687:7687" in neo["ports"]


def test_no_password_is_written_down():
    auth = COMPOSE["services"]["neo4j"]["environment"]["NEO4J_AUTH"]
    assert re.fullmatch(r"neo4j/\$\{NEO4J_PASSWORD:\?[^}]+\}", auth), auth
    explorer_env = COMPOSE["services"]["explorer"]["environment"]
    assert explorer_env["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")
    for service in COMPOSE["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if "PASSWORD" in name or "AUTH" in name:
                assert "${NEO4J_PASSWORD" in str(value), f"{name} holds a literal secret"
    # the health check reads the password inside the container ($$ escapes compose's own interpolation)
    assert "$${NEO4J_AUTH#neo4j/}" in COMPOSE["services"]["neo4j"]["healthcheck"]["test"][1]


def test_explorer_is_built_here_and_waits_for_a_healthy_neo4j():
    explorer = COMPOSE["services"]["explorer"]
    assert explorer["build"] == "."
    assert explorer["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"
    assert explorer["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "${POLICYKG_BIND_ADDRESS:-127.0.0.1}:8501:8501" in explorer["ports"]


def test_dockerfile_installs_the_package_and_serves_on_all_interfaces():
    from policykg.app.cli import app
    from typer.main import get_command

    assert re.search(r"^FROM python:3\.11-slim$", DOCKERFILE, re.M)
    assert re.search(r"pip install \"?\.(\[[a-z,]+\])?\"?", DOCKERFILE)
    assert re.search(r"^USER (?!root)", DOCKERFILE, re.M)
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1)
    argv = yaml.safe_load(cmd)                        # a JSON array is YAML too
    assert argv[:2] == ["policykg", "app"]
    # the arguments are ones `policykg app` accepts
    ctx = get_command(app).commands["app"].make_context("app", list(argv[2:]))
    assert ctx.params["address"] == "0.0.0.0" and ctx.params["port"] == 8501
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".venv" in ignored and ".env" in ignored, "keep the virtualenv and secrets out of the image"


def test_ports_are_local_unless_published_and_no_secret_is_on_a_command_line():
    """Every published port binds to 127.0.0.1 unless POLICYKG_BIND_ADDRESS says otherwise; the health check
    passes the password in cypher-shell's environment, not as an argument; the explorer's writes can be off."""
    tried = 0
    for name, service in COMPOSE["services"].items():
        for port in service.get("ports") or []:
            tried += 1
            assert port.startswith("${POLICYKG_BIND_ADDRESS:-127.0.0.1}:"), (name, port)
    check = COMPOSE["services"]["neo4j"]["healthcheck"]["test"][1]
    assert " -p " not in check and "--password" not in check, check
    assert 'NEO4J_PASSWORD="$${NEO4J_AUTH#neo4j/}" cypher-shell' in check
    explorer_env = COMPOSE["services"]["explorer"]["environment"]
    assert explorer_env["POLICYKG_EXPLORER_READ_ONLY"] == "${POLICYKG_EXPLORER_READ_ONLY:-false}"
    print(f"compose: {tried} published ports, all on 127.0.0.1 by default; health check without a password argument")
