package io.meridian.semantic;

import java.util.Locale;

/** The cardinality of a relationship, read from its {@code from} table to its {@code to} table. */
public enum RelationshipKind {
  /** Many {@code from} rows per {@code to} row (plays to accounts); joins from {@code from} to {@code to}. */
  MANY_TO_ONE,
  /** At most one row on each side; joins either way. */
  ONE_TO_ONE,
  /** Many {@code to} rows per {@code from} row; joins from {@code to} to {@code from}. */
  ONE_TO_MANY;

  /** The name used in model files: {@code many_to_one}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
