#!/usr/bin/env bash
# Builds Meridian and measures remote fetch throughput (issue #7's micro-benchmark) on its own: 1,000,000 narrow rows
# through PgJDBC, embedded Meridian and the Avatica server (bench/README.md); arguments go to
# io.meridian.bench.FetchBenchmark unchanged.
#
#   bench/run-fetch.sh                                   # 1,000,000 rows, median of 3 runs after a warm-up, every path
#   bench/run-fetch.sh --rows 200000 --runs 5 --paths pg,remote
#
# Environment: JAVA_HOME, BENCH_OPTS, BENCH_SKIP_BUILD (see bench/bench-java.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_java io.meridian.bench.FetchBenchmark "$@"
