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

  public MeridianException(ErrorCode errorCode, String message) {
    this(errorCode, message, null, null, null);
  }

  public MeridianException(ErrorCode errorCode, String message, Throwable cause) {
    this(errorCode, message, null, null, cause);
  }

  public MeridianException(ErrorCode errorCode, String message, String source, String remoteQuery, Throwable cause) {
    super(requireNonNull(message, "message is null"), cause);
    this.errorCode = requireNonNull(errorCode, "errorCode is null");
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

  /** Converts to the JDBC form, keeping the SQLSTATE and vendor code. */
  public SQLException toSqlException() {
    return new SQLException(getMessage(), errorCode.sqlState(), errorCode.code(), this);
  }
}
