#!/usr/bin/env bash
# One device call that does a session's GPU work: the GPU check (scripts/gpu-check.sh) and then paper-figure
# reproductions on cuda (scripts/gpu-reproduce.sh), each within a time limit of its own, so that the whole call ends
# inside the device tool's limit. Run on the device machine from the repo root, dist/ carried (gpu-bundle.sh):
#   bash scripts/gpu-session.sh CHECK_SECONDS FIGURE:SCALE:WORKERS:SECONDS ...
#   e.g. bash scripts/gpu-session.sh 230 fig1a:paper:6:100 fig2:paper:1:70 fig1b:paper:6:130
# The device tool brings back at most 8 files, so everything is packed into $OUT/session.tar.gz (repacked after
# each step, so a call cut short still returns what finished), with the check's summary.txt beside it. Each
# figure's folder holds results.sqlite and plan.json: `samplex report` here draws its plots from them (the GPU
# machine has no fonts).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/samplex-session-out}
work=/tmp/samplex-session
rm -rf "$work"
mkdir -p "$out" "$work"
check_seconds=${1:?usage: gpu-session.sh CHECK_SECONDS FIGURE:SCALE:WORKERS:SECONDS ...}
shift

pack() {
  tar -czf "$out/session.tar.gz.part" -C "$work" . && mv "$out/session.tar.gz.part" "$out/session.tar.gz"
}

start=$SECONDS
CHECK_DEADLINE_S=$check_seconds OUT="$work/check" bash scripts/gpu-check.sh > "$work/check-stdout.log" 2>&1
echo "gpu-check: exit $? after $((SECONDS - start)) s"
cp "$work/check/summary.txt" "$out/" 2>/dev/null
pack
for job in "$@"; do
  IFS=: read -r figure scale workers limit <<< "$job"
  step=$SECONDS
  OUT="$work/$figure-$scale" bash scripts/gpu-reproduce.sh "$figure" "$scale" "$workers" "$limit" \
    > "$work/$figure-$scale.log" 2>&1
  echo "$figure $scale: exit $? after $((SECONDS - step)) s"
  sed -n '/^reproduce /,$p' "$work/$figure-$scale.log" | head -n 40
  pack
done
echo "session: $((SECONDS - start)) s"
