package io.meridian.spi;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;
import java.util.Optional;

/**
 * The one exception type Meridian raises. It carries an {@link ErrorCode} (and so a SQLSTATE and a kind), and the
 * context a user needs to act: the source involved, the query sent to it, and the position in the SQL text.
 */
public class MeridianException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;
  private final String source;
  private final String remoteQuery;
  private final String sqlState;

  public MeridianException(ErrorCode errorCode, String message) {
    this(errorCode, message, null, null, null);
  }

  public MeridianException(ErrorCode errorCode, String message, Throwable cause) {
    this(errorCode, message, null, null, cause);
  }

  public MeridianException(ErrorCode errorCode, String message, String source, String remoteQuery, Throwable cause) {
    this(errorCode, null, message, source, remoteQuery, cause);
  }

  /**
   * With a SQLSTATE more precise than the code's own, such as the source's {@code 22012} (division by zero) for a
   * {@link ErrorCode#SOURCE_QUERY_FAILED}.
   */
  public MeridianException(ErrorCode errorCode, String sqlState, String message, String source, String remoteQuery,
      Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.errorCode = requireNonNull(errorCode, "errorCode is null");
    this.sqlState = sqlState != null ? sqlState : errorCode.sqlState();
    this.source = source;
    this.remoteQuery = remoteQuery;
  }

  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The name of the source involved, if any. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }

  /** The query Meridian sent to the source, if any. */
  public Optional<String> remoteQuery() {
    return Optional.ofNullable(remoteQuery);
  }

  /** The SQLSTATE callers see: the code's, or a more precise one given when this was made. */
  public String sqlState() {
    return sqlState;
  }

  /** Converts to the JDBC form, keeping the SQLSTATE and vendor code. */
  public SQLException toSqlException() {
    return new SQLException(getMessage(), sqlState, errorCode.code(), this);
  }
}
