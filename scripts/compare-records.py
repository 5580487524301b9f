#!/usr/bin/env python3
"""Compares the records of two sweeps by run key (standard library only; the GPU machine has no samplex deps).

    compare-records.py A/results.sqlite B/results.sqlite

Prints one line: runs in both, runs whose numbers (status, n*, curve, steps, prompts, parameters, spec but its
thread count) are the same bits, runs whose n* are equal, the largest |test MSE| difference of a curve point, and the wall time of each
sweep's runs (their wall_seconds summed; a packed run's is its share of its pack's time). Exit 0 when every run of A is in B with the same n*, else 1.
"""
import json
import sqlite3
import sys

NUMBERS = ("spec", "status", "nstar", "censored", "curve", "steps", "prompts_seen", "parameters")


def load(path):
    con = sqlite3.connect(path)
    out = {}
    for key, record in con.execute("select run_key, record_json from runs where record_json is not null"):
        out[key] = json.loads(record)
    return out


def numbers(record, field):
    """A record's field; the spec without its thread count (run keys leave it out: same bits at any count)."""
    value = record.get(field)
    if field == "spec" and isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "threads"}
    return value


def seconds(records):
    return sum((r.get("wall_seconds") or {}).get("total", 0) for r in records.values())


def main(a_path, b_path):
    a, b = load(a_path), load(b_path)
    both = [k for k in a if k in b]
    same = sum(1 for k in both if all(numbers(a[k], f) == numbers(b[k], f) for f in NUMBERS))
    nstar = sum(1 for k in both if a[k].get("nstar") == b[k].get("nstar"))
    worst = 0.0
    for k in both:
        for p, q in zip(a[k].get("curve") or [], b[k].get("curve") or []):
            x, y = p.get("test_mse"), q.get("test_mse")
            if x is not None and y is not None:
                worst = max(worst, abs(x - y))
    packed = sum(1 for k in both if "pack" in (b[k].get("provenance") or {}))
    print(f"runs in both {len(both)} of {len(a)}; same bits {same}; same n* {nstar}; max |test MSE diff| "
          f"{worst:.3g}; in packs (second) {packed}; run seconds {seconds(a):.1f} vs {seconds(b):.1f}")
    return 0 if len(both) == len(a) and nstar == len(both) else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
