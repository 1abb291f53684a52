#!/usr/bin/env bash
# Builds Meridian and measures result-cache hits against the source path (bench/README.md); arguments go to
# io.meridian.bench.CacheBenchmark unchanged.
#
#   bench/run-cache.sh                                  # 1,000,000-row lake table, 20,000 timed hits per path
#   bench/run-cache.sh --rows 100000 --iterations 2000
#
# Environment: JAVA_HOME, BENCH_OPTS, BENCH_SKIP_BUILD (see bench/bench-java.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_java io.meridian.bench.CacheBenchmark "$@"
