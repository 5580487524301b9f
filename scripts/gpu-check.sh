#!/usr/bin/env bash
# The GPU check (issue 6), run on the device machine from the repository root with dist/ carried:
#   device tool run: command "bash scripts/gpu-check.sh", carry ["dist"], timeout_s 540
# That machine has no JDK, Maven or network; dist/gpu-bundle.tar.gz (scripts/gpu-bundle.sh) brings a jlink'd
# JDK 25, the CLI and its jars, backend-cuda's test classes with the JUnit console launcher, and torch_qstr.py.
#
# Steps, each under `timeout` and inside one overall deadline (default 450 s, so the whole check ends in under
# 8 minutes): unpack into /tmp; find the CUDA 13 libraries (ldconfig cache, else the CUDA toolkit or the Python
# nvidia packages, exported on LD_LIBRARY_PATH); nvidia-smi's one-line summary and `samplex doctor`; the
# backend-cuda tests tagged `gpu` through the console launcher; attention forward + backward at N = 4096
# against the H200's 4.8 TB/s bandwidth bound (backend-cuda's AttentionThroughput); 24 small runs alone and packed
# (--pack 8) on cuda, their records compared (scripts/compare-records.py); `samplex bench --json` for
# transformer, mlp and gru at N = 12 and N = 64, batch 64, on cuda and on cpu for reference (warm numbers: warm-up steps first, then
# timed steps without profiling, then a separate profiled pass for the ms/step split); torch_qstr.py with
# --device cuda on the same protocol (a fixed number of steps: a cap and an unreachable threshold; two seeds in
# one process, the second one's wall time taken). It prints one short table at the end.
#
# Without a GPU (or while the cuda backend cannot run) every part still runs or says why it did not: the gpu
# tests skip themselves, `--backend cuda` exits 3 with the probe's reason, and the table says so.
#
# Logs (at most 8 files, the device tool's limit) go to $OUT, or /tmp/samplex-gpu-out when OUT is unset:
#   check.log (this transcript), summary.txt (the table), env.txt (nvidia-smi, libraries, doctor, bundle),
#   gpu-tests.log and gpu-tests-reports.tar.gz (JUnit), samplex-runs.log (each bench's stderr and JSON),
#   torch.log.
# Settings (environment): GPU_BUNDLE (archive, default dist/gpu-bundle.tar.gz), CHECK_DEADLINE_S (450),
# CHECK_NS ("12 64"), CHECK_LEARNERS ("transformer mlp gru"), CHECK_CUDA_STEPS (timed steps per bench on cuda,
# default 1000, gru 200), CHECK_CPU_STEPS (on cpu, default 300, gru 20), CHECK_TORCH_STEPS (per torch seed,
# default 1000, gru 300).
set -uo pipefail
cd "$(dirname "$0")/.."

readonly started=$SECONDS
readonly deadline=${CHECK_DEADLINE_S:-450}
readonly archive=${GPU_BUNDLE:-dist/gpu-bundle.tar.gz}
readonly ns=${CHECK_NS:-12 64}
readonly learners=${CHECK_LEARNERS:-transformer mlp gru}
readonly batch=64
readonly threshold=1e-12   # unreachable: every run goes to its cap, a fixed number of steps
readonly unpack_root=/tmp
readonly bundle=$unpack_root/samplex-gpu
out=${OUT:-/tmp/samplex-gpu-out}
mkdir -p "$out"
work=$(mktemp -d /tmp/samplex-gpu-work.XXXXXX)
exec > >(tee -a "$out/check.log") 2>&1
tee_pid=$!

say() { echo "[gpu-check $(( SECONDS - started ))s] $*"; }

# The seconds a part may take: its own limit, or what is left before the deadline (less a reserve for the
# table), whichever is smaller; 0 when too little is left to start it.
budget() {
  local left=$(( deadline - (SECONDS - started) - 10 ))
  if (( left < 15 )); then echo 0; elif (( left < $1 )); then echo "$left"; else echo "$1"; fi
}

# --- unpack ---------------------------------------------------------------------------------------------------
bundle_state="ok"
if [[ ! -f "$archive" ]]; then
  bundle_state="missing: $archive (run scripts/gpu-bundle.sh and carry dist)"
else
  rm -rf "$bundle"
  if ! timeout 120 tar -xzf "$archive" -C "$unpack_root"; then
    bundle_state="could not unpack $archive"
  elif [[ ! -x "$bundle/jdk/bin/java" ]]; then
    bundle_state="no runtime in $archive"
  fi
fi
say "bundle: $bundle_state"
[[ -f "$bundle/BUNDLE.txt" ]] && sed 's/^/  /' "$bundle/BUNDLE.txt"

# --- GPU and CUDA libraries -----------------------------------------------------------------------------------
gpu_line="no GPU (nvidia-smi not found)"
has_gpu=0
if command -v nvidia-smi >/dev/null 2>&1; then
  if line=$(timeout 30 nvidia-smi --query-gpu=name,driver_version,compute_cap,memory.total \
      --format=csv,noheader 2>&1) && [[ -n "$line" ]]; then
    gpu_line=$(echo "$line" | head -n 1)
    has_gpu=1
  else
    gpu_line="no GPU (nvidia-smi: $(echo "$line" | head -n 1))"
  fi
fi
say "gpu: $gpu_line"

# Each library the cuda backend loads: found through LD_LIBRARY_PATH or the ldconfig cache, else looked for in
# the toolkit's and PyTorch's folders, whose folder then goes on LD_LIBRARY_PATH.
cuda_libs="libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libnvrtc.so.13 libnvrtc-builtins.so.13"
lib_dirs=(/usr/local/nvidia/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/local/cuda/lib64
  /opt/torch/.venv/lib/python3*/site-packages/nvidia/*/lib)
ldcache=$(ldconfig -p 2>/dev/null || true)
lib_missing=()
lib_added=()
in_ld_path() {
  local d
  IFS=: read -r -a dirs <<< "${LD_LIBRARY_PATH:-}"
  for d in "${dirs[@]}"; do
    compgen -G "$d/$1*" >/dev/null && return 0
  done
  return 1
}
for lib in $cuda_libs; do
  in_ld_path "$lib" && continue
  grep -q "[[:space:]]$lib[^[:space:]]* (" <<< "$ldcache" && continue
  found=""
  for d in "${lib_dirs[@]}"; do
    if compgen -G "$d/$lib*" >/dev/null; then found=$d; break; fi
  done
  if [[ -n "$found" ]]; then
    export LD_LIBRARY_PATH="$found${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    lib_added+=("$lib in $found")
  else
    lib_missing+=("$lib")
  fi
done
if (( ${#lib_missing[@]} )); then
  libs_state="missing ${lib_missing[*]}"
elif (( ${#lib_added[@]} )); then
  libs_state="found (added to LD_LIBRARY_PATH: ${lib_added[*]})"
else
  libs_state="found (ldconfig cache / LD_LIBRARY_PATH)"
fi
say "cuda 13 libraries: $libs_state"

# The CLI through its own launcher, on the bundle's runtime, without the launcher's build check.
samplex=(env JAVA_HOME="$bundle/jdk" SAMPLEX_NO_BUILD=1 "$bundle/samplex")

{
  echo "== nvidia-smi"; timeout 30 nvidia-smi 2>&1 || echo "(no nvidia-smi)"
  echo "== cuda libraries: $libs_state"; echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  grep -E 'libcuda\.so|libcudart|libcublas|libnvrtc' <<< "$ldcache" || echo "(none in the ldconfig cache)"
  echo "== bundle: $bundle_state"; cat "$bundle/BUNDLE.txt" 2>/dev/null
} > "$out/env.txt" 2>&1
doctor_state="not run"
if [[ "$bundle_state" == ok ]]; then
  t=$(budget 60)
  if (( t > 0 )); then
    echo "== samplex doctor" >> "$out/env.txt"
    timeout -k 5 "$t" "${samplex[@]}" doctor >> "$out/env.txt" 2>&1
    doctor_state="exit $?"
  fi
fi
say "samplex doctor: $doctor_state (env.txt)"

# --- GPU-tagged tests -----------------------------------------------------------------------------------------
# A count from the console launcher's summary ("[        12 tests successful      ]").
test_count() {
  sed -n "s/^\[ *\([0-9]*\) tests $1 *\]$/\1/p" "$out/gpu-tests.log" | head -n 1
}
# The test jars (backend-cuda's test classes, samplex-testkit, the runtime jars) run on the class path (the
# providers are also in META-INF/services), hence ALL-UNNAMED.
test_java=("$bundle/jdk/bin/java" -Xss4m --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector
  --sun-misc-unsafe-memory-access=allow)
test_cp=$(sed "s|^|$bundle/|" "$bundle/test/classpath.txt" 2>/dev/null | paste -sd: -)
tests_state="not run"
if [[ "$bundle_state" != ok ]]; then
  tests_state="not run (no bundle)"
elif (( $(budget 180) == 0 )); then
  tests_state="not run (out of time)"
else
  t=$(budget 180)
  say "gpu tests: backend-cuda, --include-tag gpu (limit ${t}s)..."
  timeout -k 10 "$t" "${test_java[@]}" -cp "$bundle/test/junit-platform-console-standalone.jar:$test_cp" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors \
    --details testfeed --include-engine junit-jupiter --include-tag gpu \
    --scan-classpath "$bundle/test/classes" --reports-dir "$work/reports" > "$out/gpu-tests.log" 2>&1
  rc=$?
  found=$(test_count found); passed=$(test_count successful); failed=$(test_count failed)
  skipped=$(test_count skipped); aborted=$(test_count aborted)
  # The feed names each test as it starts and ends, so a timed-out run still shows where it stopped.
  failed_tests=$(sed -n 's/^JUnit Jupiter > \(.*\) :: FAILED$/\1/p' "$out/gpu-tests.log" | head -n 5 | paste -sd';' -)
  if [[ $rc == 124 || $rc == 137 ]]; then
    tests_state="timed out after ${t}s in: $(sed -n 's/^JUnit Jupiter > \(.*\) :: STARTED$/\1/p' \
      "$out/gpu-tests.log" | tail -n 1); see gpu-tests.log"
  elif [[ -z "$passed" ]]; then
    tests_state="no summary (exit $rc); see gpu-tests.log"
  else
    tests_state="$found found: $passed passed, $failed failed, $(( skipped + aborted )) skipped (exit $rc)"
    if (( found == 0 )); then
      tests_state="$tests_state; no test tagged gpu in the bundle"
    elif (( has_gpu == 0 )); then
      tests_state="$tests_state; no GPU here, so they skip"
    fi
  fi
  (cd "$work" && tar -czf "$out/gpu-tests-reports.tar.gz" reports 2>/dev/null)
fi
say "gpu tests: $tests_state"

# --- attention at long N: forward + backward throughput against the bandwidth bound (issue 16) ----------------
# backend-cuda's AttentionThroughput (a main in its test classes): B = 8, N = 4096, H = 1, hd = 92 (the qSTR
# Transformer's full-width head at N = 4096), median of 10 timed rounds; it prints one line with the times, the
# least HBM traffic of a fused kernel (4 (15 S + 2 L) bytes) and the fraction of the 4.8 TB/s bound reached.
attention_state="attention throughput at N = 4096: not run"
if [[ "$bundle_state" != ok ]]; then
  attention_state="attention throughput at N = 4096: not run (no bundle)"
elif (( $(budget 60) == 0 )); then
  attention_state="attention throughput at N = 4096: not run (out of time)"
else
  t=$(budget 60)
  say "attention throughput at N = 4096 (limit ${t}s)..."
  timeout -k 5 "$t" "${test_java[@]}" -cp "$bundle/test/classes:$test_cp" org.samplex.backend.cuda.AttentionThroughput \
    > "$work/attention.log" 2>&1
  rc=$?
  cat "$work/attention.log" >> "$out/samplex-runs.log"
  attention_state=$(grep '^attention throughput' "$work/attention.log" | tail -n 1)
  [[ -z "$attention_state" ]] &&
    attention_state="attention throughput at N = 4096: failed (exit $rc): $(tail -n 1 "$work/attention.log")"
fi
say "$attention_state"

# --- run packing on cuda (issue 16) --------------------------------------------------------------------------
# The same 24 runs (transformer, mlp and gru hidden 128 at N = 8, seeds 0-7, cap 64,000) alone and with --pack 8,
# one worker each; scripts/compare-records.py says how many records are the same bits and have the same n*, and
# the largest test-MSE difference (cuBLAS may pick another algorithm for a batched product), and the wall times
# side by side.
pack_state="packing on cuda: not run"
if [[ "$bundle_state" != ok ]]; then
  pack_state="packing on cuda: not run (no bundle)"
elif (( $(budget 150) == 0 )); then
  pack_state="packing on cuda: not run (out of time)"
else
  pack_py=$(command -v python3 || echo /opt/torch/.venv/bin/python3)
  pack_args=(sweep run --learners transformer,mlp,gru --N 8 --seeds 8 --learner-option gru.hidden=128
    --thresholds 0.7 --cap 64000 --test-size 2000 --backend cuda --workers 1)
  pack_times=()
  pack_ok=0
  for p in 1 8; do
    t=$(budget 70)
    (( t == 0 )) && break
    say "packing on cuda: --pack $p (limit ${t}s)..."
    s0=$SECONDS
    timeout -k 5 "$t" "${samplex[@]}" "${pack_args[@]}" --pack "$p" --out "$work/pack-$p" >> "$out/samplex-runs.log" 2>&1
    rc=$?
    (( rc == 0 )) && pack_ok=$(( pack_ok + 1 ))
    pack_times+=("--pack $p: exit $rc, $(( SECONDS - s0 ))s")
  done
  compared="records not compared (a sweep did not finish)"
  (( pack_ok == 2 )) && compared=$("$pack_py" scripts/compare-records.py "$work/pack-1/results.sqlite" \
    "$work/pack-8/results.sqlite" 2>&1 | tail -n 1)
  pack_state="packing on cuda (24 runs, N = 8): ${pack_times[*]}; $compared"
fi
say "$pack_state"

# --- timed training: samplex bench ----------------------------------------------------------------------------
# Steps per bench or torch seed: gru at N = 64 (hidden 500, 64 recurrent steps each way) is far slower than the
# others, so it gets fewer; the override applies to every learner.
steps_for() {  # learner where(cuda|cpu|torch)
  case "$2" in
    cuda) [[ -n "${CHECK_CUDA_STEPS:-}" ]] && { echo "$CHECK_CUDA_STEPS"; return; }
          [[ $1 == gru ]] && echo 200 || echo 1000 ;;
    cpu) [[ -n "${CHECK_CPU_STEPS:-}" ]] && { echo "$CHECK_CPU_STEPS"; return; }
         [[ $1 == gru ]] && echo 20 || echo 300 ;;
    torch) [[ -n "${CHECK_TORCH_STEPS:-}" ]] && { echo "$CHECK_TORCH_STEPS"; return; }
           [[ $1 == gru ]] && echo 300 || echo 1000 ;;
  esac
}

py=$(command -v python3 || true)
# Reads one bench result (a JSON array of one object): "<steps/s> <ms/step>" and, with python3, a second line:
# the profiled step's split by kernel family (evaluation left out) and the 1000-prompt evaluation's time.
bench_fields() {
  if [[ -n "$py" ]]; then
    "$py" - "$1" <<'EOF' 2>/dev/null
import json, sys
r = json.load(open(sys.argv[1]))[0]
print(f"{r['steps_per_second']:.1f} {r['ms_per_step']:.3f}")
shares = r.get("shares_percent") or {}
train = 100 - shares.get("evaluation", 0)
names = {"gemm": "GEMM", "attention": "attn", "recurrence": "recur", "pointwise_loss": "pointwise",
         "optimizer": "AdamW", "data": "data", "host": "host"}
split = ", ".join(f"{label} {100 * shares[k] / train:.0f}%" for k, label in names.items() if k in shares and train > 0)
prof = r.get("profiled_ms_per_step")
print(f"{split} (profiled {prof:.3f} ms/step); eval {r['eval_ms']:.1f} ms/1000 prompts" if prof else "no profile")
EOF
  else
    awk '/"ms_per_step":/ {gsub(/[ ,]/, "", $2); m = $2} /"steps_per_second":/ {gsub(/[ ,]/, "", $2); s = $2}
         END {if (s != "") printf "%.1f %.3f\n", s, m}' "$1"
  fi
}

declare -A rate note split
bench_one() {  # learner N backend
  local learner=$1 n=$2 backend=$3 key="$1/$2/$3" steps warm prof t rc fields sps ms
  local json="$work/$1-$2-$3.json" err="$work/$1-$2-$3.err"
  steps=$(steps_for "$learner" "$backend")
  warm=$(( steps / 10 < 5 ? 5 : (steps / 10 > 100 ? 100 : steps / 10) ))
  prof=$(( steps / 5 < 5 ? 5 : (steps / 5 > 50 ? 50 : steps / 5) ))
  t=$(budget 90)
  if (( t == 0 )); then rate[$key]="-"; note[$key]="out of time"; return; fi
  say "samplex bench --learner $learner --N $n --backend $backend --steps $steps (limit ${t}s)..."
  timeout -k 5 "$t" "${samplex[@]}" bench --learner "$learner" --N "$n" --backend "$backend" --batch "$batch" \
    --warmup-steps "$warm" --steps "$steps" --profile-steps "$prof" --json > "$json" 2> "$err"
  rc=$?
  { echo "== $learner N=$n $backend steps=$steps: exit $rc"; cat "$err"; cat "$json"; } >> "$out/samplex-runs.log"
  if (( rc == 0 )) && fields=$(bench_fields "$json") && [[ -n "$fields" ]]; then
    read -r sps ms <<< "$(head -n 1 <<< "$fields")"
    rate[$key]=$sps
    note[$key]="$ms ms/step ($warm warm-up + $steps timed steps)"
    split[$key]=$(sed -n 2p <<< "$fields")
  elif (( rc == 3 )); then
    rate[$key]="unavailable"
    note[$key]=$(grep -v '^WARNING' "$err" | tail -n 1)
  else
    rate[$key]="failed"
    note[$key]="exit $rc$([[ $rc == 124 || $rc == 137 ]] && echo " (timed out)"): $(grep -v '^WARNING' "$err" | tail -n 1)"
  fi
  say "  -> ${rate[$key]}$([[ ${rate[$key]} == [0-9]* ]] && echo " steps/s") (${note[$key]})"
}

torch_py=""
torch_state=""
for candidate in /opt/torch/.venv/bin/python3 python3; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  if probe=$(timeout 60 "$candidate" -c 'import torch; print(torch.__version__, torch.cuda.is_available())' 2>/dev/null); then
    torch_py=$candidate
    torch_state="torch $probe"
    break
  fi
done
if [[ -z "$torch_py" ]]; then
  torch_state="no python3 with torch here"
elif [[ "$torch_state" != *True ]]; then
  torch_state="${torch_state% False}: torch sees no CUDA device"
  torch_py=""
elif [[ ! -f "$bundle/torch_qstr.py" ]]; then
  torch_state="torch_qstr.py is not in the bundle"
  torch_py=""
fi

torch_one() {  # learner N
  local learner=$1 n=$2 key="$1/$2/torch" model t rc wall steps cap
  model=$([[ $learner == transformer ]] && echo tr || echo "$learner")
  if [[ -z "$torch_py" ]]; then rate[$key]="-"; note[$key]="$torch_state"; return; fi
  t=$(budget 120)
  if (( t == 0 )); then rate[$key]="-"; note[$key]="out of time"; return; fi
  steps=$(steps_for "$learner" torch)
  cap=$(( steps * batch ))
  say "torch_qstr.py --model $model --N $n --device cuda --cap $cap (limit ${t}s)..."
  # Two seeds in one process; the second one's wall time is taken (CUDA context, cuBLAS handles and kernel
  # caches warm). It includes the few test evaluations (every 100 steps on 1,000 prompts).
  echo "== torch $model N=$n cap=$cap" >> "$out/torch.log"
  PYTHONUNBUFFERED=1 timeout -k 5 "$t" "$torch_py" "$bundle/torch_qstr.py" --model "$model" --N "$n" --device cuda \
    --cap "$cap" --batch "$batch" --threshold "$threshold" --check-every 100 --n-test 1000 --seeds 2 \
    --threads "$(nproc)" > "$work/torch-$model-$n.log" 2>&1
  rc=$?
  cat "$work/torch-$model-$n.log" >> "$out/torch.log"
  wall=$(sed -n 's/^seed=1 .* wall_s=\([0-9.]*\).*/\1/p' "$work/torch-$model-$n.log" | tail -n 1)
  if (( rc == 0 )) && [[ -n "$wall" ]]; then
    rate[$key]=$(awk -v s="$steps" -v w="$wall" 'BEGIN { printf "%.1f", (w > 0 ? s / w : 0) }')
    note[$key]="$steps steps in ${wall}s (second seed)"
  else
    rate[$key]="failed"
    note[$key]="exit $rc$([[ $rc == 124 || $rc == 137 ]] && echo " (timed out)"): $(tail -n 1 "$work/torch-$model-$n.log")"
  fi
  say "  -> ${rate[$key]}$([[ ${rate[$key]} == [0-9]* ]] && echo " steps/s") (${note[$key]})"
}

# cuda first, then torch, then the cpu reference: if time runs short, the comparison that matters is done.
for learner in $learners; do
  for n in $ns; do
    if [[ "$bundle_state" == ok ]]; then bench_one "$learner" "$n" cuda; else rate[$learner/$n/cuda]="-"; note[$learner/$n/cuda]="no bundle"; fi
  done
done
for learner in $learners; do for n in $ns; do torch_one "$learner" "$n"; done; done
for learner in $learners; do
  for n in $ns; do
    if [[ "$bundle_state" == ok ]]; then bench_one "$learner" "$n" cpu; else rate[$learner/$n/cpu]="-"; note[$learner/$n/cpu]="no bundle"; fi
  done
done

# --- the table ----------------------------------------------------------------------------------------------------
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2fx", a / b; else printf "-" }'
}
{
  echo "samplex GPU check, $(date -u '+%Y-%m-%d %H:%M UTC'), $(sed -n 's/^commit: \([0-9a-f]\{12\}\).*/commit \1/p' "$bundle/BUNDLE.txt" 2>/dev/null)"
  echo "gpu: $gpu_line"
  echo "cuda libraries: $libs_state"
  echo "gpu tests (backend-cuda, tag gpu): $tests_state"
  echo "$attention_state"
  echo "$pack_state"
  [[ -n "${failed_tests:-}" ]] && echo "  failed: $failed_tests"
  echo "torch: $torch_state"
  echo
  printf '%-12s %3s  %14s  %14s  %14s  %10s\n' model N "samplex cuda" "samplex cpu" "torch cuda" cuda/torch
  for learner in $learners; do
    for n in $ns; do
      k=$learner/$n
      printf '%-12s %3s  %14s  %14s  %14s  %10s\n' "$learner" "$n" "${rate[$k/cuda]:--}" "${rate[$k/cpu]:--}" \
        "${rate[$k/torch]:--}" "$(ratio "${rate[$k/cuda]:-}" "${rate[$k/torch]:-}")"
      [[ -n "${split[$k/cuda]:-}" ]] && echo "    cuda step: ${split[$k/cuda]}"
    done
  done
  echo "(training steps per second, batch $batch, warm: samplex bench's unprofiled steps after warm-up; torch's"
  echo " second seed, its test evaluations included; the cuda step split is from a separate profiled pass)"
  for learner in $learners; do
    for n in $ns; do
      for col in cuda cpu torch; do
        echo "  $learner N=$n $col: ${note[$learner/$n/$col]:-}"
      done
    done
  done
  echo "check took $(( SECONDS - started ))s; logs in $out"
} > "$out/summary.txt"
echo
cat "$out/summary.txt"
rm -rf "$work"
# Let tee write the last lines of check.log before the device tool collects $OUT.
exec >&- 2>&-
wait "$tee_pid"
