#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine if needed, builds verdict and runs every
# test: the GoogleTest suites (CTest), and every other suite registered with
# CTest (conformance, workloads, policy tests, Python tests, memcheck).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build_dir=${VERDICT_BUILD_DIR:-build}
ctest --test-dir "$build_dir" --output-on-failure -j "${VERDICT_JOBS:-$(nproc)}"
