#!/usr/bin/env bash
# samplex's cpu backend side by side with OpenBLAS and PyTorch on this machine, in one run (issue 5):
#
#   gemm   sgemm 512 x 512 x 512 at 2 threads and at 1 thread: numpy with OpenBLAS (OPENBLAS_NUM_THREADS) against
#          samplex's cpu gemm (org.samplex.bench.GemmFlops), measured the same way: a warm-up, then the best of
#          several 1-second runs of back-to-back products; GFLOP/s of each and the ratio samplex / OpenBLAS.
#   nstar  time to n* at the paper's settings (general 1STR, d 10, threshold 0.7, check every 10 steps, test set
#          5,000, batch 64, AdamW lr 1e-3, weight decay 0.1, cap 10^6 prompts) for each learner and N: `samplex
#          train --json` per seed against ../shared/anchors/torch_qstr.py (PyTorch eager, the same protocol,
#          different random streams); median n* and its range per side, median seconds to n* per side, and the
#          speed ratio torch / samplex.
#   jmh    (only when asked for) the JMH suite, org.samplex.bench.Suite, its table included.
#
# Usage: scripts/compare-cpu.sh [options]        (from anywhere; it works in the repository root)
#   --parts LIST        gemm,nstar,jmh; default gemm,nstar                           (env COMPARE_PARTS)
#   --learners LIST     transformer,mlp,gru; default all three                      (env COMPARE_LEARNERS)
#   --N LIST            sequence lengths; default 8,12                               (env COMPARE_N)
#   --seeds K           seeds 0..K-1 on each side; default 3                         (env COMPARE_SEEDS)
#   --threads T         threads of samplex and torch in the nstar part; default 2    (env COMPARE_THREADS)
#   --gemm-threads LIST thread counts of the gemm part; default 2,1                  (env COMPARE_GEMM_THREADS)
#   --gemm-size S       m = n = k; default 512
#   --gemm-runs R       timed runs per side (the best counts); default 5
#   --gemm-seconds S    seconds per timed run; default 1
#   --gemm-warmup S     seconds of warm-up before the runs; default 2
#   --jmh-args "ARGS"   extra arguments for the JMH suite (for example "--quick" or "--only gemm")
#   --out DIR           results folder; default target/compare-cpu                   (env COMPARE_OUT)
#   --no-build          use the jars as they are (default: build first, offline, under the shared build lock)
# Smoke run (about a minute): scripts/compare-cpu.sh --learners transformer --N 8 --seeds 1 --gemm-runs 2 \
#     --gemm-seconds 0.3 --gemm-warmup 0.5
#
# Needs: JDK 25 at /usr/lib/jvm/temurin-25-jdk-amd64 (or JAVA_HOME pointing at a JDK 25); Debian's
# /usr/bin/python3 with python3-numpy (its BLAS should be OpenBLAS: libopenblas0-pthread) and python3-torch; the
# PyTorch reference at ../shared/anchors/torch_qstr.py relative to the repository root (TORCH_QSTR overrides it).
# The pyenv python3 on PATH has no torch: this script always runs /usr/bin/python3 (PYTHON overrides it).
#
# Fair by construction: the reference side (numpy, torch) runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset,
# so OpenBLAS picks its kernel for this CPU (a machine-wide OPENBLAS_CORETYPE=Haswell would confine it to AVX2);
# samplex's side keeps the environment as it is (it reads neither). Before anything runs, the script checks that
# numpy (gemm part) and torch (nstar part) really run on OpenBLAS, in the reference side's environment, and
# refuses with the reason otherwise (exit 3): Debian's numpy and torch call libblas.so.3, which without
# libopenblas0-pthread is the reference BLAS, some 40 times slower. The kernel OpenBLAS chose
# (openblas_get_corename) goes into env.txt and the report.
#
# Writes a folder per run, $OUT/<date-time>/ ($OUT/latest points at the newest): compare-cpu.md (the tables in
# markdown, with the commands and the machine, ready for docs/performance.md), commands.txt (every command, in
# order), env.txt, and the raw output of every run (samplex JSON records, torch's lines, gemm probes, logs).
# Exit status: 0 when everything ran, 1 when a run failed (the tables show which), 2 for a bad option, 3 when
# something this needs is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "compare-cpu: $*" >&2; exit "${2:-3}"; }
# rel PATH: PATH relative to the repository root (where every command runs), for commands that can be pasted
rel() { realpath -m --relative-to="$root" "$1"; }
bad() { echo "compare-cpu: $*" >&2; echo "(scripts/compare-cpu.sh --help lists the options)" >&2; exit 2; }

parts=${COMPARE_PARTS:-gemm,nstar}
learners=${COMPARE_LEARNERS:-transformer,mlp,gru}
ns=${COMPARE_N:-8,12}
seeds=${COMPARE_SEEDS:-3}
threads=${COMPARE_THREADS:-2}
gemm_threads=${COMPARE_GEMM_THREADS:-2,1}
gemm_size=512
gemm_runs=5
gemm_seconds=1
gemm_warmup=2
jmh_args=""
out=${COMPARE_OUT:-target/compare-cpu}
build=1
threshold=0.7
test_size=5000
check_every=10
batch=64
lr=0.001
weight_decay=0.1
cap=1000000

while (( $# )); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --no-build) build=0; shift; continue ;;
    --parts|--learners|--N|--seeds|--threads|--gemm-threads|--gemm-size|--gemm-runs|--gemm-seconds|--gemm-warmup|\
    --jmh-args|--out)
      (( $# >= 2 )) || bad "$1 needs a value"
      case "$1" in
        --parts) parts=$2 ;;
        --learners) learners=$2 ;;
        --N) ns=$2 ;;
        --seeds) seeds=$2 ;;
        --threads) threads=$2 ;;
        --gemm-threads) gemm_threads=$2 ;;
        --gemm-size) gemm_size=$2 ;;
        --gemm-runs) gemm_runs=$2 ;;
        --gemm-seconds) gemm_seconds=$2 ;;
        --gemm-warmup) gemm_warmup=$2 ;;
        --jmh-args) jmh_args=$2 ;;
        --out) out=$2 ;;
      esac
      shift 2 ;;
    --*=*) bad "write options as '--name value', got '$1'" ;;
    *) bad "unknown argument '$1'" ;;
  esac
done

# ---- options ------------------------------------------------------------------------------------------------
is_int() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }
is_num() { [[ "$1" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] && awk -v x="$1" 'BEGIN { exit !(x > 0) }'; }
want_gemm=0; want_nstar=0; want_jmh=0
IFS=, read -r -a part_list <<< "$parts"
(( ${#part_list[@]} )) || bad "--parts must name at least one of gemm, nstar, jmh"
for p in "${part_list[@]}"; do
  case "$p" in
    gemm) want_gemm=1 ;;
    nstar) want_nstar=1 ;;
    jmh) want_jmh=1 ;;
    *) bad "--parts takes gemm, nstar, jmh (comma-separated), got '$p'" ;;
  esac
done
IFS=, read -r -a learner_list <<< "$learners"
for l in "${learner_list[@]}"; do
  case "$l" in transformer|mlp|gru) ;; *) bad "--learners takes transformer, mlp, gru, got '$l'" ;; esac
done
IFS=, read -r -a n_list <<< "$ns"
for n in "${n_list[@]}"; do
  is_int "$n" && (( n >= 2 )) || bad "--N takes sequence lengths >= 2 (comma-separated), got '$n'"
done
is_int "$seeds" || bad "--seeds must be a count >= 1, got '$seeds'"
is_int "$threads" || bad "--threads must be >= 1, got '$threads'"
IFS=, read -r -a gemm_thread_list <<< "$gemm_threads"
for t in "${gemm_thread_list[@]}"; do is_int "$t" || bad "--gemm-threads takes thread counts >= 1, got '$t'"; done
is_int "$gemm_size" || bad "--gemm-size must be >= 1, got '$gemm_size'"
is_int "$gemm_runs" || bad "--gemm-runs must be >= 1, got '$gemm_runs'"
is_num "$gemm_seconds" || bad "--gemm-seconds must be a number of seconds > 0, got '$gemm_seconds'"
is_num "$gemm_warmup" || bad "--gemm-warmup must be a number of seconds > 0, got '$gemm_warmup'"

# ---- what this needs ----------------------------------------------------------------------------------------
# the JDK 25 this project is measured with; JAVA_HOME is used only when that one is absent and it is a JDK 25
jdk=/usr/lib/jvm/temurin-25-jdk-amd64
if [[ ! -x "$jdk/bin/java" && -n "${JAVA_HOME:-}" ]]; then
  jdk=$JAVA_HOME
fi
[[ -x "$jdk/bin/java" ]] \
  || die "JDK 25 not found at /usr/lib/jvm/temurin-25-jdk-amd64 (install Temurin 25 or set JAVA_HOME to a JDK 25)"
jdk_version=$("$jdk/bin/java" -version 2>&1 | head -n 1)
[[ "$jdk_version" =~ \"25[.\"] ]] || die "$jdk is not a JDK 25: $jdk_version (set JAVA_HOME to a JDK 25)"
export JAVA_HOME=$jdk
java=$jdk/bin/java

py=${PYTHON:-/usr/bin/python3}
[[ -x "$py" ]] || die "$py not found: install Debian's python3 with python3-numpy and python3-torch"
torch_qstr=${TORCH_QSTR:-$root/../shared/anchors/torch_qstr.py}
if (( want_gemm )); then
  "$py" -c 'import numpy' 2>/dev/null \
    || die "numpy is missing in $py: apt-get install python3-numpy libopenblas0-pthread"
fi
if (( want_nstar )); then
  "$py" -c 'import torch' 2>/dev/null \
    || die "torch is missing in $py (the pyenv python3 on PATH has none): apt-get install python3-torch"
  [[ -f "$torch_qstr" ]] || die "the PyTorch reference is missing: $torch_qstr (it lives in the shared folder next
  to the repository, ../shared/anchors/torch_qstr.py; set TORCH_QSTR to another copy)"
  torch_qstr=$(rel "$torch_qstr")
fi

# the reference side's environment: OpenBLAS chooses its own kernel (see the header)
ref_env=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE)
# blas_of numpy|torch: "OpenBLAS <config>; kernel <corename> (<library>)" for the BLAS that library's matmul
# calls in the reference side's environment, or exit 3 with the reason when it is not OpenBLAS
blas_of() {
  local found
  found=$("${ref_env[@]}" "$py" - "$1" <<'PYEOF' 2>&1
import ctypes
import sys

# The library whose sgemm a product calls: look the symbol up from the extension module (dlsym searches it and its
# dependencies in the order the loader binds them), then ask dladdr which file holds it.
if sys.argv[1] == "numpy":
    import numpy as np
    a = np.ones((64, 64), np.float32)
    a @ a
    core = getattr(np, "_core", None) or np.core
    extension = core._multiarray_umath.__file__
else:
    import torch
    a = torch.ones(64, 64)
    a @ a
    extension = torch._C.__file__


class DlInfo(ctypes.Structure):
    _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p),
                ("saddr", ctypes.c_void_p)]


libc = ctypes.CDLL(None)
module = ctypes.CDLL(extension)
blas = None
for symbol in ("cblas_sgemm", "sgemm_", "scipy_cblas_sgemm64_", "cblas_sgemm64_", "sgemm_64_"):
    try:
        address = ctypes.cast(getattr(module, symbol), ctypes.c_void_p)
    except AttributeError:
        continue
    info = DlInfo()
    if libc.dladdr(address, ctypes.byref(info)) and info.fname:
        blas = info.fname.decode()
        break
if blas is None:
    print(f"no sgemm found from {extension}")
    sys.exit(1)
so = ctypes.CDLL(blas)
# Debian's OpenBLAS exports openblas_get_corename; the pip wheels' builds add a prefix and a suffix
for prefix, suffix in (("", ""), ("", "64_"), ("scipy_", "64_"), ("scipy_", "")):
    try:
        name = getattr(so, f"{prefix}openblas_get_corename{suffix}")
        config = getattr(so, f"{prefix}openblas_get_config{suffix}")
    except AttributeError:
        continue
    name.restype = config.restype = ctypes.c_char_p
    print(f"OpenBLAS: {config().decode()}; kernel {name().decode()} ({blas})")
    sys.exit(0)
print(f"its sgemm comes from {blas}, which is not OpenBLAS")
sys.exit(1)
PYEOF
  ) || die "$1 in $py does not run on OpenBLAS ($found); a comparison against it would measure another BLAS:
  apt-get install libopenblas0-pthread (Debian's $1 calls libblas.so.3, which update-alternatives then points at
  OpenBLAS), or set PYTHON to a python whose $1 uses OpenBLAS"
  echo "$found"
}
blas_numpy=""; blas_torch=""
(( want_gemm )) && blas_numpy=$(blas_of numpy)
(( want_nstar )) && blas_torch=$(blas_of torch)

run_dir="$out/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run_dir/raw"
run_dir=$(rel "$run_dir")
ln -sfn "$(basename "$run_dir")" "$out/latest"
commands=$run_dir/commands.txt
: > "$commands"
failures=0
started=$SECONDS

say() { echo "[compare-cpu $(( SECONDS - started ))s] $*"; }
# show CMD...: print a command as it is run and keep it in commands.txt
show() { echo "+ $*"; echo "$*" >> "$commands"; }

# ---- build --------------------------------------------------------------------------------------------------
bench_jar=bench/target/samplex-bench-0.1.0-SNAPSHOT.jar
if (( build )); then
  say "building (offline, under /tmp/samplex-build.lock)"
  lock=()
  command -v flock >/dev/null 2>&1 && lock=(flock /tmp/samplex-build.lock)
  show "${lock[*]} ./mvnw -o -q install -DskipTests"
  if ! MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" "${lock[@]}" ./mvnw -o -q install \
      -DskipTests > "$run_dir/raw/build.log" 2>&1; then
    tail -n 30 "$run_dir/raw/build.log" >&2
    die "the build failed (log: $run_dir/raw/build.log)" 1
  fi
fi
[[ -f "$bench_jar" && -d bench/target/lib ]] \
  || die "no bench jars in bench/target: build with ./mvnw -o -q install -DskipTests (or run without --no-build)"
compgen -G "cli/target/samplex-cli-*.jar" >/dev/null \
  || die "no cli jar in cli/target: build with ./mvnw -o -q install -DskipTests (or run without --no-build)"
bench_cp="$bench_jar:bench/target/lib/*"
# every samplex run uses the jars just built: no rebuild in the middle of a comparison
export SAMPLEX_NO_BUILD=1

# ---- the machine --------------------------------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "uncommitted changes: $(git status --porcelain 2>/dev/null | wc -l | tr -d ' ') paths"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
  echo "processors: $(nproc)"
  echo "flags: $(grep -o -w -E 'avx2|avx512f|fma' /proc/cpuinfo 2>/dev/null | sort -u | tr '\n' ' ')"
  echo "memory: $(free -g 2>/dev/null | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  echo "jdk: $jdk_version ($jdk)"
  echo "python: $("$py" --version 2>&1) ($py)"
  echo "numpy: $("$py" -c 'import numpy; print(numpy.__version__)' 2>/dev/null || echo missing)"
  echo "torch: $("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo missing)"
  echo "reference side (numpy, torch): OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (this shell had" \
    "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-(unset)}, OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-(unset)})"
  if [[ -n "$blas_numpy" ]]; then echo "numpy's BLAS: $blas_numpy"; fi
  if [[ -n "$blas_torch" ]]; then echo "torch's BLAS: $blas_torch"; fi
  echo "openblas: $(dpkg-query -W -f '${db:Status-Abbrev}${Package} ${Version}\n' 'libopenblas0-*' 2>/dev/null \
    | sed -n 's/^ii *//p' | tr '\n' ' ')"
  echo "samplex doctor (cpu backend):"
  ./samplex doctor 2>/dev/null | grep -E '^  (cpu|reference) |vector:' | sed 's/^/  /' || true
} > "$run_dir/env.txt"
say "machine:"; sed 's/^/  /' "$run_dir/env.txt"

# ---- gemm ---------------------------------------------------------------------------------------------------
if (( want_gemm )); then
  probe=$run_dir/numpy_gemm.py
  cat > "$probe" <<'EOF'
"""sgemm GFLOP/s of numpy (its BLAS) measured as org.samplex.bench.GemmFlops measures samplex."""
import argparse
import statistics
import time

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--size", type=int, default=512)
p.add_argument("--runs", type=int, default=5)
p.add_argument("--seconds", type=float, default=1.0)
p.add_argument("--warmup", type=float, default=2.0)
a = p.parse_args()
n = a.size
rng = np.random.default_rng(1)
x = rng.uniform(-1, 1, (n, n)).astype(np.float32)
y = rng.uniform(-1, 1, (n, n)).astype(np.float32)
z = np.empty((n, n), np.float32)


def loop(seconds):
    start = time.perf_counter()
    end = start + seconds
    count = 0
    while True:
        np.matmul(x, y, out=z)
        count += 1
        if time.perf_counter() >= end:
            return count, time.perf_counter() - start


loop(a.warmup)
gflops = []
for r in range(a.runs):
    count, elapsed = loop(a.seconds)
    gflops.append(count * 2.0 * n ** 3 / elapsed / 1e9)
    print(f"run {r + 1}: {count} products in {elapsed:.3f} s, {gflops[-1]:.2f} GFLOP/s", flush=True)
blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower() and "/" in line})
print(f"numpy {np.__version__} blas={','.join(blas) or 'unknown'}")
print(f"numpy best_gflops={max(gflops):.2f} median_gflops={statistics.median(gflops):.2f}")
EOF
  for t in "${gemm_thread_list[@]}"; do
    say "sgemm ${gemm_size}^3, $t thread(s): numpy/OpenBLAS"
    show "${ref_env[*]} OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t $py $probe --size $gemm_size --runs $gemm_runs" \
      "--seconds $gemm_seconds --warmup $gemm_warmup"
    if ! "${ref_env[@]}" OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "$py" "$probe" --size "$gemm_size" --runs "$gemm_runs" \
        --seconds "$gemm_seconds" --warmup "$gemm_warmup" > "$run_dir/raw/gemm-numpy-t$t.txt" 2>&1; then
      failures=$(( failures + 1 )); echo "  FAILED (raw/gemm-numpy-t$t.txt)"
    fi
    tail -n 2 "$run_dir/raw/gemm-numpy-t$t.txt" | sed 's/^/  /'
    say "sgemm ${gemm_size}^3, $t thread(s): samplex cpu"
    show "$java --add-modules jdk.incubator.vector -cp '$bench_cp' org.samplex.bench.GemmFlops --backend cpu" \
      "--threads $t --size $gemm_size --runs $gemm_runs --seconds $gemm_seconds --warmup $gemm_warmup"
    if ! "$java" --add-modules jdk.incubator.vector -cp "$bench_cp" org.samplex.bench.GemmFlops --backend cpu \
        --threads "$t" --size "$gemm_size" --runs "$gemm_runs" --seconds "$gemm_seconds" --warmup "$gemm_warmup" \
        > "$run_dir/raw/gemm-samplex-t$t.txt" 2> "$run_dir/raw/gemm-samplex-t$t.err"; then
      failures=$(( failures + 1 )); echo "  FAILED (raw/gemm-samplex-t$t.err)"
    fi
    tail -n 1 "$run_dir/raw/gemm-samplex-t$t.txt" | sed 's/^/  /'
  done
fi

# ---- time to n* ---------------------------------------------------------------------------------------------
torch_model() { case "$1" in transformer) echo tr ;; *) echo "$1" ;; esac; }
now() { date +%s.%N; }
if (( want_nstar )); then
  for l in "${learner_list[@]}"; do
    for n in "${n_list[@]}"; do
      for (( s = 0; s < seeds; s++ )); do
        say "time to n*: samplex $l N=$n seed $s"
        base=$run_dir/raw/samplex-$l-N$n-s$s
        show "./samplex train --learner $l --N $n --threshold $threshold --test-size $test_size" \
          "--check-every $check_every --batch $batch --lr $lr --weight-decay $weight_decay --cap $cap" \
          "--backend cpu --threads $threads --seed $s --json"
        t0=$(now)
        if ! ./samplex train --learner "$l" --N "$n" --threshold "$threshold" --test-size "$test_size" \
            --check-every "$check_every" --batch "$batch" --lr "$lr" --weight-decay "$weight_decay" --cap "$cap" \
            --backend cpu --threads "$threads" --seed "$s" --json > "$base.json" 2> "$base.err"; then
          failures=$(( failures + 1 )); echo "  FAILED ($base.err)"; tail -n 5 "$base.err" | sed 's/^/  /'
        fi
        t1=$(now)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' > "$base.process_s"
        # the same run once the JIT has compiled its kernels (as in a sweep, where a worker runs many): samplex
        # bench warms up on steps of the same shapes, then runs the protocol to the threshold
        say "time to n* (JIT warm): samplex $l N=$n seed $s"
        show "./samplex bench --learner $l --N $n --to-threshold $threshold --test-size $test_size" \
          "--check-every $check_every --batch $batch --lr $lr --weight-decay $weight_decay --cap $cap" \
          "--backend cpu --threads $threads --seed $s --json"
        if ! ./samplex bench --learner "$l" --N "$n" --to-threshold "$threshold" --test-size "$test_size" \
            --check-every "$check_every" --batch "$batch" --lr "$lr" --weight-decay "$weight_decay" --cap "$cap" \
            --backend cpu --threads "$threads" --seed "$s" --json > "$base.warm.json" 2> "$base.warm.err"; then
          failures=$(( failures + 1 )); echo "  FAILED ($base.warm.err)"; tail -n 5 "$base.warm.err" | sed 's/^/  /'
        fi
      done
      # the seeds in one JVM one after the other, as torch_qstr.py runs its seeds in one Python process: the first
      # run pays for the JIT as torch's first seed pays for its own warm-up, the others run compiled code
      say "time to n* (seeds in one JVM, as torch_qstr.py runs them): samplex $l N=$n seeds 0..$(( seeds - 1 ))"
      base=$run_dir/raw/sweep-$l-N$n
      show "./samplex sweep run --learners $l --N $n --seeds $seeds --workers 1 --thresholds $threshold" \
        "--test-size $test_size --check-every $check_every --batch $batch --lr $lr --weight-decay $weight_decay" \
        "--cap $cap --backend cpu --threads $threads --out $(rel "$base")"
      t0=$(now)
      if ! ./samplex sweep run --learners "$l" --N "$n" --seeds "$seeds" --workers 1 --thresholds "$threshold" \
          --test-size "$test_size" --check-every "$check_every" --batch "$batch" --lr "$lr" \
          --weight-decay "$weight_decay" --cap "$cap" --backend cpu --threads "$threads" --out "$base" \
          > "$base.txt" 2> "$base.err"; then
        failures=$(( failures + 1 )); echo "  FAILED ($base.err)"; tail -n 5 "$base.err" | sed 's/^/  /'
      fi
      t1=$(now)
      awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' > "$base.process_s"
      say "time to n*: torch $(torch_model "$l") N=$n seeds 0..$(( seeds - 1 ))"
      base=$run_dir/raw/torch-$l-N$n
      show "${ref_env[*]} $py $torch_qstr --model $(torch_model "$l") --N $n --threshold $threshold --n-test $test_size" \
        "--check-every $check_every --batch $batch --lr $lr --weight-decay $weight_decay --cap $cap" \
        "--seeds $seeds --threads $threads"
      t0=$(now)
      if ! "${ref_env[@]}" "$py" "$torch_qstr" --model "$(torch_model "$l")" --N "$n" --threshold "$threshold" --n-test "$test_size" \
          --check-every "$check_every" --batch "$batch" --lr "$lr" --weight-decay "$weight_decay" --cap "$cap" \
          --seeds "$seeds" --threads "$threads" > "$base.txt" 2> "$base.err"; then
        failures=$(( failures + 1 )); echo "  FAILED ($base.err)"; tail -n 5 "$base.err" | sed 's/^/  /'
      fi
      t1=$(now)
      awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' > "$base.process_s"
      sed 's/^/  /' "$base.txt"
    done
  done
fi

# ---- JMH suite ----------------------------------------------------------------------------------------------
if (( want_jmh )); then
  say "JMH suite (about 8 minutes with the defaults; its own estimate comes first)"
  # shellcheck disable=SC2086  # jmh_args is a list of words on purpose
  show "$java --sun-misc-unsafe-memory-access=allow -cp '$bench_cp' org.samplex.bench.Suite --threads $threads" \
    "--out $run_dir/jmh $jmh_args"
  # shellcheck disable=SC2086
  "$java" --sun-misc-unsafe-memory-access=allow -cp "$bench_cp" org.samplex.bench.Suite --threads "$threads" \
    --out "$run_dir/jmh" $jmh_args > "$run_dir/raw/jmh-suite.txt" 2>&1 || true
  grep -E '^(JMH suite|\[)' "$run_dir/raw/jmh-suite.txt" | sed 's/^/  /' || true
  [[ -f "$run_dir/jmh/suite.md" ]] || { failures=$(( failures + 1 )); echo "  FAILED (raw/jmh-suite.txt)"; }
  grep -q FAILED "$run_dir/jmh/suite.md" 2>/dev/null && failures=$(( failures + 1 ))
fi

# ---- tables -------------------------------------------------------------------------------------------------
say "tables"
"$py" - "$run_dir" "$want_gemm" "$want_nstar" "$want_jmh" "$gemm_threads" "$learners" "$ns" "$seeds" \
    "$threads" "$gemm_size" "$(( SECONDS - started ))" <<'EOF' > "$run_dir/compare-cpu.md" \
    || die "could not write the tables into $run_dir/compare-cpu.md (the raw outputs are in $run_dir/raw)" 1
import json
import os
import re
import sqlite3
import statistics
import sys

(run, want_gemm, want_nstar, want_jmh, gemm_threads, learners, ns, seeds, threads, size,
 elapsed) = sys.argv[1:]
raw = os.path.join(run, "raw")
TARGET_SPEEDUP = {"transformer": 3.0, "mlp": 3.0, "gru": 2.0}
TORCH_NAME = {"transformer": "tr", "mlp": "mlp", "gru": "gru"}


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def gflops(path):
    m = re.search(r"best_gflops=([0-9.]+) median_gflops=([0-9.]+)", read(path))
    return (float(m.group(1)), float(m.group(2))) if m else None


def fmt_n(x):
    return f"{x:,.0f}"


def med(xs):
    return statistics.median(xs) if xs else None


out = []
out.append(f"Run {os.path.basename(run)}, {int(elapsed) // 60} min {int(elapsed) % 60} s. Machine:\n")
out.append("```")
out.append(read(os.path.join(run, "env.txt")).rstrip())
out.append("```\n")

if want_gemm == "1":
    out.append(f"### sgemm {size} x {size} x {size}: samplex cpu against numpy with OpenBLAS\n")
    out.append("Best (median) GFLOP/s of the timed runs, 2 m n k flops per product, float32, NN.\n")
    out.append("| threads | OpenBLAS (numpy) GFLOP/s | samplex cpu GFLOP/s | samplex / OpenBLAS | target |")
    out.append("|---:|---:|---:|---:|---|")
    for t in gemm_threads.split(","):
        o = gflops(os.path.join(raw, f"gemm-numpy-t{t}.txt"))
        s = gflops(os.path.join(raw, f"gemm-samplex-t{t}.txt"))
        ratio = f"{s[0] / o[0]:.2f}" if o and s else "-"
        target = ">= 0.70" if t == "2" else "-"
        if t == "2" and o and s:
            target += " (met)" if s[0] / o[0] >= 0.70 else " (not met)"
        out.append(f"| {t} | {f'{o[0]:.1f} ({o[1]:.1f})' if o else 'FAILED'} | "
                   f"{f'{s[0]:.1f} ({s[1]:.1f})' if s else 'FAILED'} | {ratio} | {target} |")
    blas = re.search(r"blas=(\S+)", read(os.path.join(raw, f"gemm-numpy-t{gemm_threads.split(',')[0]}.txt")))
    kernel = re.search(r"^numpy's BLAS: (.*)$", read(os.path.join(run, "env.txt")), re.M)
    out.append(f"\nnumpy's BLAS: {blas.group(1) if blas else 'unknown'}"
               f"{'; ' + kernel.group(1) if kernel else ''}. The numpy side ran with OPENBLAS_CORETYPE and "
               "OPENBLAS_L2_SIZE unset, so OpenBLAS chose its kernel for this CPU.\n")

if want_nstar == "1":
    out.append("### Time to n*: samplex cpu against PyTorch (torch_qstr.py)\n")
    out.append(f"General 1STR, d = 10, threshold 0.7, check every 10 steps, test set 5,000, batch 64, AdamW lr 1e-3, "
               f"weight decay 0.1, cap 10^6 prompts; seeds 0..{int(seeds) - 1} on each side, {threads} threads each. "
               "n*: median [min - max] over the seeds that crossed; seconds: median wall time of a run to n* "
               "inside the process (samplex: training + evaluation as its record reports them; torch: from the "
               "first step to the crossing); speedup = torch seconds / samplex seconds.\n")
    out.append("samplex s (one JVM): `samplex sweep run --workers 1`, the seeds one after the other in one JVM, as "
               "torch_qstr.py runs its seeds in one process (like for like: both sides' first seed pays for their "
               "warm-up); first seed: that run alone on each side. samplex s (cold): `samplex train`, one JVM per "
               "run, the JIT compiling the kernels during the run; samplex s (warm): the same run by `samplex bench "
               "--to-threshold` after warm-up steps of the same shapes. Same seed, same n* in all three.\n")
    out.append("| learner | N | samplex n* | torch n* | ranges overlap | samplex s (one JVM) | torch s "
               "| speedup | first seed samplex / torch | speedup first seed | samplex s (cold) | speedup cold "
               "| samplex s (warm) | speedup warm | target |")
    out.append("|---|---:|---|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|")
    detail = ["| learner | N | side | seed | n* | s to n* (in run) | process s |", "|---|---:|---|---:|---:|---:|---:|"]
    for learner in learners.split(","):
        for n in ns.split(","):
            sam = []
            for s in range(int(seeds)):
                base = os.path.join(raw, f"samplex-{learner}-N{n}-s{s}")
                proc = read(base + ".process_s").strip()
                try:
                    rec = json.loads(read(base + ".json"))
                    nstar = next(iter(rec["nstar"].values()))
                    secs = rec["wall_seconds"]["total"]
                    sam.append((nstar, secs))
                    detail.append(f"| {learner} | {n} | samplex | {s} | "
                                  f"{fmt_n(nstar) if nstar else 'censored'} | {secs:.2f} | {proc or '-'} |")
                except (ValueError, KeyError, StopIteration):
                    detail.append(f"| {learner} | {n} | samplex | {s} | FAILED | - | {proc or '-'} |")
            warm = []
            for s in range(int(seeds)):
                base = os.path.join(raw, f"samplex-{learner}-N{n}-s{s}")
                try:
                    run_ = json.loads(read(base + ".warm.json"))[0]["to_threshold"]
                    if run_["status"] == "completed":
                        warm.append(run_["wall_seconds"])
                    detail.append(f"| {learner} | {n} | samplex warm | {s} | "
                                  f"{fmt_n(run_['n_star']) if run_.get('n_star') else 'censored'} | "
                                  f"{run_['wall_seconds']:.2f} | - |")
                except (ValueError, KeyError, IndexError, TypeError):
                    detail.append(f"| {learner} | {n} | samplex warm | {s} | FAILED | - | - |")
            one = []  # (seed, n*, seconds) in the order the sweep finished them
            store = os.path.join(raw, f"sweep-{learner}-N{n}", "results.sqlite")
            if os.path.exists(store):
                with sqlite3.connect(store) as db:
                    rows = db.execute("SELECT seed, record_json FROM runs WHERE status = 'completed' "
                                      "ORDER BY finished_at").fetchall()
                for seed, rec_json in rows:
                    rec = json.loads(rec_json)
                    nstar = next(iter(rec["nstar"].values()))
                    one.append((seed, nstar, rec["wall_seconds"]["total"]))
                    detail.append(f"| {learner} | {n} | samplex one JVM (run {len(one)}) | {seed} | "
                                  f"{fmt_n(nstar) if nstar else 'censored'} | {rec['wall_seconds']['total']:.2f} | "
                                  f"{read(os.path.join(raw, f'sweep-{learner}-N{n}.process_s')).strip() or '-'} |")
            tor = []
            text = read(os.path.join(raw, f"torch-{learner}-N{n}.txt"))
            for m in re.finditer(r"^seed=(\d+) model=\S+ N=\d+ n\*=(\S+) wall_s=([0-9.]+)", text, re.M):
                nstar = None if m.group(2).startswith(">") else int(m.group(2))
                tor.append((nstar, float(m.group(3))))
                detail.append(f"| {learner} | {n} | torch | {m.group(1)} | "
                              f"{fmt_n(nstar) if nstar else 'censored'} | {float(m.group(3)):.2f} | - |")
            tproc = read(os.path.join(raw, f"torch-{learner}-N{n}.process_s")).strip()
            if tproc:
                detail.append(f"| {learner} | {n} | torch | all | (one process) | - | {tproc} |")

            def summary(runs):
                crossed = [x for x, _ in runs if x]
                if not runs:
                    return "FAILED", None, None
                censored = len(runs) - len(crossed)
                cell = (f"{fmt_n(med(crossed))} [{fmt_n(min(crossed))} - {fmt_n(max(crossed))}]"
                        if crossed else "censored")
                if censored and crossed:
                    cell += f" ({censored} censored)"
                secs = med([t for x, t in runs if x])
                return cell, secs, (min(crossed), max(crossed)) if crossed else None

            s_text, s_secs, s_range = summary(sam)
            t_text, t_secs, t_range = summary(tor)
            overlap = "-" if int(seeds) > 1 else "n/a (1 seed)"
            if s_range and t_range and int(seeds) > 1:
                overlap = "yes" if s_range[0] <= t_range[1] and t_range[0] <= s_range[1] else "no"
            w_secs = med(warm)
            o_secs = med([t for _, x, t in one if x])
            o_first = one[0][2] if one and one[0][1] else None
            t_first = tor[0][1] if tor and tor[0][0] else None

            def ratio(a, b):
                return f"{a / b:.2f}x" if a and b else "-"

            def secs(x):
                return f"{x:.2f}" if x else "-"
            speed = t_secs / o_secs if o_secs and t_secs else None
            target = f">= {TARGET_SPEEDUP[learner]:.0f}x"
            if speed:
                target += " (met)" if speed >= TARGET_SPEEDUP[learner] else " (not met)"
            out.append(f"| {learner} | {n} | {s_text} | {t_text} | {overlap} | {secs(o_secs)} | {secs(t_secs)} | "
                       f"{ratio(t_secs, o_secs)} | {secs(o_first)} / {secs(t_first)} | {ratio(t_first, o_first)} | "
                       f"{secs(s_secs)} | {ratio(t_secs, s_secs)} | {secs(w_secs)} | {ratio(t_secs, w_secs)} | "
                       f"{target} |")
    out.append("\nEach run (process s: the whole command, JVM or Python start included; torch runs its seeds in "
               "one process):\n")
    out.extend(detail)
    out.append("")

if want_jmh == "1":
    out.append("### JMH suite\n")
    out.append(read(os.path.join(run, "jmh", "suite.md")).rstrip() or "FAILED (see raw/jmh-suite.txt)")
    out.append("")

out.append("### Commands, in the order they ran\n")
out.append("```")
out.append(read(os.path.join(run, "commands.txt")).rstrip())
out.append("```")
print("\n".join(out))
EOF
echo
cat "$run_dir/compare-cpu.md"
echo
say "written: $run_dir/compare-cpu.md (and $out/latest)"
if (( failures )); then
  echo "compare-cpu: $failures run(s) failed; see $run_dir/raw" >&2
  exit 1
fi
