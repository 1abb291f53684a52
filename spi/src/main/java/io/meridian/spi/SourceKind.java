package io.meridian.spi;

import java.util.Locale;

/** The kinds of source a {@code meridian.yaml} may declare. */
public enum SourceKind {
  /** PostgreSQL through its own JDBC driver. */
  POSTGRESQL,
  /** Any other JDBC warehouse, described by a dialect name. */
  JDBC,
  /** Apache Iceberg tables and Parquet folders, read by an embedded DuckDB. */
  LAKE,
  /** Apache Pinot, the real-time store, through its broker's SQL API. */
  PINOT,
  /** Hybrid tables: history from one source (the lake), recent rows from another (Pinot), split at a boundary. */
  HYBRID;

  /** The spelling used in configuration files. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
