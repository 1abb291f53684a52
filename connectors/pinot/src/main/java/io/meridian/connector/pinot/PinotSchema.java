package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import javax.sql.DataSource;
import io.meridian.spi.TableDiscovery;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.lookup.Lookup;

/**
 * The tables of a Pinot source, as the controller lists them (an OFFLINE and a REALTIME table of one name are one
 * hybrid table to the broker, and one table here). The list is read on first use and again when an unknown name is
 * asked for, at most every few seconds.
 *
 * <p>It is a {@link JdbcSchema} only so that Calcite's JDBC rules apply to its tables; no JDBC connection is ever made
 * (the data source refuses), since queries go to the broker over HTTP ({@link PinotToEnumerableConverter}).
 */
final class PinotSchema extends JdbcSchema {

  private final PinotClient client;
  private final TableDiscovery<PinotTable> discovery = new TableDiscovery<>(this::discover);

  PinotSchema(PinotClient client, PinotConvention convention) {
    super(NO_JDBC, PinotSqlDialect.INSTANCE, convention, null, null);
    this.client = requireNonNull(client, "client is null");
  }

  PinotClient client() {
    return client;
  }

  @Override
  public Lookup<Table> tables() {
    return discovery.lookup();
  }

  /** The tables the controller lists now; a table found before keeps its instance (and its cached schema). */
  private Map<String, PinotTable> discover(Map<String, PinotTable> previous) {
    Map<String, PinotTable> found = new LinkedHashMap<>();
    for (String name : client.tables()) {
      PinotTable known = previous.get(name);
      found.put(name, known != null ? known : new PinotTable(this, name));
    }
    return found;
  }

  /** A data source that is never used: Pinot is queried over HTTP. */
  private static final DataSource NO_JDBC = new DataSource() {
    @Override
    public Connection getConnection() throws SQLException {
      throw new SQLFeatureNotSupportedException("Pinot sources are queried through the broker's HTTP API");
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  };
}
