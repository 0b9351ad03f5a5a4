#!/usr/bin/env bash
# Every shipped scenario runs clean under the engine's invariant checks (this test runs in the
# build with EXPOFLOW_CHECKS on: a violated invariant aborts the run with its place named).
# Usage: tests/shipped_scenarios.sh EXPOFLOW_BINARY
set -euo pipefail
bin=$1
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for f in scenarios/*.toml scenarios/bench/gates-1m.toml; do
  "$bin" run "$f" -r 1 --seed 5 --quiet --out "$tmp/$(basename "$f" .toml)"
  n=$((n + 1))
done
echo "$n shipped scenarios ran clean"
