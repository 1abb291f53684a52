package io.meridian.connector.jdbc;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlDialect;

/**
 * Dialect support for a JDBC warehouse known only by name: Calcite's dialect for that database product, generic type
 * mapping, and streaming through {@code setFetchSize}. Good enough to query Snowflake, Redshift, BigQuery, DuckDB or
 * Trino; a warehouse that needs more gets its own module, as PostgreSQL has.
 */
public final class GenericJdbcDialectSupport implements JdbcDialectSupport {
  private final SqlDialect dialect;

  private GenericJdbcDialectSupport(SqlDialect dialect) {
    this.dialect = requireNonNull(dialect, "dialect is null");
  }

  /** Looks the dialect up by database product name ({@code snowflake}, {@code duckdb}, ...), case-insensitively. */
  public static GenericJdbcDialectSupport forProduct(String product) {
    String wanted = product.toUpperCase(Locale.ROOT).replace('-', '_');
    for (SqlDialect.DatabaseProduct p : SqlDialect.DatabaseProduct.values()) {
      if (p.name().equals(wanted) && p != SqlDialect.DatabaseProduct.UNKNOWN) {
        return new GenericJdbcDialectSupport(p.getDialect());
      }
    }
    throw new IllegalArgumentException("unknown dialect '" + product + "'; expected one of: "
        + Arrays.stream(SqlDialect.DatabaseProduct.values())
            .filter(p -> p != SqlDialect.DatabaseProduct.UNKNOWN)
            .map(p -> p.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(", ")));
  }

  @Override
  public SqlDialect sqlDialect() {
    return dialect;
  }
}
