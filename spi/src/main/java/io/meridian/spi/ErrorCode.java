package io.meridian.spi;

import static java.util.Objects.requireNonNull;

/**
 * Every error Meridian reports has one of these codes. Each code carries the SQLSTATE that JDBC clients see, the kind
 * (who is at fault) and whether a retry may help. SQLSTATEs follow the SQL standard classes where one fits, and
 * PostgreSQL's codes otherwise, so tools that branch on PostgreSQL's codes behave sensibly.
 */
public enum ErrorCode {
  SYNTAX_ERROR(1, "42601", ErrorKind.USER, false),
  UNKNOWN_TABLE(2, "42P01", ErrorKind.USER, false),
  UNKNOWN_COLUMN(3, "42703", ErrorKind.USER, false),
  UNKNOWN_FUNCTION(4, "42883", ErrorKind.USER, false),
  TYPE_MISMATCH(5, "42804", ErrorKind.USER, false),
  VALIDATION_ERROR(6, "42000", ErrorKind.USER, false),
  NOT_SUPPORTED(7, "0A000", ErrorKind.USER, false),
  INVALID_PARAMETER(8, "22023", ErrorKind.USER, false),
  DATA_ERROR(9, "22000", ErrorKind.USER, false),
  QUERY_CANCELLED(10, "57014", ErrorKind.USER, false),
  QUERY_TIMEOUT(11, "57014", ErrorKind.USER, true),
  /**
   * {@code cacheMode=only} and the result cache holds no answer fresh enough for the caller (object not in
   * prerequisite state); running the query without {@code only} would answer it.
   */
  CACHE_MISS(12, "55000", ErrorKind.USER, true),
  INVALID_CONFIGURATION(20, "F0000", ErrorKind.USER, false),
  INVALID_CONNECTION_PROPERTY(21, "08001", ErrorKind.USER, false),
  /** The Meridian server cannot be reached. */
  SERVER_UNAVAILABLE(23, "08001", ErrorKind.EXTERNAL, true),
  /** The server's client-connection limit is reached. */
  TOO_MANY_CONNECTIONS(22, "53300", ErrorKind.USER, true),
  SOURCE_UNAVAILABLE(30, "08001", ErrorKind.EXTERNAL, true),
  SOURCE_QUERY_FAILED(31, "58030", ErrorKind.EXTERNAL, false),
  SOURCE_CONNECTION_LOST(32, "08006", ErrorKind.EXTERNAL, true),
  INTERNAL_ERROR(90, "XX000", ErrorKind.INTERNAL, false);

  private final int code;
  private final String sqlState;
  private final ErrorKind kind;
  private final boolean retryable;

  ErrorCode(int code, String sqlState, ErrorKind kind, boolean retryable) {
    this.code = code;
    this.sqlState = requireNonNull(sqlState, "sqlState is null");
    this.kind = requireNonNull(kind, "kind is null");
    this.retryable = retryable;
  }

  /** The vendor code, reported as {@link java.sql.SQLException#getErrorCode()}. */
  public int code() {
    return code;
  }

  /** The five-character SQLSTATE. */
  public String sqlState() {
    return sqlState;
  }

  public ErrorKind kind() {
    return kind;
  }

  /** Whether repeating the same request later may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
