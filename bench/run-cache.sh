#!/usr/bin/env bash
# Builds Meridian and measures result-cache hits against the source path (bench/README.md); arguments go to
# io.meridian.bench.CacheBenchmark unchanged.
#
#   bench/run-cache.sh                                  # 1,000,000-row lake table, 20,000 timed hits per path
#   bench/run-cache.sh --rows 100000 --iterations 2000
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
  echo "run-cache.sh: no java found; install Java 17 or newer, or set JAVA_HOME" >&2
  exit 1
fi

default_opts=(-Xss4m -Duser.timezone=UTC -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8)
# shellcheck disable=SC2086 # BENCH_OPTS is a list of options, split on purpose
exec "$java" "${default_opts[@]}" ${BENCH_OPTS:-} \
  -cp "$root/bench/target/lib/*:$root/bench/target/meridian-bench-0.1.0-SNAPSHOT.jar" \
  io.meridian.bench.CacheBenchmark "$@"
