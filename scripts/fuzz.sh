#!/usr/bin/env bash
# scripts/fuzz.sh TARGET [SECONDS]: fuzz one target (json, rego, bundle, compile) with
# libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer.
#
# Builds into build-fuzz/ with clang (installed with apt-get if missing),
# seeds from tests/fuzz/corpus/TARGET plus, for rego, every module of the
# shared conformance cases and workloads, and runs for SECONDS (default
# 600). The growing corpus stays in build-fuzz/corpus/TARGET; a failing
# input lands in build-fuzz/artifacts/. Replay one with
#   build-fuzz/bin/TARGET_fuzzer FILE
# and, once fixed, copy it to tests/fuzz/corpus/TARGET/ so CTest keeps
# replaying it (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh json|rego|bundle|compile [SECONDS]}
seconds=${2:-600}
case "$target" in json|rego|bundle|compile) ;; *) echo "unknown target: $target" >&2; exit 2;; esac
shared=${VERDICT_SHARED_DIR:-$(cd .. && pwd)/shared}

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
command -v clang++ >/dev/null || need+=(clang)
python3 -c 'import yaml' 2>/dev/null || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

if [ ! -f build-fuzz/build.ninja ]; then
  # Debian's ANTLR 4.7.2 umbrella header includes misc/InterpreterDataReader.h,
  # which clang rejects (a defaulted constructor of a class with const
  # members); verdict does not use it, so clang gets the umbrella without it.
  shim=$PWD/build-fuzz/antlr-shim
  mkdir -p "$shim"
  grep -v 'InterpreterDataReader.h' /usr/include/antlr4-runtime/antlr4-runtime.h \
    >"$shim/antlr4-runtime.h"
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DVERDICT_FUZZ=ON -DVERDICT_BUILD_PYTHON=OFF -DVERDICT_BUILD_BENCH=OFF \
    -DCMAKE_CXX_FLAGS="-I$shim -fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=undefined" \
    -DCMAKE_C_FLAGS="-fsanitize=address,undefined"
fi
ninja -C build-fuzz "${target}_fuzzer"

# rego and compile read the same format: Rego modules, then data.
kind=$target
[ "$target" = compile ] && kind=rego
seeds=build-fuzz/seeds/$kind
mkdir -p "$seeds" "build-fuzz/corpus/$target" build-fuzz/artifacts
if [ "$kind" = rego ] && [ -z "$(ls -A "$seeds")" ]; then
  python3 - "$shared" "$seeds" <<'PY'
import json, pathlib, sys, yaml
shared, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
n = 0
for f in sorted((shared / "conformance/opa/v1").rglob("*.yaml")):
    for case in (yaml.safe_load(f.read_text()) or {}).get("cases", []):
        text = "\n#==\n".join(case.get("modules") or [])
        if case.get("data") is not None:
            text += "\n#--\n" + json.dumps(case["data"])
        (out / f"case{n:05d}.rego").write_text(text)
        n += 1
for w in sorted((shared / "workloads").glob("*/")):
    mods = [p.read_text() for p in sorted(w.glob("*.rego"))]
    (out / f"workload-{w.name}.rego").write_text("\n#==\n".join(mods))
print(f"{n} conformance seeds")
PY
fi
if [ "$target" = json ] && [ -z "$(ls -A "$seeds")" ]; then
  for w in "$shared"/workloads/*/; do head -c 4096 "$w/inputs.jsonl" >"$seeds/$(basename "$w").json"; done
fi
dict=()
if [ -f "tests/fuzz/$kind.dict" ]; then
  cp "tests/fuzz/$kind.dict" "build-fuzz/$kind.dict"
  if [ "$kind" = rego ]; then
    grep -o '^BUILTIN("[^"]*"' lib/builtins/builtins.def | sed 's/^BUILTIN(//' >>"build-fuzz/$kind.dict"
  fi
  dict=(-dict="build-fuzz/$kind.dict")
fi
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1
"build-fuzz/bin/${target}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -max_len=65536 "${dict[@]}" -artifact_prefix="build-fuzz/artifacts/${target}-" \
  "build-fuzz/corpus/$target" "tests/fuzz/corpus/$target" "$seeds"
