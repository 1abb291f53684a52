package io.meridian.bench;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.nio.file.Path;
import java.util.List;

/**
 * The lake benchmark's command-line options.
 *
 * @param rows rows of the benchmark table ({@code --rows}, default 10,000,000)
 * @param runs timed runs of each query on each engine, after one warm-up ({@code --runs}, default 5)
 * @param data folder of the benchmark tables, reused across runs when a table of the same size is there
 *     ({@code --data}, default {@code bench/target/bench-data})
 * @param out the Markdown file whose lake section is replaced ({@code --out}, default {@code bench/RESULTS.md})
 * @param command the command line as given, for the report
 */
public record BenchOptions(long rows, int runs, Path data, Path out, String command) {
  /** The default number of rows. */
  public static final long DEFAULT_ROWS = 10_000_000L;
  /** The default number of timed runs. */
  public static final int DEFAULT_RUNS = 5;
  /** Bounds of {@code --rows}: at least a day's worth, at most what one machine writes in reasonable time. */
  public static final long MIN_ROWS = 1_000L;
  public static final long MAX_ROWS = 1_000_000_000L;

  public static final String USAGE = """
      Usage: LakeBenchmark [--rows N] [--runs R] [--data DIR] [--out FILE]

      Writes an Iceberg table of N plays (partitioned by day) with Meridian's LakeWriter, then runs the same three
      queries through embedded Meridian (lake source) and through DuckDB reading the table's data files directly,
      and replaces the section between <!-- lake:begin --> and <!-- lake:end --> of FILE with the results.

      Options:
        --rows N     rows of the table, 1000 to 1000000000 (default 10000000)
        --runs R     timed runs per query and engine after one warm-up, 1 to 100 (default 5)
        --data DIR   folder of the tables; a table of the same size is reused (default bench/target/bench-data)
        --out FILE   the results file (default bench/RESULTS.md)
      Exit code: 0 when both engines returned the same rows for every query, 1 otherwise, 2 for a usage error.
      """;

  public BenchOptions {
    requireNonNull(data, "data is null");
    requireNonNull(out, "out is null");
    requireNonNull(command, "command is null");
    if (rows < MIN_ROWS || rows > MAX_ROWS) {
      throw usage("--rows must be between " + MIN_ROWS + " and " + MAX_ROWS + ", got " + rows);
    }
    if (runs < 1 || runs > 100) {
      throw usage("--runs must be between 1 and 100, got " + runs);
    }
  }

  /** Parses {@code args}; a {@link MeridianException} with code {@code INVALID_PARAMETER} names what is wrong. */
  public static BenchOptions parse(List<String> args) {
    requireNonNull(args, "args is null");
    long rows = DEFAULT_ROWS;
    int runs = DEFAULT_RUNS;
    Path data = Path.of("bench", "target", "bench-data");
    Path out = Path.of("bench", "RESULTS.md");
    for (int i = 0; i < args.size(); i++) {
      String option = args.get(i);
      if (i + 1 >= args.size()) {
        throw usage("missing value of " + option);
      }
      String value = args.get(++i);
      switch (option) {
        case "--rows" -> rows = parseLong(option, value);
        case "--runs" -> runs = (int) Math.min(Integer.MAX_VALUE, parseLong(option, value));
        case "--data" -> data = Path.of(value);
        case "--out" -> out = Path.of(value);
        default -> throw usage("unknown option " + option);
      }
    }
    return new BenchOptions(rows, runs, data, out, String.join(" ", args));
  }

  private static long parseLong(String option, String value) {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw usage(option + " needs a whole number, got '" + value + "'");
    }
  }

  private static MeridianException usage(String message) {
    return new MeridianException(ErrorCode.INVALID_PARAMETER, message);
  }
}
