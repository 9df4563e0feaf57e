#!/usr/bin/env bash
# The main job. Sets up a fresh Debian 12 machine if needed, builds
# verdict, then:
#   1. runs the example bundles' Rego tests (policyc test bundles/*);
#   2. compiles the abac example bundle into <build>/abac.tar.gz with its
#      compiled program (policyc build) and shows what it holds (inspect);
#   3. evaluates the bundle's sample decisions with it (policyc eval -b) and
#      prints the results;
#   4. measures latency: 1,000 decisions through policyc eval -b, the shared
#      workloads (../shared/workloads, 1,000 decisions each, checked against
#      their expected.jsonl), and verdict_bench's ns per decision.
# Idempotent: every output is rewritten under the build directory. Exits 1
# when a test or a workload check fails (after running everything else).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build_dir=${VERDICT_BUILD_DIR:-build}
shared=${VERDICT_SHARED_DIR:-../shared}
policyc="$build_dir/bin/policyc"
bundle="$build_dir/abac.tar.gz"
work="$build_dir/main"
mkdir -p "$work"
failed=()

now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

echo "== policyc test bundles/*"
if ! "$policyc" test bundles/*; then failed+=("policyc test bundles/*"); fi

echo
echo "== policyc build bundles/abac -o $bundle"
start=$(now_ns)
"$policyc" build bundles/abac -o "$bundle"
echo "built in $(ms_since "$start") ms ($(wc -c < "$bundle") bytes)"

echo
echo "== policyc inspect $bundle (rule lists left out)"
"$policyc" inspect "$bundle" | grep -v '^    '

echo
echo "== policyc eval -b $bundle -q data.abac.decision --input-jsonl bundles/abac/inputs.jsonl"
"$policyc" eval -b "$bundle" -q data.abac.decision --input-jsonl bundles/abac/inputs.jsonl

echo
echo "== latency: policyc eval -b over 1,000 decisions (the 8 sample inputs, 125 times)"
for _ in $(seq 125); do cat bundles/abac/inputs.jsonl; done > "$work/abac-1000.jsonl"
start=$(now_ns)
"$policyc" eval -b "$bundle" -q data.abac.decision --input-jsonl "$work/abac-1000.jsonl" \
  > "$work/abac-1000.out.jsonl"
echo "total $(ms_since "$start") ms for $(wc -l < "$work/abac-1000.out.jsonl") decisions," \
  "including process start and bundle load (precompiled program.vbc)"

echo
echo "== latency: shared workloads ($shared/workloads), policyc eval -d, 1,000 decisions each"
for name in abac deploy budget; do
  dir="$shared/workloads/$name"
  query=$(cat "$dir/query.txt")
  start=$(now_ns)
  "$policyc" eval -d "$dir" -q "$query" --input-jsonl "$dir/inputs.jsonl" > "$work/$name.out.jsonl"
  elapsed=$(ms_since "$start")
  # Correctness against expected.jsonl, compared as JSON values (the
  # workload_* CTest check).
  if python3 tests/workloads/check_workload.py "$policyc" "$dir" > "$work/$name.check.txt"; then
    verdict=$(tail -n 1 "$work/$name.check.txt")
    verdict=${verdict#"$name: "}
  else
    cat "$work/$name.check.txt"
    verdict="FAILED"
    failed+=("workload $name")
  fi
  printf '%-7s %-21s %5s ms (load, compile, 1,000 decisions)  %s\n' \
    "$name" "$query" "$elapsed" "$verdict"
done

if [ -x "$build_dir/bin/verdict_bench" ]; then
  echo
  echo "== verdict_bench: ns per decision, engine loaded and query prepared (shared workloads)"
  "$build_dir/bin/verdict_bench" --benchmark_min_time=0.2
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo
  echo "main.sh: FAILED: ${failed[*]}"
  exit 1
fi
