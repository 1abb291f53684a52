package org.apache.calcite.jdbc;

import io.meridian.engine.Errors;
import io.meridian.spi.MeridianException;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaFactory;
import java.util.List;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.EnumerableDefaults;

/**
 * An embedded Meridian connection: Calcite's connection over an engine's shared schema, whose
 * {@code prepareStatement} keeps the reason a statement failed to prepare, and whose executions honour
 * {@code setMaxRows}.
 *
 * <p>Why this class lives in Calcite's package: {@code CalciteConnectionImpl} is package-private, and its
 * {@code prepareStatement} reports only "Error while preparing statement [...]", dropping the SQLSTATE's explanation
 * and the line and column. Keep this bridge to those two methods.
 */
public final class MeridianCalciteConnection extends CalciteConnectionImpl {
  public MeridianCalciteConnection(Driver driver, AvaticaFactory factory, String url, Properties info,
      CalciteSchema rootSchema, JavaTypeFactory typeFactory) {
    super(driver, factory, url, info, rootSchema, typeFactory);
  }

  /**
   * Applies the statement's {@code setMaxRows} at execution. Calcite applies it when a statement is prepared, so a
   * {@code PreparedStatement}'s later {@code setMaxRows} would otherwise be ignored.
   */
  @Override
  public <T> Enumerable<T> enumerable(Meta.StatementHandle handle, CalcitePrepare.CalciteSignature<T> signature,
      List<TypedValue> parameterValues) throws SQLException {
    Enumerable<T> result = super.enumerable(handle, signature, parameterValues);
    AvaticaStatement statement = statementMap.get(handle.id);
    long maxRows = statement == null ? 0 : statement.getLargeMaxRows();
    return maxRows > 0 ? EnumerableDefaults.take(result, maxRows) : result;
  }

  @Override
  public CalcitePreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
      int resultSetHoldability) throws SQLException {
    try {
      Meta.Signature signature = parseQuery(CalcitePrepare.Query.of(sql), createPrepareContext(), -1);
      CalcitePreparedStatement statement = (CalcitePreparedStatement) factory.newPreparedStatement(this, null,
          signature, resultSetType, resultSetConcurrency, resultSetHoldability);
      server.getStatement(statement.handle).setSignature(signature);
      return statement;
    } catch (RuntimeException e) {
      MeridianException error = Errors.translate(e, null);
      throw new SQLException("Error while preparing statement [" + sql + "]: " + error.getMessage(),
          error.sqlState(), error.errorCode().code(), error);
    } catch (Exception e) {
      throw Errors.translate(e, null).toSqlException();
    }
  }
}
