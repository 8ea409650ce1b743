#!/usr/bin/env bash
# Mutation testing of the core modules (cosmic-ray; issue 19). Not part of `make test`: slow on 2 cores
# (about 1-4 s per mutant), so run it in the background. It mutates a copy of the committed tree (HEAD), never
# the working files, one package at a time, each against its own fast tests. See scripts/mutation.py.
#   scripts/mutation.sh                    # briefing, queries, cascade, resolve, loaders (sampled as configured)
#   scripts/mutation.sh resolve cascade    # some of them
#   MUTATION_SAMPLE=0 scripts/mutation.sh briefing    # every mutant, no sample
# Prints the README table at the end; results in test-output/mutation/.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import cosmic_ray" 2>/dev/null; then
  echo "mutation.sh: cosmic-ray is not installed; run scripts/setup.sh --test (pyproject's test extra)" >&2
  exit 1
fi
exec .venv/bin/python scripts/mutation.py "$@"
