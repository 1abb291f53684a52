#!/usr/bin/env bash
# Builds Meridian and runs the lake benchmark (bench/README.md); arguments go to it unchanged.
#
#   bench/run-lake.sh                          # 10,000,000 rows, 5 runs, results into bench/RESULTS.md
#   bench/run-lake.sh --rows 1000000 --runs 3
#
# Environment: JAVA_HOME, BENCH_OPTS, BENCH_SKIP_BUILD (see bench/bench-java.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_java io.meridian.bench.LakeBenchmark "$@"
