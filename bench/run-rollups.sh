#!/usr/bin/env bash
# Builds Meridian and measures semantic queries answered from a rollup against the source path (bench/README.md);
# arguments go to io.meridian.bench.RollupBenchmark unchanged.
#
#   bench/run-rollups.sh                        # the lake benchmark's 10,000,000-row table, 20 runs per path
#   bench/run-rollups.sh --rows 1000000 --runs 10
#
# Environment: JAVA_HOME, BENCH_OPTS, BENCH_SKIP_BUILD (see bench/bench-java.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_java io.meridian.bench.RollupBenchmark "$@"
