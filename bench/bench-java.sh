#!/usr/bin/env bash
# Shared by the bench/run-*.sh scripts: builds the bench module (unless BENCH_SKIP_BUILD=1) and runs one of its main
# classes with the benchmark JVM options. Source it, then: bench_java io.meridian.bench.SomeBenchmark "$@"
#
# Environment:
#   JAVA_HOME        the JDK to use (default: java on the PATH); Java 17 or newer
#   BENCH_OPTS       extra JVM options, e.g. -Xmx8g; they come after the defaults below, so they win
#   BENCH_SKIP_BUILD set to 1 to run the jars already built

bench_java() {
  local main="$1"
  shift
  local root
  root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  cd "$root" || exit 1

  if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    echo "Building (./mvnw -q -B install -DskipTests -pl bench -am) ..." >&2
    ./mvnw -q -B install -DskipTests -pl bench -am || exit 1
  fi

  local java
  if [ -n "${JAVA_HOME:-}" ]; then
    java="$JAVA_HOME/bin/java"
  else
    java="$(command -v java || true)"
  fi
  if [ -z "$java" ] || [ ! -x "$java" ]; then
    echo "$(basename "$0"): no java found; install Java 17 or newer, or set JAVA_HOME" >&2
    exit 1
  fi

  # UTC: Calcite passes wall-clock values through the JVM's zone (README, "Types"); Meridian presents timestamptz as
  # the UTC wall clock, which is what the benchmarks compare with the other engines'.
  local default_opts=(-Xss4m -Duser.timezone=UTC -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8
    -Dstderr.encoding=UTF-8)
  # shellcheck disable=SC2086 # BENCH_OPTS is a list of options, split on purpose
  exec "$java" "${default_opts[@]}" ${BENCH_OPTS:-} \
    -cp "$root/bench/target/lib/*:$root/bench/target/meridian-bench-0.1.0-SNAPSHOT.jar" \
    "$main" "$@"
}
