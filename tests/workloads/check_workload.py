#!/usr/bin/env python3
"""Workload correctness test: policyc eval over a workload vs expected.jsonl.

Runs

    policyc eval -d DIR -q "$(cat DIR/query.txt)" --input-jsonl DIR/inputs.jsonl

and compares output line i with DIR/expected.jsonl line i as JSON values:
object key order is irrelevant, numbers match within a relative tolerance
of 1e-9 (the expected results come from another engine's float printing),
and booleans never equal numbers. Prints the first few mismatches and a
count; exits 1 on any mismatch.

Lines listed in known_mismatches.txt (beside this script; one
`<workload> <line>  # reason` per entry) are lines where expected.jsonl is
known to be wrong about OPA's semantics; they are reported but do not fail
the test. A listed line that matches fails it, so the list only shrinks.
Standard library only.

Usage: check_workload.py POLICYC WORKLOAD_DIR [--show N]
Registered with CTest as workload_abac, workload_deploy, workload_budget
(tests/workloads/CMakeLists.txt). The workloads are described in
../shared/workloads/README.md.
"""

import json
import math
import os
import subprocess
import sys

REL_TOL = 1e-9


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def diff(want, got, path="$"):
    """Returns a description of the first difference, or None."""
    if is_number(want) and is_number(got):
        if want == got or math.isclose(want, got, rel_tol=REL_TOL, abs_tol=0.0):
            return None
        return f"{path}: wanted {want!r}, got {got!r}"
    if type(want) is not type(got):
        return (f"{path}: wanted {json.dumps(want)[:200]}, "
                f"got {json.dumps(got)[:200]}")
    if isinstance(want, dict):
        for key in sorted(set(want) | set(got)):
            if key not in got:
                return f"{path}: missing key {key!r}"
            if key not in want:
                return (f"{path}: unexpected key {key!r} = "
                        f"{json.dumps(got[key])[:200]}")
            d = diff(want[key], got[key], f"{path}.{key}")
            if d:
                return d
        return None
    if isinstance(want, list):
        for i, (w, g) in enumerate(zip(want, got)):
            d = diff(w, g, f"{path}[{i}]")
            if d:
                return d
        if len(want) != len(got):
            return f"{path}: wanted {len(want)} items, got {len(got)}"
        return None
    if want != got:
        return f"{path}: wanted {want!r}, got {got!r}"
    return None


def load_known(path, workload):
    """{line number: reason} for [workload] from the known-mismatches list."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as f:
        for raw in f:
            entry, _, reason = raw.partition("#")
            fields = entry.split()
            if len(fields) == 2 and fields[0] == workload:
                known[int(fields[1])] = reason.strip()
    return known


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    policyc, workload = argv[1], argv[2]
    show = int(argv[4]) if len(argv) > 4 and argv[3] == "--show" else 5
    with open(os.path.join(workload, "query.txt"), encoding="utf-8") as f:
        query = f.read().strip()
    with open(os.path.join(workload, "expected.jsonl"), encoding="utf-8") as f:
        expected = [line for line in f.read().split("\n") if line.strip()]
    inputs = os.path.join(workload, "inputs.jsonl")
    name = os.path.basename(os.path.normpath(workload))
    known = load_known(
        os.path.join(os.path.dirname(os.path.abspath(__file__)),
                     "known_mismatches.txt"), name)

    cmd = [policyc, "eval", "-d", workload, "-q", query, "--input-jsonl", inputs]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"FAIL: {' '.join(cmd)} exited with {proc.returncode}")
        sys.stdout.write(proc.stderr[-4000:])
        return 1
    got = proc.stdout.split("\n")
    if got and got[-1] == "":
        got.pop()

    mismatches = 0
    known_seen = 0
    for i, want_text in enumerate(expected):
        want = json.loads(want_text)
        if i >= len(got):
            problem = "missing output line"
        else:
            try:
                problem = diff(want, json.loads(got[i]))
            except json.JSONDecodeError as e:
                problem = f"output is not JSON ({e}): {got[i][:200]}"
        if (i + 1) in known:
            if problem:
                known_seen += 1
                print(f"line {i + 1}: known mismatch ({known[i + 1]}): "
                      f"{problem}")
            else:
                mismatches += 1
                print(f"line {i + 1}: listed in known_mismatches.txt but "
                      f"matches now; remove it")
            continue
        if problem:
            mismatches += 1
            if mismatches <= show:
                print(f"line {i + 1}: {problem}")
    if len(got) > len(expected):
        mismatches += len(got) - len(expected)
        print(f"{len(got) - len(expected)} output lines more than expected")
    matching = len(expected) - min(mismatches + known_seen, len(expected))
    print(f"{name}: {matching} of {len(expected)} decisions match, "
          f"{mismatches} mismatches, {known_seen} known mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
