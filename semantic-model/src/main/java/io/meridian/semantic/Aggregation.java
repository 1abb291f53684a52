package io.meridian.semantic;

import java.util.Locale;
import java.util.Optional;

/**
 * How a measure aggregates its expression, and whether partial results (of a rollup, of a source's partial
 * aggregation) can be combined into the total.
 */
public enum Aggregation {
  SUM,
  COUNT,
  COUNT_DISTINCT,
  MIN,
  MAX,
  AVG;

  /** The name used in model files: {@code count_distinct}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether totals are sums of partial totals: true for {@code sum} and {@code count}. */
  public boolean isAdditive() {
    return this == SUM || this == COUNT;
  }

  /**
   * The aggregation that combines partial results into the total: {@code sum} for {@code sum} and {@code count},
   * {@code min} and {@code max} for themselves; empty for {@code count_distinct} and {@code avg}, which need the rows
   * (or, for {@code avg}, a sum and a count kept apart).
   */
  public Optional<Aggregation> reaggregation() {
    return switch (this) {
      case SUM, COUNT -> Optional.of(SUM);
      case MIN -> Optional.of(MIN);
      case MAX -> Optional.of(MAX);
      case COUNT_DISTINCT, AVG -> Optional.empty();
    };
  }

  /** Whether the expression must be numeric ({@code sum}, {@code avg}). */
  public boolean requiresNumeric() {
    return this == SUM || this == AVG;
  }
}
