package io.meridian.semantic;

import java.util.Locale;

/** What values a dimension holds, which decides how it may be used (grouping, filtering, time grains). */
public enum DimensionKind {
  /** Labels to group and filter by (text, codes, ids). */
  CATEGORICAL,
  /** True or false; the expression must be a condition or a boolean column. */
  BOOLEAN,
  /** A number to group or filter by (a year, a price band); not a measure. */
  NUMERIC,
  /** A date or timestamp, exposed at its time grains. */
  TIME;

  /** The name used in model files: {@code categorical}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
