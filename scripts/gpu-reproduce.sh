#!/usr/bin/env bash
# Run on the GPU machine (device tool), from the repo root, with dist/ carried (scripts/gpu-bundle.sh):
#   bash scripts/gpu-reproduce.sh FIGURE SCALE WORKERS LIMIT_SECONDS
# Unpacks the bundle, runs `samplex reproduce FIGURE --scale SCALE --backend cuda --workers WORKERS` for at most
# LIMIT_SECONDS (the store is resumable, so a cut run still reports what finished), writes the report and copies
# summary.md, nstar.csv, the n* plot and the log to $OUT.
set -uo pipefail
figure=${1:-fig1a}; scale=${2:-paper}; workers=${3:-6}; limit=${4:-240}
out=${OUT:-/tmp/out}; mkdir -p "$out"
root=/tmp/samplex-reproduce; rm -rf "$root"; mkdir -p "$root"
tar -xzf dist/gpu-bundle.tar.gz -C "$root" || { echo "cannot unpack dist/gpu-bundle.tar.gz" >&2; exit 1; }
bundle="$root/samplex-gpu"
samplex=(env JAVA_HOME="$bundle/jdk" SAMPLEX_NO_BUILD=1 "$bundle/samplex")
dir="$root/$figure-$scale"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
start=$SECONDS
timeout "$limit" "${samplex[@]}" reproduce "$figure" --scale "$scale" --backend cuda --workers "$workers" \
  --out "$dir" --no-report > "$out/reproduce.log" 2>&1
rc=$?
echo "reproduce $figure --scale $scale --backend cuda --workers $workers: exit $rc after $((SECONDS - start)) s"
"${samplex[@]}" report "$dir" > "$out/report.log" 2>&1 || echo "report failed (see report.log)"
for f in summary.md nstar.csv results.sqlite results.sqlite-wal plan.json "nstar_eps0.7.png" "nstar_eps0.02.png"; do [[ -f "$dir/$f" ]] && cp "$dir/$f" "$out/"; done
tail -n 3 "$out/reproduce.log" | tr '\r' '\n' | tail -n 3
sed -n '/^## Threshold/,/^## n\* against N/p' "$dir/summary.md" 2>/dev/null
