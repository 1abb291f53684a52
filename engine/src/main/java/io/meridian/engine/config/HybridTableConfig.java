package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkName;

import java.time.Duration;
import java.util.List;

/**
 * One hybrid table: rows before the boundary come from {@code history}, rows at or after it from {@code recent}.
 *
 * <p>The boundary is read, with the history table's snapshot, when each query is planned and run: it is the latest
 * {@code time-column} value in the history snapshot, rounded down to {@code granularity} (the start of the history's
 * latest partition, which may still be filling), or just past it when the granularity is zero (the history is
 * complete up to its latest row). The time column may be a TIMESTAMP, a DATE (granularity in whole days) or an
 * integer that grows with time, such as a {@code yyyymmdd} date key or epoch seconds (no granularity: the boundary
 * is the history's largest value plus one).
 *
 * @param name {@code name}: the table's name in SQL (under the hybrid source's schema)
 * @param history {@code history}: {@code source.table} holding the history (a lake table: its snapshot is pinned)
 * @param recent {@code recent}: {@code source.table} holding recent rows (a Pinot table)
 * @param timeColumn {@code time-column}: the TIMESTAMP, DATE or integer column both tables share that splits them
 * @param granularity {@code granularity}: the history's time partition size, such as {@code 1d} or {@code 1h}
 *     (default 0: the history is complete up to its latest row); whole days for a DATE column, none for an integer
 * @param columns {@code columns}: the columns of the hybrid table (default: the history table's columns, all of which
 *     the recent table must have)
 */
public record HybridTableConfig(String name, String history, String recent, String timeColumn, Duration granularity,
    List<String> columns) {
  public HybridTableConfig {
    checkName("name", name);
    checkQualified("history", history);
    checkQualified("recent", recent);
    if (timeColumn == null || timeColumn.isBlank()) {
      throw new IllegalArgumentException("time-column is required for hybrid table '" + name + "'");
    }
    granularity = granularity == null ? Duration.ZERO : granularity;
    if (granularity.isNegative()) {
      throw new IllegalArgumentException("granularity must not be negative");
    }
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  private static void checkQualified(String key, String value) {
    if (value == null || !value.matches("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(key + " must be source.table, got "
          + (value == null ? "nothing" : "'" + value + "'"));
    }
  }

  /** The source part of {@code source.table}. */
  public static String sourceOf(String qualified) {
    return qualified.substring(0, qualified.indexOf('.'));
  }

  /** The table part of {@code source.table}. */
  public static String tableOf(String qualified) {
    return qualified.substring(qualified.indexOf('.') + 1);
  }
}
