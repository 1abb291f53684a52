#!/usr/bin/env bash
# Builds Meridian and runs the Pinot benchmark (bench/README.md): freshness and pushdown figures against a real
# Apache Pinot 0.11 it starts itself (a child JVM on loopback ports, stopped at the end); arguments go to it unchanged.
#
#   bench/run-pinot.sh                          # 500,000 rows, 30 freshness samples, results into bench/RESULTS.md
#   bench/run-pinot.sh --rows 100000 --samples 10
#
# Environment:
#   JAVA_HOME        the JDK to use (default: java on the PATH); Java 17 or newer
#   BENCH_OPTS       extra JVM options, e.g. -Xmx8g; they come after the defaults below, so they win
#   BENCH_SKIP_BUILD set to 1 to run the jars already built
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "Building (./mvnw -q -B install -DskipTests -pl bench -am) ..." >&2
  ./mvnw -q -B install -DskipTests -pl bench -am
fi

if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
else
  java="$(command -v java || true)"
fi
if [ -z "$java" ] || [ ! -x "$java" ]; then
  echo "run-pinot.sh: no java found; install Java 17 or newer, or set JAVA_HOME" >&2
  exit 1
fi

# UTC: Calcite passes wall-clock values through the JVM's zone (README, "Types"); Meridian presents timestamptz as the
# UTC wall clock, which is what the benchmark compares with DuckDB's.
default_opts=(-Xss4m -Duser.timezone=UTC -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8)

# shellcheck disable=SC2086 # BENCH_OPTS is a list of options, split on purpose
exec "$java" "${default_opts[@]}" ${BENCH_OPTS:-} \
  -cp "$root/bench/target/lib/*:$root/bench/target/meridian-bench-0.1.0-SNAPSHOT.jar" \
  io.meridian.bench.PinotBenchmark "$@"
