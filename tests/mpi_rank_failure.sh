#!/usr/bin/env bash
# A rank that fails stops every rank, with a message naming it, and nothing is written: under
# mpirun with 2 ranks, rank 1 (which runs the odd replications) fails to save replication 1 (the
# test hook EXPOFLOW_FAIL_WRITE of support/files.hpp); rank 0 must not wait for it forever.
# Usage: tests/mpi_rank_failure.sh EXPOFLOW_BINARY
set -uo pipefail
bin=$1
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
args=(run tests/data/small/tiny.toml -r 4 --seed 11 --quiet -j 1 --out "$tmp/out")
mpi=(mpirun --allow-run-as-root --oversubscribe -np 2)
fail() { echo "FAILED: $*"; cat "$tmp/err"; exit 1; }

# Control: the same run without the failure completes.
timeout 120 "${mpi[@]}" "$bin" "${args[@]}" 2>"$tmp/err" || fail "the run without a failure did not complete"
rm -rf "$tmp/out"

EXPOFLOW_FAIL_WRITE=replication-00001.bin timeout 120 "${mpi[@]}" -x EXPOFLOW_FAIL_WRITE "$bin" "${args[@]}" 2>"$tmp/err"
rc=$?
[ "$rc" -ne 124 ] || fail "the ranks were still running after 120 s"
[ "$rc" -ne 0 ] || fail "exit code 0"
grep -q "expoflow: rank 1 of 2 failed: cannot write .*replication-00001.bin" "$tmp/err" || fail "no message naming rank 1"
for f in summary.json counts.csv queues.csv occupancy.csv; do
  [ ! -e "$tmp/out/$f" ] || fail "$f was written"
done
echo "a failing rank stopped every rank (exit code $rc)"
