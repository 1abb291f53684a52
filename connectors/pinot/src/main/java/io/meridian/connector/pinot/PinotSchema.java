package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.lookup.IgnoreCaseLookup;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The tables of a Pinot source, as the controller lists them (an OFFLINE and a REALTIME table of one name are one
 * hybrid table to the broker, and one table here). The list is read on first use and again when an unknown name is
 * asked for, at most every few seconds.
 *
 * <p>It is a {@link JdbcSchema} only so that Calcite's JDBC rules apply to its tables; no JDBC connection is ever made
 * (the data source refuses), since queries go to the broker over HTTP ({@link PinotToEnumerableConverter}).
 */
final class PinotSchema extends JdbcSchema {
  private static final long REDISCOVER_AFTER_NANOS = 5_000_000_000L;

  private final PinotClient client;
  private volatile Map<String, PinotTable> tables;
  private volatile long discoveredAt;

  PinotSchema(PinotClient client, PinotConvention convention) {
    super(NO_JDBC, PinotSqlDialect.INSTANCE, convention, null, null);
    this.client = requireNonNull(client, "client is null");
  }

  PinotClient client() {
    return client;
  }

  @Override
  public Lookup<Table> tables() {
    return new IgnoreCaseLookup<>() {
      @Override
      public @Nullable Table get(String name) {
        Table table = discovered(false).get(name);
        if (table == null && System.nanoTime() - discoveredAt > REDISCOVER_AFTER_NANOS) {
          table = discovered(true).get(name);
        }
        return table;
      }

      @Override
      public Set<String> getNames(LikePattern pattern) {
        return discovered(false).keySet().stream().filter(pattern.matcher()::apply).collect(Collectors.toSet());
      }
    };
  }

  private Map<String, PinotTable> discovered(boolean refresh) {
    Map<String, PinotTable> current = tables;
    if (current != null && !refresh) {
      return current;
    }
    synchronized (this) {
      if (tables != null && !refresh) {
        return tables;
      }
      Map<String, PinotTable> found = new LinkedHashMap<>();
      List<String> names = client.tables();
      for (String name : names) {
        PinotTable known = tables == null ? null : tables.get(name);
        found.put(name, known != null ? known : new PinotTable(this, name));
      }
      tables = Map.copyOf(found);
      discoveredAt = System.nanoTime();
      return tables;
    }
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
