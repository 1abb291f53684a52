package io.meridian.engine;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.jdbc.SourceSqlException;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.spi.QueryContext;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;

/**
 * Turns whatever went wrong into a {@link MeridianException} with an error code, and that into what JDBC callers see:
 * an {@link SQLException} with the SQLSTATE, the vendor code, and the line and column of the fault in the SQL text.
 */
public final class Errors {
  private static final Pattern UNKNOWN_TABLE = Pattern.compile("Object '.*' not found|Table '.*' not found");
  private static final Pattern UNKNOWN_COLUMN = Pattern.compile("Column '.*' not found|Unknown field '.*'");
  private static final Pattern UNKNOWN_FUNCTION = Pattern.compile("No match found for function signature");
  private static final Pattern TYPE_MISMATCH = Pattern.compile("Cannot apply|Cannot assign|cannot be converted|"
      + "Parameters must be of the same type|Illegal mixing of types");

  private Errors() {}

  /** Classifies a failure; {@code context} (may be null) tells whether it follows a cancel or a timeout. */
  public static MeridianException translate(Throwable t, QueryContext context) {
    if (context != null && context.isCancelled()) {
      ErrorCode reason = context.cancelReason();
      return new MeridianException(reason, reason == ErrorCode.QUERY_TIMEOUT
          ? "query timed out and was cancelled" : "query cancelled", t);
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof MeridianException m) {
        return m;
      }
      if (c instanceof SourceSqlException s) {
        return JdbcConnector.classify(s.source(), s.query(), (SQLException) s.getCause());
      }
      if (c instanceof SqlParseException p) {
        return new MeridianException(ErrorCode.SYNTAX_ERROR, parseMessage(p), p);
      }
      if (c instanceof CalciteContextException v) {
        return new MeridianException(validationCode(v.getMessage()), v.getMessage(), v);
      }
      if (c instanceof RelOptPlanner.CannotPlanException) {
        return new MeridianException(ErrorCode.NOT_SUPPORTED,
            "Meridian cannot plan this query: an operation has no implementation for its sources", c);
      }
    }
    SQLException sql = find(t, SQLException.class);
    if (sql != null && sql.getSQLState() != null) {
      for (ErrorCode code : ErrorCode.values()) {
        if (code.sqlState().equals(sql.getSQLState())) {
          return new MeridianException(code, sql.getMessage(), t);
        }
      }
    }
    String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    return new MeridianException(ErrorCode.INTERNAL_ERROR, "internal error: " + message, t);
  }

  private static ErrorCode validationCode(String message) {
    if (message == null) {
      return ErrorCode.VALIDATION_ERROR;
    }
    if (UNKNOWN_TABLE.matcher(message).find()) {
      return ErrorCode.UNKNOWN_TABLE;
    }
    if (UNKNOWN_COLUMN.matcher(message).find()) {
      return ErrorCode.UNKNOWN_COLUMN;
    }
    if (UNKNOWN_FUNCTION.matcher(message).find()) {
      return ErrorCode.UNKNOWN_FUNCTION;
    }
    if (TYPE_MISMATCH.matcher(message).find()) {
      return ErrorCode.TYPE_MISMATCH;
    }
    return ErrorCode.VALIDATION_ERROR;
  }

  /** The parser's first sentence and position, without its long list of expected tokens. */
  private static String parseMessage(SqlParseException p) {
    String message = p.getMessage() == null ? "syntax error" : p.getMessage();
    int expecting = message.indexOf("Was expecting");
    if (expecting > 0) {
      message = message.substring(0, expecting).trim();
    }
    message = message.replaceAll("\\s+", " ");
    if (p.getPos() != null && !message.contains("line " + p.getPos().getLineNum())) {
      message = message + " at line " + p.getPos().getLineNum() + ", column " + p.getPos().getColumnNum();
    }
    return "Syntax error: " + message;
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  /** The form Avatica turns into an {@code AvaticaSqlException} that keeps SQLSTATE and vendor code. */
  public static AvaticaClientRuntimeException toAvatica(MeridianException e) {
    AvaticaClientRuntimeException a = new AvaticaClientRuntimeException(e.getMessage(), e.errorCode().code(),
        e.sqlState(), AvaticaSeverity.ERROR, List.of(), null);
    a.initCause(e);
    return a;
  }

  /**
   * Throws a checked exception from a place whose signature does not declare it. Used only where Calcite calls us
   * through {@code Enumerator.moveNext()} on behalf of {@code ResultSet.next()}, which does declare
   * {@link SQLException}: without this, a source failure would reach the JDBC caller as an unchecked exception.
   */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneakyThrow(Throwable e) throws E {
    throw (E) e;
  }
}
