package io.meridian.connector.jdbc;

import java.sql.SQLException;

/**
 * A failure at a JDBC source, keeping the source's SQLSTATE and naming the source and the query Meridian sent, so the
 * engine can classify it and the user can see what failed where.
 */
public final class SourceSqlException extends SQLException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String query;

  public SourceSqlException(String source, String query, SQLException cause) {
    super(message(source, query, cause), cause.getSQLState(), cause.getErrorCode(), cause);
    this.source = source;
    this.query = query;
  }

  private static String message(String source, String query, SQLException cause) {
    String what = query == null ? "connecting to source '" + source + "'" : "source '" + source + "'";
    return what + " failed: " + cause.getMessage();
  }

  public String source() {
    return source;
  }

  /** The query sent, or null if the failure happened before one was. */
  public String query() {
    return query;
  }
}
