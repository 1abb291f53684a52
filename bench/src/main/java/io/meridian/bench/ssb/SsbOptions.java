package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Command-line options of the SSB benchmark ({@code bench/run-ssb.sh}).
 *
 * @param scaleFactor {@code --sf}: SSB scale factor (default 1: about 6 million lineorder rows)
 * @param runs {@code --runs}: timed runs per query and engine after one warm-up (default 3)
 * @param data {@code --data}: where data and the embedded PostgreSQL live (reused between runs)
 * @param out {@code --out}: the results file whose SSB section is replaced
 * @param cache {@code --cache}: where the Trino server is downloaded and unpacked
 * @param trinoJava {@code --trino-java}: the JDK (24+) for Trino, or null for the default
 * @param skip {@code --skip}: engines and parts not to run (trino, postgresql, remote, cold, micro, hybrid: Meridian
 *     then reads all of lineorder from the lake, without Pinot)
 * @param loadSeconds {@code --load-seconds}: length of the concurrent load run (default 120)
 * @param command the command line, for the report
 */
public record SsbOptions(double scaleFactor, int runs, Path data, Path out, Path cache, Path trinoJava,
    Set<String> skip, int loadSeconds, String command) {
  public static final Set<String> SKIPPABLE = Set.of("trino", "postgresql", "remote", "cold", "micro", "hybrid");

  public static final String USAGE = """
      Usage: bench/run-ssb.sh [--sf 1] [--runs 3] [--data DIR] [--out FILE] [--cache DIR] [--trino-java JDK]
                              [--skip trino,postgresql,remote,cold,micro,hybrid] [--load-seconds 120]
      Generates Star Schema Benchmark data (dimensions in an embedded PostgreSQL, lineorder in Iceberg and
      PostgreSQL; for Meridian, lineorder is a hybrid of its history in Iceberg and its last days in Pinot),
      runs the 13 SSB queries through Meridian (embedded warm and cold, remote), DuckDB, PostgreSQL and Trino 476,
      checks every answer against DuckDB's, runs the micro-benchmarks, and writes the SSB section of
      bench/RESULTS.md. Exit code 0: every answer equal to DuckDB's; 1: a wrong answer or a failure; 2: usage.
      """;

  public SsbOptions {
    requireNonNull(data, "data is null");
    requireNonNull(out, "out is null");
    requireNonNull(cache, "cache is null");
    skip = Set.copyOf(skip);
    requireNonNull(command, "command is null");
  }

  public boolean runs(String engine) {
    return !skip.contains(engine);
  }

  public static SsbOptions parse(List<String> args) {
    double sf = 1;
    int runs = 3;
    Path data = Path.of("bench/target/ssb-data");
    Path out = Path.of("bench/RESULTS.md");
    String home = System.getProperty("user.home");
    Path cache = Path.of(home, ".cache", "meridian-bench");
    Path trinoJava = null;
    Set<String> skip = Set.of();
    int loadSeconds = 120;
    List<String> rest = new ArrayList<>(args);
    for (int i = 0; i < rest.size(); i++) {
      String option = rest.get(i);
      if (i + 1 >= rest.size()) {
        throw usage("option " + option + " needs a value");
      }
      String value = rest.get(++i);
      try {
        switch (option) {
          case "--sf" -> sf = Double.parseDouble(value);
          case "--runs" -> runs = Integer.parseInt(value);
          case "--data" -> data = Path.of(value);
          case "--out" -> out = Path.of(value);
          case "--cache" -> cache = Path.of(value);
          case "--trino-java" -> trinoJava = Path.of(value);
          case "--load-seconds" -> loadSeconds = Integer.parseInt(value);
          case "--skip" -> {
            // Repeated --skip options add up: --skip trino --skip micro is --skip trino,micro.
            Set<String> more = new java.util.LinkedHashSet<>(skip);
            for (String s : value.isBlank() ? new String[0] : value.split(",")) {
              if (!SKIPPABLE.contains(s)) {
                throw usage("--skip: unknown '" + s + "'; expected some of " + SKIPPABLE);
              }
              more.add(s);
            }
            skip = Set.copyOf(more);
          }
          default -> throw usage("unknown option " + option);
        }
      } catch (NumberFormatException e) {
        throw usage(option + ": not a number: " + value);
      }
    }
    if (!(sf > 0) || sf > 100) {
      throw usage("--sf must be in (0, 100], got " + sf);
    }
    if (runs < 1 || runs > 100) {
      throw usage("--runs must be 1..100, got " + runs);
    }
    if (loadSeconds < 1 || loadSeconds > 3600) {
      throw usage("--load-seconds must be 1..3600, got " + loadSeconds);
    }
    return new SsbOptions(sf, runs, data, out, cache, trinoJava, skip, loadSeconds,
        "bench/run-ssb.sh" + (args.isEmpty() ? "" : " " + String.join(" ", args)));
  }

  private static MeridianException usage(String message) {
    return new MeridianException(ErrorCode.INVALID_PARAMETER, message);
  }
}
