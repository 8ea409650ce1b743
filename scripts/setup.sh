#!/usr/bin/env bash
# Set up a fresh machine: Python virtualenv with policykg installed; with --test also the Debian packages
# and the Java launcher of the test Neo4j. Safe to run again: every step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c "import policykg.app.cli" 2>/dev/null || [ pyproject.toml -nt .venv/.installed ]; then
  echo "== installing policykg and its Python dependencies"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[test,fast]"
  touch .venv/.installed
fi

if [ "$want_test" = 1 ]; then
  # Debian packages the tests use: a real browser, LibreOffice, an independent RDF parser, PDF to PNG, CJK fonts.
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v soffice >/dev/null || need+=(libreoffice-writer)
  command -v rapper >/dev/null || need+=(raptor2-utils)
  command -v pdftoppm >/dev/null || need+=(poppler-utils)
  [ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
  if [ ${#need[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${need[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
  if [ -f tests/neo4j-launcher/pom.xml ] && [ ! -f tests/neo4j-launcher/target/neo4j-launcher.jar ]; then
    echo "== building the test Neo4j launcher with Maven"
    mvn -q -B -f tests/neo4j-launcher/pom.xml package -DskipTests
  fi
  if ! ls tests/sparql-server/target/dependency/jena-fuseki-main-*.jar >/dev/null 2>&1; then
    echo "== fetching Apache Jena Fuseki (test SPARQL server) with Maven"
    mvn -q -B -f tests/sparql-server/pom.xml dependency:copy-dependencies
  fi
fi
