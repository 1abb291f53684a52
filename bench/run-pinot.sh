#!/usr/bin/env bash
# Builds Meridian and runs the Pinot benchmark (bench/README.md): freshness and pushdown figures against a real
# Apache Pinot 0.11 it starts itself (a child JVM on loopback ports, stopped at the end); arguments go to it unchanged.
#
#   bench/run-pinot.sh                          # 500,000 rows, 30 freshness samples, results into bench/RESULTS.md
#   bench/run-pinot.sh --rows 100000 --samples 10
#
# Environment: JAVA_HOME, BENCH_OPTS, BENCH_SKIP_BUILD (see bench/bench-java.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
bench_java io.meridian.bench.PinotBenchmark "$@"
