#!/usr/bin/env bash
# Configures and builds verdict into ./build (Release with asserts off).
# Usage: scripts/build.sh [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${VERDICT_BUILD_DIR:-build}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=${VERDICT_BUILD_TYPE:-RelWithDebInfo} \
    -DPython3_EXECUTABLE=/usr/bin/python3 "$@"
fi
jobs=${VERDICT_JOBS:-$(nproc)}
cmake --build "$build_dir" -j "$jobs"
