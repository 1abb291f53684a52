package io.meridian.bench;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One benchmark query's outcome: the timed runs on each engine, whether they returned the same rows, and how many
 * files Meridian read.
 *
 * @param name a short name
 * @param sql the query as written against Meridian ({@code lake.plays})
 * @param meridianMillis Meridian's timed runs, in milliseconds
 * @param duckDbMillis DuckDB's timed runs, in milliseconds
 * @param rows rows returned (by Meridian)
 * @param difference empty when both engines returned the same rows, else how they differ
 * @param filesRead Meridian's EXPLAIN line {@code files read: x of y (...)}, when it has one
 */
public record QueryResult(String name, String sql, List<Double> meridianMillis, List<Double> duckDbMillis, int rows,
    String difference, Optional<String> filesRead) {
  public QueryResult {
    requireNonNull(name, "name is null");
    requireNonNull(sql, "sql is null");
    meridianMillis = List.copyOf(requireNonNull(meridianMillis, "meridianMillis is null"));
    duckDbMillis = List.copyOf(requireNonNull(duckDbMillis, "duckDbMillis is null"));
    requireNonNull(difference, "difference is null");
    requireNonNull(filesRead, "filesRead is null");
  }

  public boolean sameRows() {
    return difference.isEmpty();
  }

  public double meridianMedian() {
    return median(meridianMillis);
  }

  public double duckDbMedian() {
    return median(duckDbMillis);
  }

  /** Meridian's median over DuckDB's: below 1 means Meridian was faster. */
  public double ratio() {
    return meridianMedian() / duckDbMedian();
  }

  /** The median (the mean of the middle two for an even count). */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
