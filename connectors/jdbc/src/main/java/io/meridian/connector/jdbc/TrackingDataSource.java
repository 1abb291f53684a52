package io.meridian.connector.jdbc;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.QueryContext;
import io.meridian.spi.SourceQueryListener;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The data source Calcite's JDBC adapter reads through. It adds, around the pooled connections of one source:
 * <ul>
 *   <li>the fetch size on every statement, so results stream instead of being buffered whole;</li>
 *   <li>a report of every query sent ({@link SourceQueryListener}), with its exact text;</li>
 *   <li>registration of each running statement with the current {@link QueryContext}, so cancelling a query (or its
 *       timeout) cancels it at the source;</li>
 *   <li>failures wrapped as {@link SourceSqlException}, naming the source and the query;</li>
 *   <li>timestamps read zone-independently: wall-clock values as stored, instants as their UTC wall clock.</li>
 * </ul>
 * Dynamic proxies keep this to the few methods that matter; everything else passes through.
 */
final class TrackingDataSource implements DataSource {
  private final String source;
  private final DataSource pool;
  private final int fetchSize;
  private final JdbcDialectSupport dialect;
  private final SourceQueryListener listener;
  private final ParameterTypes parameterTypes = new ParameterTypes();

  TrackingDataSource(String source, DataSource pool, int fetchSize, JdbcDialectSupport dialect,
      SourceQueryListener listener) {
    this.source = requireNonNull(source, "source is null");
    this.pool = requireNonNull(pool, "pool is null");
    this.fetchSize = fetchSize;
    this.dialect = requireNonNull(dialect, "dialect is null");
    this.listener = requireNonNull(listener, "listener is null");
  }

  @Override
  public Connection getConnection() throws SQLException {
    QueryContext context = QueryContext.current();
    if (context != null && context.isCancelled()) {
      throw new SQLException("query cancelled", "57014");
    }
    Connection connection;
    try {
      connection = pool.getConnection();
    } catch (SQLException e) {
      throw new SourceSqlException(source, null, e);
    }
    return proxy(Connection.class, new ConnectionHandler(connection));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials are set in the source configuration");
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return (T) Proxy.newProxyInstance(TrackingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private final class ConnectionHandler implements InvocationHandler {
    private final Connection delegate;

    ConnectionHandler(Connection delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("unwrap") || name.equals("isWrapperFor")) {
        return TrackingDataSource.invoke(delegate, method, args);
      }
      if (name.equals("prepareStatement") && args != null && args[0] instanceof String sql) {
        args = args.clone();
        args[0] = dialect.beforeExecution(delegate, sql);
      }
      Object result = TrackingDataSource.invoke(delegate, method, args);
      if (result instanceof PreparedStatement ps) {
        ps.setFetchSize(fetchSize);
        return proxy(PreparedStatement.class, new StatementHandler(ps, (String) args[0]));
      }
      if (result instanceof Statement s && name.equals("createStatement")) {
        s.setFetchSize(fetchSize);
        return proxy(Statement.class, new StatementHandler(s, null));
      }
      return result;
    }
  }

  private final class StatementHandler implements InvocationHandler {
    private final Statement delegate;
    private final String preparedSql;
    private QueryContext.Cancellable registration;
    private QueryContext context;
    /** The SQL last executed, for a result fetched later with {@code getResultSet()}. */
    private String lastSql;

    StatementHandler(Statement delegate, String preparedSql) {
      this.delegate = delegate;
      this.preparedSql = preparedSql;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (preparedSql != null && (name.equals("setInt") || name.equals("setLong")) && args.length == 2) {
        if (setTemporal((Integer) args[0], ((Number) args[1]).longValue())) {
          return null;
        }
      }
      if (name.startsWith("execute")) {
        String sql = preparedSql;
        if (args != null && args.length > 0 && args[0] instanceof String given) {
          args = args.clone();
          args[0] = sql = dialect.beforeExecution(delegate.getConnection(), given);
        }
        lastSql = sql;
        listener.querySent(source, sql);
        register();
        try {
          return wrapResult(TrackingDataSource.invoke(delegate, method, args), sql);
        } catch (SQLException e) {
          throw new SourceSqlException(source, sql, e);
        }
      }
      if (name.equals("getResultSet")) {
        return wrapResult(TrackingDataSource.invoke(delegate, method, args), lastSql != null ? lastSql : preparedSql);
      }
      if (name.equals("close")) {
        if (context != null) {
          context.unregister(registration);
        }
      }
      return TrackingDataSource.invoke(delegate, method, args);
    }

    /**
     * Calcite's JDBC adapter binds DATE, TIME and TIMESTAMP parameters in its internal form (days, milliseconds of
     * the day, milliseconds since the epoch as a wall clock), which a source rejects ({@code date = integer}). When
     * the source says the parameter is temporal, bind the value it stands for instead.
     */
    private boolean setTemporal(int index, long value) throws SQLException {
      int type = parameterTypes.apply(preparedSql, (PreparedStatement) delegate, index);
      PreparedStatement ps = (PreparedStatement) delegate;
      switch (type) {
        case java.sql.Types.DATE:
          ps.setDate(index, java.sql.Date.valueOf(LocalDate.ofEpochDay(value)));
          return true;
        case java.sql.Types.TIMESTAMP:
        case java.sql.Types.TIMESTAMP_WITH_TIMEZONE:
          ps.setTimestamp(index, Timestamp.valueOf(LocalDateTime.ofEpochSecond(Math.floorDiv(value, 1000),
              (int) Math.floorMod(value, 1000) * 1_000_000, ZoneOffset.UTC)));
          return true;
        case java.sql.Types.TIME:
        case java.sql.Types.TIME_WITH_TIMEZONE:
          ps.setTime(index, java.sql.Time.valueOf(java.time.LocalTime.ofNanoOfDay(value * 1_000_000)));
          return true;
        default:
          return false;
      }
    }

    private void register() {
      QueryContext current = QueryContext.current();
      if (current != null && context == null) {
        context = current;
        registration = delegate::cancel;
        current.register(registration);
      }
    }

    private Object wrapResult(Object result, String sql) {
      if (result instanceof ResultSet rs) {
        return proxy(ResultSet.class, new ResultSetHandler(rs, sql));
      }
      return result;
    }
  }

  /**
   * Reads timestamps independently of the JVM's time zone, and names the source when fetching more rows fails (a
   * streamed result fails while it is read, not when it is opened).
   */
  private final class ResultSetHandler implements InvocationHandler {
    private final ResultSet delegate;
    private final String sql;
    private boolean[] instantColumns;
    private long rows;
    private boolean reported;

    ResultSetHandler(ResultSet delegate, String sql) {
      this.delegate = delegate;
      this.sql = sql;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      // The getters Calcite calls for every value, called directly: through reflection they cost as much as the
      // source's own decoding (a tenth of a lake query's time on SSB at SF1).
      if (args != null && args.length == 1 && args[0] instanceof Integer column) {
        switch (method.getName()) {
          case "getInt":
            return delegate.getInt(column);
          case "getLong":
            return delegate.getLong(column);
          case "getString":
            return delegate.getString(column);
          case "getDouble":
            return delegate.getDouble(column);
          case "getBigDecimal":
            return delegate.getBigDecimal(column);
          case "getBoolean":
            return delegate.getBoolean(column);
          case "getShort":
            return delegate.getShort(column);
          case "getFloat":
            return delegate.getFloat(column);
          default:
            break;
        }
      } else if (args == null && method.getName().equals("wasNull")) {
        return delegate.wasNull();
      }
      if (method.getName().equals("getTimestamp") && args != null && args.length == 1
          && args[0] instanceof Integer column) {
        return timestamp(column);
      }
      if (method.getName().equals("getDate") && args != null && args.length == 1
          && args[0] instanceof Integer column) {
        // Through LocalDate: a date whose midnight does not exist in the JVM's zone would otherwise move a day.
        LocalDate value = delegate.getObject(column, LocalDate.class);
        return value == null ? null : java.sql.Date.valueOf(value);
      }
      if (method.getName().equals("getTime") && args != null && args.length == 1
          && args[0] instanceof Integer column) {
        // Through LocalTime where the driver gives one: drivers differ in whether java.sql.Time keeps milliseconds.
        Object value = delegate.getObject(column);
        java.time.LocalTime time = value instanceof java.time.LocalTime t ? t : null;
        if (time == null && value != null) {
          try {
            time = java.time.LocalTime.parse(delegate.getString(column));
          } catch (java.time.format.DateTimeParseException e) {
            return delegate.getTime(column);
          }
        }
        return time == null ? null : new java.sql.Time(Timestamp.valueOf(LocalDate.EPOCH.atTime(time)).getTime());
      }
      if (method.getName().equals("getObject") && args != null && args.length == 1) {
        Object value = TrackingDataSource.invoke(delegate, method, args);
        // Some drivers (DuckDB) return binary values as Blobs; Calcite reads VARBINARY as bytes.
        return value instanceof java.sql.Blob blob ? blob.getBytes(1, (int) blob.length()) : value;
      }
      if (method.getName().equals("next")) {
        try {
          boolean more = delegate.next();
          if (more) {
            rows++;
          }
          return more;
        } catch (SQLException e) {
          throw new SourceSqlException(source, sql, e);
        }
      }
      if (method.getName().equals("close") && !reported) {
        reported = true;
        listener.rowsReturned(source, sql, rows);
      }
      return TrackingDataSource.invoke(delegate, method, args);
    }

    /**
     * Calcite turns a {@link Timestamp} into its internal wall-clock value through the JVM's zone, so the value handed
     * over must show, in that zone, the wall clock we mean: the stored value for TIMESTAMP, and the UTC wall clock for
     * TIMESTAMP WITH TIME ZONE. {@link Timestamp#valueOf(LocalDateTime)} gives exactly that.
     */
    private Timestamp timestamp(int column) throws SQLException {
      if (instantColumns == null) {
        ResultSetMetaData md = delegate.getMetaData();
        instantColumns = new boolean[md.getColumnCount() + 1];
        for (int i = 1; i <= md.getColumnCount(); i++) {
          instantColumns[i] = dialect.isInstantType(md.getColumnTypeName(i));
        }
      }
      if (instantColumns[column]) {
        OffsetDateTime value = delegate.getObject(column, OffsetDateTime.class);
        return value == null ? null : Timestamp.valueOf(value.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
      }
      LocalDateTime value = delegate.getObject(column, LocalDateTime.class);
      return value == null ? null : Timestamp.valueOf(value);
    }
  }

  /**
   * The JDBC types of a statement's parameters as the source describes them, remembered per SQL text (a bounded
   * LRU) so a repeated statement does not ask again.
   */
  private static final class ParameterTypes {
    private static final int CAPACITY = 1000;
    private final java.util.Map<String, int[]> bySql = java.util.Collections.synchronizedMap(
        new java.util.LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(java.util.Map.Entry<String, int[]> eldest) {
            return size() > CAPACITY;
          }
        });

    int apply(String sql, PreparedStatement ps, int index) {
      int[] types = bySql.get(sql);
      if (types == null) {
        try {
          java.sql.ParameterMetaData md = ps.getParameterMetaData();
          types = new int[md.getParameterCount() + 1];
          for (int i = 1; i < types.length; i++) {
            types[i] = md.getParameterType(i);
          }
        } catch (SQLException e) {
          types = new int[0]; // The source cannot say; bind values as given.
        }
        bySql.put(sql, types);
      }
      return index < types.length ? types[index] : java.sql.Types.OTHER;
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return pool.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || pool.isWrapperFor(iface);
  }
}
