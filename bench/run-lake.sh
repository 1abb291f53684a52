#!/usr/bin/env bash
# Builds Meridian and runs the lake benchmark (bench/README.md); arguments go to it unchanged.
#
#   bench/run-lake.sh                          # 10,000,000 rows, 5 runs, results into bench/RESULTS.md
#   bench/run-lake.sh --rows 1000000 --runs 3
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
  echo "run-lake.sh: no java found; install Java 17 or newer, or set JAVA_HOME" >&2
  exit 1
fi

# UTC: Calcite passes wall-clock values through the JVM's zone (README, "Types"); Meridian presents timestamptz as the
# UTC wall clock, which is what the benchmark compares with DuckDB's.
default_opts=(-Xss4m -Duser.timezone=UTC -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8)

# shellcheck disable=SC2086 # BENCH_OPTS is a list of options, split on purpose
exec "$java" "${default_opts[@]}" ${BENCH_OPTS:-} \
  -cp "$root/bench/target/lib/*:$root/bench/target/meridian-bench-0.1.0-SNAPSHOT.jar" \
  io.meridian.bench.LakeBenchmark "$@"
