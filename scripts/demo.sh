#!/usr/bin/env bash
# The main job on the bundled examples: extract, resolve and ingest into the embedded store, then ask a saved question.
set -euo pipefail
cd "$(dirname "$0")/.."
PK=.venv/bin/policykg
$PK ingest examples/
$PK query obligations-across-levels
echo
echo "Explore the graph in your browser:  policykg app"
scripts/link-command.sh   # how to type policykg in your shell (once, here)
