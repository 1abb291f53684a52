package io.meridian.connector.postgresql;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.jdbc.JdbcSourceSettings;
import io.meridian.spi.SourceKind;
import io.meridian.spi.SourceQueryListener;

/** Entry point of the PostgreSQL connector: the generic JDBC connector with {@link PostgreSqlDialectSupport}. */
public final class PostgreSqlConnector {
  private PostgreSqlConnector() {}

  public static JdbcConnector create(JdbcSourceSettings settings, SourceQueryListener listener) {
    JdbcSourceSettings withSchema = settings.schema() != null ? settings : settings.withSchema("public");
    return new JdbcConnector(SourceKind.POSTGRESQL, withSchema, PostgreSqlDialectSupport.INSTANCE, listener);
  }
}
