#!/usr/bin/env bash
# Runs a program under valgrind's memcheck and fails on any memory error or
# leak (invalid reads and writes, uses of uninitialized values, definitely or
# indirectly lost blocks) or on a crash.
#
#   tests/memcheck/memcheck.sh PROGRAM [ARGS...]
#
# Only memory errors decide: the program's own verdict is reported, not
# enforced. Valgrind computes x87 long double arithmetic at double
# precision (a documented limitation), so tests of OPA's 64-bit-mantissa
# arithmetic fail under it; the native CTest run checks every assertion.
# Exit 77 (CTest's skip code here) when valgrind is not installed.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v valgrind >/dev/null 2>&1; then
  echo "skipped: valgrind is not installed (scripts/setup.sh installs it)"
  exit 77
fi
valgrind_error=99
valgrind --error-exitcode=$valgrind_error --leak-check=full \
  --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
  --suppressions="$here/valgrind.supp" -q "$@" >/dev/null
rc=$?
if [ $rc -eq $valgrind_error ]; then
  echo "memcheck: memory errors in $(basename "$1") (valgrind's report above)"
  exit 1
fi
if [ $rc -ge 128 ]; then
  echo "memcheck: $(basename "$1") died with signal $((rc - 128))"
  exit 1
fi
echo "memcheck: no memory errors in $(basename "$1") (its exit code: $rc)"
exit 0
