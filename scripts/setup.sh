#!/usr/bin/env bash
# Set up a fresh machine: Python virtualenv with policykg installed; with --test also the Debian packages
# and the Java launcher of the test Neo4j. Safe to run again: every step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0 venv_only=0
case "${1:-}" in
  --test) want_test=1 ;;
  --venv-only) venv_only=1 ;;   # only create or check .venv (used by tests/test_first_hour.py)
esac

# Python 3.11 or newer, for .venv and for what creates it. A .venv made by an older Python, or whose interpreter
# is gone (Python upgraded or removed under it), would be reused on every later run: it is recreated.
PY=${PYTHON:-python3}
new_enough() { "$1" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
describe() { "$1" --version 2>/dev/null | head -1 || true; }
if [ -e .venv ] && ! new_enough .venv/bin/python; then
  was=$(describe .venv/bin/python); was=${was:-no working interpreter}
  if ! new_enough "$PY"; then
    echo "setup: .venv was made with an unusable Python ($was), and $PY cannot replace it ($(describe "$PY" || true))." >&2
    echo "setup: policykg needs Python 3.11 or newer: install it (Debian/Ubuntu: apt-get install python3.11 python3.11-venv)," >&2
    echo "setup: then run again with it, e.g.  PYTHON=python3.11 make demo" >&2
    exit 1
  fi
  echo "== .venv was made with an unusable Python ($was; policykg needs 3.11 or newer): recreating it with $PY"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  if ! new_enough "$PY"; then
    found=$(describe "$PY"); found=${found:-not found}
    echo "setup: $PY is ${found}; policykg needs Python 3.11 or newer (with its venv module)." >&2
    echo "setup: install it (Debian/Ubuntu: apt-get install python3.11 python3.11-venv), then run e.g.  PYTHON=python3.11 make demo" >&2
    exit 1
  fi
  echo "== creating .venv with $PY ($(describe "$PY"))"
  "$PY" -m venv .venv
fi
[ "$venv_only" = 1 ] && exit 0
if ! .venv/bin/python -c "import policykg.app.cli" 2>/dev/null || [ pyproject.toml -nt .venv/.installed ]; then
  echo "== installing policykg and its Python dependencies"
  .venv/bin/pip install -q --upgrade pip
  # setuptools warns on every editable install of a package whose folders are mapped (pyproject's package-dir):
  # a notice about its own mechanism, not about this project; kept off the install's output.
  PYTHONWARNINGS="ignore::UserWarning" .venv/bin/pip install -q -e ".[test,fast]"
  touch .venv/.installed
fi
scripts/link-command.sh --quiet   # policykg on the PATH when ~/.local/bin is on it

if [ "$want_test" = 1 ]; then
  # Debian packages the tests use: a real browser, LibreOffice, an independent RDF parser, PDF to PNG, CJK fonts.
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v soffice >/dev/null || need+=(libreoffice-writer)
  dpkg -s libreoffice-calc >/dev/null 2>&1 || need+=(libreoffice-calc)   # .xlsx test files (Calc's HTML import)
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
