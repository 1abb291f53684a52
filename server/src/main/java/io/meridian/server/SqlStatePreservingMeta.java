package io.meridian.server;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.Meta.StatementHandle;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.ProtobufMeta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a {@link ProtobufMeta} so that every failure reaches the remote client with a SQLSTATE.
 *
 * <p>Avatica's {@code JdbcMeta} wraps a {@link SQLException} in a plain {@link RuntimeException}, and Avatica's
 * handler then answers with SQLSTATE {@code 00000} and the exception chain as text. Here the first
 * {@link SQLException} or {@link MeridianException} in the chain becomes an {@link AvaticaRuntimeException} with its
 * message, vendor code and SQLSTATE, which the handler does carry over. Anything else is an internal error
 * ({@code XX000}). Avatica's own signals pass unchanged: {@link AvaticaRuntimeException}, checked exceptions the
 * interface declares, and {@link NoSuchConnectionException} (the client may reconnect on it).
 *
 * <p>A dynamic proxy rather than overrides of each of {@code JdbcMeta}'s forty-odd methods, so a method added in a
 * later Avatica cannot slip past the translation.
 */
final class SqlStatePreservingMeta implements InvocationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SqlStatePreservingMeta.class);
  private static final int MAX_CAUSE_DEPTH = 32;

  private final ProtobufMeta delegate;

  private SqlStatePreservingMeta(ProtobufMeta delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  static ProtobufMeta wrap(ProtobufMeta meta) {
    return (ProtobufMeta) Proxy.newProxyInstance(ProtobufMeta.class.getClassLoader(),
        new Class<?>[] {ProtobufMeta.class}, new SqlStatePreservingMeta(meta));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      if (args != null && args.length > 0 && args[0] instanceof StatementHandle h
          && delegate instanceof MeridianMeta m && m.closedByClient(h.id)
          && !(e.getCause() instanceof NoSuchStatementException)) {
        return throwCancelled(e.getCause());
      }
      throw translate(e.getCause());
    }
  }

  private static Object throwCancelled(Throwable cause) {
    AvaticaRuntimeException cancelled = new AvaticaRuntimeException("query cancelled by the client (Statement.cancel "
        + "or its query timeout)", ErrorCode.QUERY_CANCELLED.code(), ErrorCode.QUERY_CANCELLED.sqlState(),
        AvaticaSeverity.ERROR);
    cancelled.initCause(cause);
    throw cancelled;
  }

  /** The exception to give Avatica's handler in place of {@code t}. */
  static Throwable translate(Throwable t) {
    if (t instanceof Error || !(t instanceof RuntimeException)
        || t instanceof AvaticaRuntimeException || t instanceof NoSuchConnectionException) {
      return t;
    }
    int depth = 0;
    for (Throwable c = t; c != null && depth < MAX_CAUSE_DEPTH; c = c.getCause(), depth++) {
      if (c instanceof SQLException sql) {
        String state = sql.getSQLState() != null ? sql.getSQLState() : ErrorCode.INTERNAL_ERROR.sqlState();
        return withCause(new AvaticaRuntimeException(message(sql), sql.getErrorCode(), state,
            AvaticaSeverity.ERROR), t);
      }
      if (c instanceof MeridianException m) {
        return withCause(new AvaticaRuntimeException(message(m), m.errorCode().code(), m.sqlState(),
            AvaticaSeverity.ERROR), t);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    LOG.warn("internal error while serving a client request", t);
    return withCause(new AvaticaRuntimeException("internal error: " + message(t),
        ErrorCode.INTERNAL_ERROR.code(), ErrorCode.INTERNAL_ERROR.sqlState(), AvaticaSeverity.ERROR), t);
  }

  /**
   * The message to send. An embedded connection's {@link AvaticaSqlException} reads
   * {@code Error 2 (42P01) : Error while executing SQL "...": <what is wrong>}; the client's driver adds its own
   * such prefix, so only {@code <what is wrong>} is sent.
   */
  static String message(Throwable t) {
    if (t instanceof AvaticaSqlException a && a.getErrorMessage() != null) {
      return EMBEDDED_PREFIX.matcher(a.getErrorMessage()).replaceFirst("");
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
  }

  private static final Pattern EMBEDDED_PREFIX =
      Pattern.compile("^Error while (executing SQL|preparing statement) \\W.*?\\W: ", Pattern.DOTALL);

  private static AvaticaRuntimeException withCause(AvaticaRuntimeException e, Throwable cause) {
    e.initCause(cause);
    return e;
  }
}
