#!/usr/bin/env bash
# Run the whole test suite against real servers started here (Neo4j from the Maven-built launcher).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output
exec .venv/bin/python -m pytest -q "$@"
