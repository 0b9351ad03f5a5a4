#!/usr/bin/env bash
# A calibration under mpirun with K ranks fits exactly what a single process fits.
# Usage: tests/mpi_calibrate_identical.sh EXPOFLOW_BINARY K
set -euo pipefail
bin=$1; ranks=$2
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
args=(calibrate tests/data/calibrate/recovery.toml --max-iterations 2 --check-replications 2 -j 1)
"$bin" "${args[@]}" --out "$tmp/single/fit.toml" > /dev/null
mpirun --allow-run-as-root --oversubscribe -np "$ranks" "$bin" "${args[@]}" --out "$tmp/ranks/fit.toml" > /dev/null
# The files differ only in the lines naming where they were written.
diff <(grep -v '^extends\|^# Written by' "$tmp/single/fit.toml") <(grep -v '^extends\|^# Written by' "$tmp/ranks/fit.toml")
diff <(grep -v '"seconds"' "$tmp/single/fit.json") <(grep -v '"seconds"' "$tmp/ranks/fit.json")
echo "identical with $ranks ranks"
