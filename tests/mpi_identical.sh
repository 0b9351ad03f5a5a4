#!/usr/bin/env bash
# The outputs of a run under mpirun with K ranks are byte-identical to a single process's (but for
# summary.json's "provenance" block: the time of the run differs).
# Usage: tests/mpi_identical.sh EXPOFLOW_BINARY K
set -euo pipefail
bin=$1; ranks=$2
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
args=(run scenarios/ciie2024.toml --set demand_scale=0.1 -r 5 --seed 11 --quiet -j 1)
"$bin" "${args[@]}" --out "$tmp/single"
mpirun --allow-run-as-root --oversubscribe -np "$ranks" "$bin" "${args[@]}" --out "$tmp/ranks"
strip_provenance() {
  /usr/bin/python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); j.pop("provenance", None); print(json.dumps(j, indent=2))' "$1"
}
cmp <(strip_provenance "$tmp/single/summary.json") <(strip_provenance "$tmp/ranks/summary.json")
for f in counts.csv queues.csv occupancy.csv series.csv; do
  cmp "$tmp/single/$f" "$tmp/ranks/$f"
done
echo "identical with $ranks ranks"
