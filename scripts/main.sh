#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine if needed, builds verdict and runs the
# main job: compile the abac policy and evaluate sample decisions with it,
# printing results and latency.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build_dir=${VERDICT_BUILD_DIR:-build}
shared=${VERDICT_SHARED_DIR:-../shared}
policyc="$build_dir/bin/policyc"
workload="$shared/workloads/abac"
query=$(cat "$workload/query.txt")

echo "== policyc check $workload"
"$policyc" check "$workload" && echo "ok: every policy parses"

echo
echo "== policyc eval -d $workload -q $query (first 5 sample inputs)"
head -n 5 "$workload/inputs.jsonl" > "$build_dir/sample-inputs.jsonl"
"$policyc" eval -d "$workload" -q "$query" --input-jsonl "$build_dir/sample-inputs.jsonl"

echo
echo "== latency: 1,000 decisions through policyc eval --input-jsonl"
start=$(date +%s%N)
"$policyc" eval -d "$workload" -q "$query" --input-jsonl "$workload/inputs.jsonl" > /dev/null
end=$(date +%s%N)
echo "total $(( (end - start) / 1000000 )) ms for 1,000 decisions, including process start, load and compile"
if [ -x "$build_dir/bin/verdict_bench" ]; then
  echo
  echo "== verdict_bench (ns per decision)"
  "$build_dir/bin/verdict_bench" --benchmark_min_time=0.2
fi
