package org.apache.calcite.avatica;

import java.sql.SQLException;

/**
 * Avatica's JDBC 4.1 factory for remote connections, whose statements can be cancelled while they execute.
 *
 * <p>Why this class lives in Avatica's package: {@code AvaticaJdbc41Factory} is package-private, and Avatica's
 * {@code Statement.cancel()} is {@code synchronized} on the statement, whose monitor the remote execute call holds
 * until the server answers; a cancel from another thread (what JDBC intends it for) would wait for the query to end.
 * Keep this bridge to that one method.
 */
public final class MeridianRemoteFactory extends AvaticaJdbc41Factory {
  public MeridianRemoteFactory() {
    super();
  }

  @Override
  public AvaticaStatement newStatement(AvaticaConnection connection, Meta.StatementHandle h, int resultSetType,
      int resultSetConcurrency, int resultSetHoldability) {
    return new CancellableStatement(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
  }

  /** A statement whose {@link #cancel()} does not wait for a running execute. */
  static final class CancellableStatement extends AvaticaStatement {
    CancellableStatement(AvaticaConnection connection, Meta.StatementHandle h, int resultSetType,
        int resultSetConcurrency, int resultSetHoldability) {
      super(connection, h, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    /**
     * Raises the cancel flag without taking the statement's monitor. Meridian's remote driver watches the flag
     * while the server executes and asks the server to stop the query; a result set already open checks the flag on
     * every {@code next()}.
     */
    @Override
    public void cancel() throws SQLException {
      if (isClosed()) {
        throw AvaticaConnection.HELPER.createException("Statement closed");
      }
      cancelFlag.compareAndSet(false, true);
    }
  }
}
