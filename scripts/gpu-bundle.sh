#!/usr/bin/env bash
# Builds samplex and packs everything the GPU check needs into ONE archive, dist/gpu-bundle.tar.gz, for the
# device machine, which has no JDK, no Maven and no network (docs/gpu-environment.md). The archive holds:
#   jdk/                      a jlink'd JDK 25 runtime (the modules the CLI, the tests and JUnit need)
#   samplex, cli/target/      the launcher and the CLI jar with its runtime jars (cli/target/modules), laid out as in
#                             the repository so the real launcher runs them (SAMPLEX_NO_BUILD=1, JAVA_HOME=jdk)
#   test/classes/             backend-cuda's test classes
#   test/lib/                 its test-scoped jars that are not already in cli/target/modules, among them
#                             samplex-testkit (the conformance suite and fixtures CudaBackendGpuTest runs; JUnit's own
#                             jars are left out: the console launcher bundles them, and two copies of an engine clash)
#   test/classpath.txt        the test class path, one entry per line, relative to the bundle root
#   test/junit-platform-console-standalone.jar
#   torch_qstr.py             the PyTorch reference (../shared does not travel to the device machine)
#   BUNDLE.txt                when, from which commit, with which versions
# Then: the device tool's run with command "bash scripts/gpu-check.sh" and carry ["dist"] (DEVELOPERS.md).
# Usage: scripts/gpu-bundle.sh [--no-build]   (--no-build packs the jars already built)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

readonly max_mib=60
readonly console_version=1.14.4
readonly jdk_modules_fixed=java.base,jdk.unsupported,jdk.incubator.vector,java.sql,java.desktop,java.logging,java.naming,java.management,jdk.crypto.ec
readonly archive="dist/gpu-bundle.tar.gz"

build=1
case "${1:-}" in
  --no-build) build=0 ;;
  "") ;;
  *) echo "usage: scripts/gpu-bundle.sh [--no-build]" >&2; exit 2 ;;
esac

is_jdk25() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -x "$1/bin/jlink" ] &&
    "$1/bin/java" -version 2>&1 | head -n 1 | grep -Eq 'version "25([."]|$)'
}
if [ -z "${JAVA_HOME:-}" ] || ! is_jdk25 "$JAVA_HOME"; then
  candidate=/usr/lib/jvm/temurin-25-jdk-amd64
  if is_jdk25 "$candidate"; then
    export JAVA_HOME=$candidate
  else
    echo "gpu-bundle: needs a JDK 25 with jlink: JAVA_HOME='${JAVA_HOME:-}' is not one and $candidate was not found." >&2
    exit 1
  fi
fi
export PATH="$JAVA_HOME/bin:$PATH"
# Maven's own Guice warns about sun.misc.Unsafe on JDK 25; noise here.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

# Other sessions build in the same checkout: every Maven call takes the shared lock.
mvn_locked() {
  flock /tmp/samplex-build.lock ./mvnw -q "$@"
}

if [ "$build" = 1 ]; then
  echo "gpu-bundle: building (./mvnw -o install -DskipTests)..." >&2
  mvn_locked -o install -DskipTests
fi

stage="$(mktemp -d /tmp/samplex-gpu-bundle.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
b="$stage/samplex-gpu"
mkdir -p "$b/cli/target/modules" "$b/test/lib" "$b/test/classes"

# The CLI, as ./samplex expects it.
cli_jar=""
for j in cli/target/samplex-cli-*.jar; do
  case "$j" in *-sources.jar|*-tests.jar|*-javadoc.jar) ;; *) [ -f "$j" ] && cli_jar="$j" ;; esac
done
[ -n "$cli_jar" ] && [ -d cli/target/modules ] || { echo "gpu-bundle: no CLI build in cli/target; run without --no-build" >&2; exit 1; }
cp samplex "$b/samplex"
# The launcher sources .mvn/jdk25.sh, which wants a full JDK 25 (javac); on the device JAVA_HOME is the bundle's
# jlink'd runtime (java only), so the bundle carries a jdk25.sh that takes JAVA_HOME as it is.
mkdir -p "$b/.mvn"
cat > "$b/.mvn/jdk25.sh" <<'JDK'
# GPU bundle: JAVA_HOME is the bundle's jlink'd runtime (no javac), set by scripts/gpu-check.sh.
if [ ! -x "${JAVA_HOME-}/bin/java" ]; then
  echo "samplex (gpu bundle): set JAVA_HOME to the bundle's jdk/ folder" >&2
  exit 1
fi
export JAVA_HOME
JDK
cp "$cli_jar" "$b/cli/target/"
cp cli/target/modules/*.jar "$b/cli/target/modules/"

# sqlite-jdbc carries its native library for every platform (12 MB); the device is x86-64 Linux (glibc).
sqlite_jar="$(ls "$b"/cli/target/modules/sqlite-jdbc-*.jar 2>/dev/null | head -n 1 || true)"
if [ -n "$sqlite_jar" ] && command -v zip >/dev/null && command -v unzip >/dev/null; then
  unzip -Z1 "$sqlite_jar" | grep '^org/sqlite/native/.' | grep -v '^org/sqlite/native/Linux/\(x86_64/.*\)\?$' \
    | zip -q -d "$sqlite_jar" -@ || { echo "gpu-bundle: could not slim $sqlite_jar" >&2; exit 1; }
fi

# backend-cuda's test class path: its test classes, its main jar, and its test-scoped dependencies.
[ -d backend-cuda/target/test-classes ] || { echo "gpu-bundle: backend-cuda/target/test-classes is missing" >&2; exit 1; }
cp -r backend-cuda/target/test-classes/. "$b/test/classes/"
cuda_jar="$(ls backend-cuda/target/samplex-backend-cuda-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1)"
cp_file="$stage/test-classpath.txt"
mvn_locked -o -pl backend-cuda dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file"
{
  echo "test/classes"
  echo "cli/target/modules/$(basename "$cuda_jar")"
  tr ':' '\n' < "$cp_file" | while read -r dep || [ -n "$dep" ]; do
    [ -n "$dep" ] || continue
    name="$(basename "$dep")"
    case "$name" in
      junit-*|opentest4j-*|apiguardian-*) continue ;;  # in the console launcher
    esac
    if [ -f "$b/cli/target/modules/$name" ]; then
      echo "cli/target/modules/$name"
    else
      cp "$dep" "$b/test/lib/$name"
      echo "test/lib/$name"
    fi
  done
} > "$b/test/classpath.txt"
# CudaBackendGpuTest needs the conformance suite: a bundle without the testkit jar would fail only on the device.
testkit_jar="$(grep -m 1 '/samplex-testkit-[^/]*\.jar$' "$b/test/classpath.txt" || true)"
# ... and this build's copy of it, not an older one in ~/.m2 (with --no-build).
testkit_built="$(ls testkit/target/samplex-testkit-*.jar 2>/dev/null | grep -v -e '-sources.jar' -e '-tests.jar' | head -n 1 || true)"
if [ -n "$testkit_jar" ] && [ -n "$testkit_built" ]; then
  cp "$testkit_built" "$b/$testkit_jar"
fi
testkit_classes="$([ -n "$testkit_jar" ] && jar tf "$b/$testkit_jar" || true)"
if ! grep -qx 'org/samplex/testkit/conformance/Conformance.class' <<< "$testkit_classes"; then
  echo "gpu-bundle: samplex-testkit (org.samplex.testkit.conformance) is not on backend-cuda's test class path" >&2
  exit 1
fi
# The runtime copy of backend-cuda must be this build's, not an older one in ~/.m2.
cp "$cuda_jar" "$b/cli/target/modules/"

console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$console_version/junit-platform-console-standalone-$console_version.jar"
if [ ! -f "$console" ]; then
  echo "gpu-bundle: fetching the JUnit console launcher $console_version..." >&2
  mvn_locked dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$console_version" \
    -DoutputDirectory="$stage/console"
  console="$stage/console/junit-platform-console-standalone-$console_version.jar"
fi
cp "$console" "$b/test/junit-platform-console-standalone.jar"

anchor=../shared/anchors/torch_qstr.py
if [ -f "$anchor" ]; then
  cp "$anchor" "$b/torch_qstr.py"
else
  echo "gpu-bundle: $anchor not found; the check will skip the PyTorch comparison" >&2
fi

# The JDK modules the CLI's modules require, read off the module resolution of the full JDK, join the fixed list
# (a jar that starts requiring one more, as sqlite-jdbc requires java.sql.rowset, is then still covered).
system_modules="$(java --list-modules | sed 's/@.*//')"
app_requires="$(java --show-module-resolution --add-modules ALL-MODULE-PATH \
    -p "$cli_jar:cli/target/modules" -m org.samplex.cli/org.samplex.cli.Samplex --version 2>&1 \
  | awk '$2 == "requires" && $4 ~ /^jrt:/ {print $1, $3}' \
  | while read -r from to; do grep -qx "$from" <<< "$system_modules" || echo "$to"; done)"
jdk_modules="$(echo "$jdk_modules_fixed" $app_requires | tr ' ,' '\n\n' | awk 'NF && !seen[$0]++' | paste -sd, -)"

# No compression inside the image (--compress=zip-0): the archive is gzipped as a whole, and an image
# compressed with zip-9 makes a larger archive (40 MB against 33 MB for these modules).
echo "gpu-bundle: jlink ($jdk_modules)..." >&2
jlink --add-modules "$jdk_modules" --strip-debug --no-man-pages --no-header-files --compress=zip-0 \
  --output "$b/jdk" 2>&1 | { grep -v 'Using incubator modules' >&2 || true; }
# The bundle must run as the device will run it: the launcher on the jlink'd runtime, every provider loaded.
if ! smoke="$(JAVA_HOME="$b/jdk" SAMPLEX_NO_BUILD=1 "$b/samplex" list 2>&1)"; then
  echo "gpu-bundle: the CLI does not start on the jlink'd runtime:" >&2
  echo "$smoke" >&2
  exit 1
fi

# The commit, read from .git's files (the working tree may hold uncommitted changes on top of it).
commit="unknown"
if [ -f .git/HEAD ]; then
  head_ref="$(cat .git/HEAD)"
  case "$head_ref" in
    ref:*)
      ref="${head_ref#ref: }"
      if [ -f ".git/$ref" ]; then commit="$(cat ".git/$ref")"
      elif [ -f .git/packed-refs ]; then commit="$(awk -v r="$ref" '$2 == r {print $1}' .git/packed-refs)"; fi ;;
    *) commit="$head_ref" ;;
  esac
fi
{
  echo "built: $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(hostname)"
  echo "commit: ${commit:-unknown} (plus any uncommitted changes in the working tree)"
  echo "jdk: $("$b/jdk/bin/java" -version 2>&1 | head -n 1) ($jdk_modules)"
  echo "cli: $(basename "$cli_jar")"
  echo "junit console: $console_version"
  echo "torch_qstr.py: $([ -f "$b/torch_qstr.py" ] && echo included || echo missing)"
} > "$b/BUNDLE.txt"

mkdir -p dist
rm -f dist/gpu-bundle*.tar.gz
tar -C "$stage" -cf - samplex-gpu | gzip -9 > "$archive"
bytes="$(stat -c %s "$archive")"
mib="$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')"
echo "archive: $root/$archive ($mib MiB)"
echo "  runtime jdk $(du -sh "$b/jdk" | cut -f1), cli jars $(du -sh "$b/cli" | cut -f1), test $(du -sh "$b/test" | cut -f1) (unpacked)"
if [ "$bytes" -gt $((max_mib * 1048576)) ]; then
  echo "gpu-bundle: the archive is over $max_mib MiB; the working tree plus carried paths must stay under 64 MiB" >&2
  exit 1
fi
echo "device tool: run with command \"bash scripts/gpu-check.sh\", carry [\"dist\"], timeout_s 540"
