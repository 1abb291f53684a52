#!/usr/bin/env bash
# Builds Meridian and runs the Star Schema Benchmark (bench/README.md); arguments go to it unchanged.
#
#   bench/run-ssb.sh --sf 1                    # SF1 (about 6 million lineorder rows), 3 runs -> bench/RESULTS.md
#   bench/run-ssb.sh --sf 0.1 --runs 1 --skip micro
#
# Environment:
#   JAVA_HOME        the JDK for the harness and Meridian (default: java on the PATH); Java 17 or newer
#   TRINO_JAVA_HOME  the JDK (24+) for Trino 476 (default: /usr/lib/jvm/temurin-25-jdk-amd64)
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
  echo "run-ssb.sh: no java found; install Java 17 or newer, or set JAVA_HOME" >&2
  exit 1
fi

# UTC as bin/meridian runs; 6 GiB of heap for the harness, the engine, its in-process server and the Iceberg writer.
default_opts=(-Xmx6g -Xss4m -Duser.timezone=UTC -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8)

# shellcheck disable=SC2086 # BENCH_OPTS is a list of options, split on purpose
exec "$java" "${default_opts[@]}" ${BENCH_OPTS:-} \
  -cp "$root/bench/target/lib/*:$root/bench/target/meridian-bench-0.1.0-SNAPSHOT.jar" \
  io.meridian.bench.ssb.SsbBenchmark "$@"
