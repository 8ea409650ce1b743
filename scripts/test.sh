#!/usr/bin/env bash
# Run the whole test suite against real servers started here (Neo4j from the Maven-built launcher), then stop them.
#   scripts/test.sh [pytest args...]      e.g. scripts/test.sh tests/test_neo4j_store.py -x
# A server already running can be used instead: NEO4J_TEST_URI=bolt://127.0.0.1:7687 scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output

server_pids=()
stop_servers() {
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_servers EXIT

# wait_for_line NAME KEY TIMEOUT OUTFILE PID: wait until a server started in the background (stdout in OUTFILE,
# stderr in test-output/NAME.log) prints "KEY=VALUE"; print VALUE. Fails clearly if it dies or times out.
wait_for_line() {
  local name=$1 key=$2 timeout=$3 out=$4 pid=$5
  local waited=0
  while ! grep -q "^$key=" "$out" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "test.sh: $name exited before it was ready; its log: test-output/$name.log" >&2
      tail -20 "test-output/$name.log" >&2 || true
      exit 1
    fi
    if [ "$waited" -ge "$timeout" ]; then
      echo "test.sh: $name printed no $key within ${timeout}s; its log: test-output/$name.log" >&2
      exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  sed -n "s/^$key=//p" "$out" | head -1
}

# -- Neo4j 5 (tests/neo4j-launcher; built by scripts/setup.sh --test) --------------------------------------
NEO4J_JAR=tests/neo4j-launcher/target/neo4j-launcher.jar
if [ -z "${NEO4J_TEST_URI:-}" ]; then
  if [ -f "$NEO4J_JAR" ]; then
    out=test-output/neo4j.stdout
    rm -f "$out"
    # C1 only: a short test run would otherwise spend its 2 cores compiling (as in tests/conftest.py)
    java -Xmx1g -XX:TieredStopAtLevel=1 -jar "$NEO4J_JAR" >"$out" 2>test-output/neo4j.log &
    server_pids+=($!)
    NEO4J_TEST_URI=$(wait_for_line neo4j NEO4J_BOLT_URI 120 "$out" "${server_pids[-1]}")
    export NEO4J_TEST_URI
    echo "test.sh: Neo4j at $NEO4J_TEST_URI" >&2
  elif [ -n "${CI:-}" ]; then
    echo "test.sh: $NEO4J_JAR is missing; run scripts/setup.sh --test first" >&2
    exit 1
  else
    echo "test.sh: $NEO4J_JAR is missing (scripts/setup.sh --test builds it); Neo4j tests will be skipped" >&2
  fi
fi

status=0
.venv/bin/python -m pytest -q "$@" || status=$?
exit $status
