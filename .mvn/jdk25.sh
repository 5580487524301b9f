# Selects the JDK 25 that samplex builds and runs with; sourced (POSIX sh) by ./mvnw, ./samplex and .ci/run so the
# three cannot disagree. Keeps JAVA_HOME when it is a JDK 25, else takes /usr/lib/jvm/temurin-25-jdk-amd64, else
# the first other JDK 25 in /usr/lib/jvm; exports JAVA_HOME. Without one it says where it looked and exits 1:
# .mvn/jvm.config holds a flag only JDK 25 knows, so an older java could not even start Maven.
# SAMPLEX_JDK_QUIET=1 keeps it from saying which JDK it chose when JAVA_HOME was not one.

samplex_is_jdk25() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  if [ -f "$1/release" ]; then
    grep -Eq '^JAVA_VERSION="25([."]|$)' "$1/release"
  else
    "$1/bin/java" -version 2>&1 | head -n 1 | grep -Eq 'version "25([."]|$)'
  fi
}

samplex_select_jdk25() {
  if [ -n "${JAVA_HOME-}" ] && samplex_is_jdk25 "$JAVA_HOME"; then
    export JAVA_HOME
    return 0
  fi
  samplex_jdk_looked="${JAVA_HOME:+JAVA_HOME=$JAVA_HOME (not a JDK 25), }/usr/lib/jvm/temurin-25-jdk-amd64"
  samplex_jdk=""
  if samplex_is_jdk25 /usr/lib/jvm/temurin-25-jdk-amd64; then
    samplex_jdk=/usr/lib/jvm/temurin-25-jdk-amd64
  elif [ -d /usr/lib/jvm ]; then
    samplex_jdk_looked="$samplex_jdk_looked, /usr/lib/jvm/*"
    # ls, not a glob: ./mvnw runs with globbing off (set -f)
    for samplex_jdk_name in $(ls /usr/lib/jvm 2>/dev/null); do
      if samplex_is_jdk25 "/usr/lib/jvm/$samplex_jdk_name"; then
        samplex_jdk="/usr/lib/jvm/$samplex_jdk_name"
        break
      fi
    done
  fi
  if [ -z "$samplex_jdk" ]; then
    echo "samplex needs JDK 25; looked at: $samplex_jdk_looked. Install one (Temurin 25) or set JAVA_HOME to it." >&2
    exit 1
  fi
  if [ -n "${JAVA_HOME-}" ] && [ "${SAMPLEX_JDK_QUIET-}" != 1 ]; then
    echo "samplex: JAVA_HOME=$JAVA_HOME is not a JDK 25; using $samplex_jdk" >&2
  fi
  JAVA_HOME="$samplex_jdk"
  export JAVA_HOME
}

samplex_select_jdk25
