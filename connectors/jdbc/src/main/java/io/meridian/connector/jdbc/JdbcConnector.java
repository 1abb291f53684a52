package io.meridian.connector.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.meridian.spi.Capability;
import io.meridian.spi.Connector;
import io.meridian.spi.DataVersion;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.spi.SourceKind;
import io.meridian.spi.SourceQueryListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.jdbc.SourceJdbcSchema;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.util.BuiltInMethod;

/**
 * The generic JDBC connector: a HikariCP pool, Calcite's JDBC adapter for pushdown, and the source's
 * {@link JdbcDialectSupport} for everything that differs between warehouses. Dialect modules (PostgreSQL, ...) are
 * thin entry points that pick the dialect and call this.
 *
 * <p>The pool starts lazily ({@code initializationFailTimeout = -1}) so a source that is down does not stop Meridian
 * from starting; queries that need it fail within the pool's connection timeout with an error naming the source.
 */
public class JdbcConnector implements Connector {
  private final SourceKind kind;
  private final JdbcSourceSettings settings;
  private final JdbcDialectSupport dialect;
  private final HikariDataSource pool;
  private final Schema schema;

  /** Makes the Calcite schema of a source from its pieces; the default discovers tables through JDBC metadata. */
  @FunctionalInterface
  public interface SchemaFactory {
    Schema create(JdbcSourceSettings settings, DataSource dataSource, SourceJdbcConvention convention,
        Function<SQLException, RuntimeException> failure);
  }

  public JdbcConnector(SourceKind kind, JdbcSourceSettings settings, JdbcDialectSupport dialect,
      SourceQueryListener listener) {
    this(kind, settings, dialect, listener, (s, dataSource, convention, failure) -> new SourceJdbcSchema(s.name(),
        dataSource, dialect.sqlDialect(), convention, s.schema(), dialect::columnType, dialect::rowCount, failure));
  }

  public JdbcConnector(SourceKind kind, JdbcSourceSettings settings, JdbcDialectSupport dialect,
      SourceQueryListener listener, SchemaFactory schemaFactory) {
    this.kind = requireNonNull(kind, "kind is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.dialect = requireNonNull(dialect, "dialect is null");
    this.pool = new HikariDataSource(poolConfig(settings, dialect));
    TrackingDataSource dataSource =
        new TrackingDataSource(settings.name(), pool, settings.fetchSize(), dialect, listener);
    SourceJdbcConvention convention =
        new SourceJdbcConvention(dialect, schemaExpression(settings.name()), settings.name());
    this.schema = schemaFactory.create(settings, dataSource, convention, this::failure);
  }

  private static HikariConfig poolConfig(JdbcSourceSettings settings, JdbcDialectSupport dialect) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(settings.name());
    config.setJdbcUrl(settings.url());
    config.setUsername(settings.user());
    config.setPassword(settings.password());
    config.setMaximumPoolSize(settings.poolMaxSize());
    config.setMinimumIdle(0);
    config.setConnectionTimeout(settings.connectionTimeout().toMillis());
    config.setValidationTimeout(Math.min(settings.connectionTimeout().toMillis(), 5_000));
    config.setIdleTimeout(settings.idleTimeout().toMillis());
    config.setMaxLifetime(settings.maxLifetime().toMillis());
    config.setInitializationFailTimeout(-1);
    // Meridian only reads; a read-only session protects the warehouse from anything that slips through.
    config.setReadOnly(true);
    settings.properties().forEach(config::addDataSourceProperty);
    dialect.configureStreaming(config, settings.fetchSize());
    dialect.configurePool(config);
    return config;
  }

  /** {@code root.getRootSchema().getSubSchema(name)}: how generated code finds this source's schema at run time. */
  private static Expression schemaExpression(String name) {
    return Expressions.call(
        Expressions.call(DataContext.ROOT, BuiltInMethod.DATA_CONTEXT_GET_ROOT_SCHEMA.method),
        BuiltInMethod.SCHEMA_GET_SUB_SCHEMA.method,
        Expressions.constant(name));
  }

  private RuntimeException failure(SQLException e) {
    SQLException cause = e instanceof SourceSqlException s ? (SQLException) s.getCause() : e;
    return classify(settings.name(), null, cause);
  }

  /**
   * Classifies a source failure by its SQLSTATE class, as HikariCP does: class 08 (and pool time-outs) means the
   * source cannot be reached; 57014 a cancelled statement; everything else a failed query.
   */
  public static MeridianException classify(String source, String query, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    ErrorCode code;
    if (state.startsWith("08") || e instanceof java.sql.SQLTransientConnectionException || state.startsWith("28")
        || state.startsWith("53")) {
      code = ErrorCode.SOURCE_UNAVAILABLE;
    } else if (state.equals("57014")) {
      code = ErrorCode.QUERY_CANCELLED;
    } else if (state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
      code = ErrorCode.SOURCE_CONNECTION_LOST;
    } else {
      code = ErrorCode.SOURCE_QUERY_FAILED;
    }
    String message = "source '" + source + "' " + (query == null && code == ErrorCode.SOURCE_UNAVAILABLE
        ? "is unavailable: " : "failed: ") + e.getMessage();
    // Data exceptions (class 22, such as division by zero) and constraint violations (23) keep the source's SQLSTATE:
    // they are precise, standard, and what the caller can act on.
    String precise = code == ErrorCode.SOURCE_QUERY_FAILED && (state.startsWith("22") || state.startsWith("23"))
        ? state : null;
    return new MeridianException(code, precise, message, source, query, e);
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public SourceKind kind() {
    return kind;
  }

  @Override
  public Set<Capability> capabilities() {
    return dialect.capabilities();
  }

  @Override
  public Schema schema() {
    return schema;
  }

  public JdbcDialectSupport dialect() {
    return dialect;
  }

  /**
   * The whole source's version: what its {@link JdbcFreshness} says (a version query's result, a time-to-live), or
   * unknown, so that nothing derived from it is ever reused.
   */
  @Override
  public DataVersion dataVersion() {
    return dataVersion(Set.of());
  }

  /**
   * The version of some tables' data: the schema's own (Iceberg snapshots, see {@link VersionedSchema}) when it has
   * one, else the source's {@link JdbcFreshness}.
   */
  @Override
  public DataVersion dataVersion(Set<String> tables) {
    Instant now = Instant.now();
    JdbcFreshness freshness = settings.freshness();
    if (schema instanceof VersionedSchema versioned && !tables.isEmpty()) {
      return versioned.version(tables)
          .map(v -> new DataVersion(name(), v, now))
          .orElseGet(() -> DataVersion.unknown(name(), now));
    }
    if (freshness.versionQuery() != null) {
      String query = freshness.versionQuery();
      if (!query.contains(JdbcFreshness.TABLE_PLACEHOLDER)) {
        return new DataVersion(name(), runVersionQuery(query), now);
      }
      if (tables.isEmpty()) {
        return DataVersion.unknown(name(), now); // a per-table query cannot version the whole source
      }
      StringBuilder version = new StringBuilder();
      for (String table : new java.util.TreeSet<>(tables)) {
        version.append(version.length() == 0 ? "" : ",").append(table).append('=')
            .append(runVersionQuery(query.replace(JdbcFreshness.TABLE_PLACEHOLDER, table.replace("'", "''"))));
      }
      return new DataVersion(name(), version.toString(), now);
    }
    if (freshness.ttl() != null) {
      return DataVersion.timeToLive(name(), freshness.ttl(), now);
    }
    return DataVersion.unknown(name(), now);
  }

  /** The first row of the version query as text ({@code null} values included), so any change shows. */
  private String runVersionQuery(String sql) {
    try (Connection c = pool.getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        return "no rows";
      }
      StringBuilder version = new StringBuilder();
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        version.append(i > 1 ? "|" : "").append(rs.getString(i));
      }
      return version.toString();
    } catch (SQLException e) {
      throw classify(name(), sql, e);
    }
  }

  /** A column of a query's result, as the source describes it. */
  public record ColumnDescription(String name, int jdbcType, boolean nullable) {}

  /** The columns {@code sql} returns when run on this source, read from the source without running the query. */
  public List<ColumnDescription> describeQuery(String sql) {
    try (Connection c = pool.getConnection();
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT * FROM (" + sql + ") AS q WHERE 1 = 0")) {
      java.sql.ResultSetMetaData md = ps.getMetaData();
      if (md == null) {
        try (java.sql.ResultSet rs = ps.executeQuery()) {
          md = rs.getMetaData();
          return describe(md);
        }
      }
      return describe(md);
    } catch (SQLException e) {
      throw classify(name(), sql, e);
    }
  }

  private static List<ColumnDescription> describe(java.sql.ResultSetMetaData md) throws SQLException {
    List<ColumnDescription> columns = new java.util.ArrayList<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      columns.add(new ColumnDescription(md.getColumnLabel(i), md.getColumnType(i),
          md.isNullable(i) != java.sql.ResultSetMetaData.columnNoNulls));
    }
    return columns;
  }

  @Override
  public void checkHealth() {
    try (Connection c = pool.getConnection()) {
      if (!c.isValid((int) Math.max(1, settings.connectionTimeout().toSeconds()))) {
        throw new MeridianException(ErrorCode.SOURCE_UNAVAILABLE, "source '" + name() + "' did not answer",
            name(), null, null);
      }
    } catch (SQLException e) {
      throw classify(name(), null, e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
