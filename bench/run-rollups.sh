#!/usr/bin/env bash
# Builds Meridian and measures rollup answers against the source path (bench/README.md); arguments go to
# io.meridian.bench.RollupBenchmark unchanged.
#
#   bench/run-rollups.sh                        # the lake benchmark's 10,000,000-row table, 20 runs per path
#   bench/run-rollups.sh --rows 1000000 --runs 10
#
# Environment: JAVA_HOME, BENCH_OPTS and BENCH_SKIP_BUILD as for bench/run-lake.sh.
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "Building (./mvnw -q -B install -DskipTests -pl bench -am) ..." >&2
  ./mvnw -q -B install -DskipTests -pl bench -am
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
java="${java:-$(command -v java || true)}"
if [ -z "$java" ] || [ ! -x "$java" ]; then
  echo "run-rollups.sh: no java found; install Java 17 or newer, or set JAVA_HOME" >&2
  exit 1
fi

default_opts=(-Xss4m -Duser.timezone=UTC -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8)
# shellcheck disable=SC2086 # BENCH_OPTS is a list of options, split on purpose
exec "$java" "${default_opts[@]}" ${BENCH_OPTS:-} \
  -cp "$root/bench/target/lib/*:$root/bench/target/meridian-bench-0.1.0-SNAPSHOT.jar" \
  io.meridian.bench.RollupBenchmark "$@"
