#!/usr/bin/env bash
# Builds Meridian and runs the Star Schema Benchmark (bench/README.md); arguments go to it unchanged.
#
#   bench/run-ssb.sh --sf 1                    # SF1 (about 6 million lineorder rows), 3 runs -> bench/RESULTS.md
#   bench/run-ssb.sh --sf 0.1 --runs 1 --skip micro
#
# Environment: JAVA_HOME, BENCH_OPTS, BENCH_SKIP_BUILD (see bench/bench-java.sh), and
#   TRINO_JAVA_HOME  the JDK (24+) for Trino 476 (default: /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bench-java.sh"
# 6 GiB of heap for the harness, the engine, its in-process server and the Iceberg writer (BENCH_OPTS may override).
BENCH_OPTS="-Xmx6g ${BENCH_OPTS:-}" bench_java io.meridian.bench.ssb.SsbBenchmark "$@"
