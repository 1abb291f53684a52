package io.meridian.semantic;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.avatica.util.TimeUnitRange;

/**
 * The granularity a time dimension is truncated to; each grain a dimension allows appears as a column named
 * {@code <dimension>__<grain>} (for instance {@code played_at__month}). Weeks start on Monday (ISO 8601), as in
 * PostgreSQL's {@code DATE_TRUNC('week', ...)}.
 */
public enum TimeGrain {
  HOUR(TimeUnitRange.HOUR),
  DAY(TimeUnitRange.DAY),
  WEEK(TimeUnitRange.WEEK),
  MONTH(TimeUnitRange.MONTH),
  QUARTER(TimeUnitRange.QUARTER),
  YEAR(TimeUnitRange.YEAR);

  /** Every grain, finest first: the default of a time dimension over a timestamp. */
  public static final List<TimeGrain> ALL = List.of(values());
  /** The grains of a time dimension over a {@code DATE}: no hours. */
  public static final List<TimeGrain> DATE_GRAINS = List.of(DAY, WEEK, MONTH, QUARTER, YEAR);

  private final TimeUnitRange unit;

  TimeGrain(TimeUnitRange unit) {
    this.unit = unit;
  }

  /** The name used in model files and column suffixes: {@code month}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The suffix of the column exposing a dimension at this grain: {@code __month}. */
  public String suffix() {
    return "__" + key();
  }

  /** The column name of {@code dimension} at this grain: {@code played_at__month}. */
  public String columnName(String dimension) {
    return dimension + suffix();
  }

  /** The unit of Calcite's {@code FLOOR(x TO unit)}. */
  public TimeUnitRange timeUnit() {
    return unit;
  }

  /** The unit of {@code DATE_TRUNC('unit', x)}: {@code month}. */
  public String dateTruncUnit() {
    return key();
  }

  /** The grain named {@code key} (case-insensitive), if any. */
  public static Optional<TimeGrain> fromKey(String key) {
    for (TimeGrain g : values()) {
      if (g.key().equalsIgnoreCase(key)) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }
}
