package io.meridian.connector.postgresql;

import com.zaxxer.hikari.HikariConfig;
import io.meridian.connector.jdbc.JdbcDialectSupport;
import io.meridian.spi.MeridianTypeSystem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * PostgreSQL: Calcite's PostgreSQL dialect, cursor-based streaming, type mapping by PostgreSQL type name, and row
 * estimates from {@code pg_class}.
 *
 * <p>Type mapping: {@code numeric(p,s)} to {@code DECIMAL(p,s)}, unconstrained {@code numeric} to
 * {@code DECIMAL(38,10)} (values keep their own scale when read; arithmetic in Meridian uses the declared type);
 * {@code timestamp} to {@code TIMESTAMP(3)} (wall clock as stored); {@code timestamptz} to {@code TIMESTAMP(3)}
 * holding the instant's UTC wall clock; {@code uuid}, {@code json}, {@code jsonb}, {@code text} to {@code VARCHAR};
 * arrays to {@code ARRAY}. Calcite's runtime carries timestamps to the millisecond, so microseconds are truncated.
 */
public final class PostgreSqlDialectSupport implements JdbcDialectSupport {
  public static final PostgreSqlDialectSupport INSTANCE = new PostgreSqlDialectSupport();

  private static final int UNCONSTRAINED_NUMERIC_SCALE = 10;

  private PostgreSqlDialectSupport() {}

  /**
   * Calcite's PostgreSQL dialect, with window functions kept in Meridian: Calcite's calc phase splits a pushed-down
   * project holding {@code OVER} into a window node in the JDBC convention that cannot be implemented (an
   * internal planning error); windows mostly run over small aggregated results, so little is lost.
   */
  private static final SqlDialect DIALECT = new PostgresqlSqlDialect(PostgresqlSqlDialect.DEFAULT_CONTEXT) {
    @Override
    public boolean supportsWindowFunctions() {
      return false;
    }
  };

  @Override
  public SqlDialect sqlDialect() {
    return DIALECT;
  }

  /** PostgreSQL runs a FULL JOIN only on plain equalities (merge- or hash-joinable conditions). */
  @Override
  public boolean canPushJoin(JoinRelType type, RexNode condition) {
    if (type != JoinRelType.FULL) {
      return true;
    }
    return RelOptUtil.conjunctions(condition).stream().allMatch(c -> c.getKind() == SqlKind.EQUALS);
  }

  /**
   * PgJDBC streams with a cursor only when a fetch size is set and autocommit is off; otherwise it reads the whole
   * result into memory before returning the first row.
   */
  @Override
  public void configureStreaming(HikariConfig pool, int fetchSize) {
    pool.setAutoCommit(false);
    // Time grains (date_trunc) and timestamptz values must not depend on the JVM's zone, which PgJDBC would
    // otherwise give the session; UTC matches how timestamptz values are presented.
    pool.setConnectionInitSql("SET TIME ZONE 'UTC'");
    // With autocommit off, HikariCP commits the init statement only when internal queries are isolated; otherwise
    // the SET belongs to the first query's transaction and is undone when that transaction rolls back.
    pool.setIsolateInternalQueries(true);
    pool.addDataSourceProperty("defaultRowFetchSize", String.valueOf(fetchSize));
    pool.addDataSourceProperty("ApplicationName", "meridian");
  }

  @Override
  public boolean isInstantType(String typeName) {
    return "timestamptz".equalsIgnoreCase(typeName);
  }

  @Override
  public RelDataType columnType(RelDataTypeFactory f, int jdbcType, String typeName, int size, int digits) {
    String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    if (jdbcType == Types.ARRAY && name.startsWith("_")) {
      RelDataType element = columnType(f, Types.OTHER, name.substring(1), 0, 0);
      return element == null ? null : f.createArrayType(f.createTypeWithNullability(element, true), -1);
    }
    switch (name) {
      case "bool":
        return f.createSqlType(SqlTypeName.BOOLEAN);
      case "int2":
      case "smallserial":
        return f.createSqlType(SqlTypeName.SMALLINT);
      case "int4":
      case "serial":
        return f.createSqlType(SqlTypeName.INTEGER);
      case "int8":
      case "bigserial":
        return f.createSqlType(SqlTypeName.BIGINT);
      case "float4":
        return f.createSqlType(SqlTypeName.REAL);
      case "float8":
        return f.createSqlType(SqlTypeName.DOUBLE);
      case "numeric":
        if (size <= 0 || size > MeridianTypeSystem.MAX_DECIMAL_PRECISION) {
          return f.createSqlType(SqlTypeName.DECIMAL, MeridianTypeSystem.MAX_DECIMAL_PRECISION,
              UNCONSTRAINED_NUMERIC_SCALE);
        }
        return f.createSqlType(SqlTypeName.DECIMAL, size, Math.max(digits, 0));
      case "money":
        return f.createSqlType(SqlTypeName.DECIMAL, 19, 2);
      case "text":
      case "json":
      case "jsonb":
      case "xml":
      case "name":
      case "citext":
        return f.createSqlType(SqlTypeName.VARCHAR);
      case "uuid":
        return f.createSqlType(SqlTypeName.VARCHAR, 36);
      case "varchar":
        return size > 0 && size < Integer.MAX_VALUE
            ? f.createSqlType(SqlTypeName.VARCHAR, size) : f.createSqlType(SqlTypeName.VARCHAR);
      case "bpchar":
        return f.createSqlType(SqlTypeName.CHAR, size > 0 && size < Integer.MAX_VALUE ? size : 1);
      case "date":
        return f.createSqlType(SqlTypeName.DATE);
      case "time":
      case "timetz":
        return f.createSqlType(SqlTypeName.TIME, 3);
      case "timestamp":
      case "timestamptz":
        return f.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case "bytea":
        return f.createSqlType(SqlTypeName.VARBINARY);
      default:
        return null;
    }
  }

  @Override
  public OptionalLong rowCount(Connection connection, String schema, String table) throws SQLException {
    String sql = "SELECT c.reltuples::bigint, c.relkind FROM pg_catalog.pg_class c "
        + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && "r".equals(rs.getString(2)) && rs.getLong(1) >= 0) {
          // reltuples is -1 for a table never analyzed (PostgreSQL 14+); 0 may mean "not yet analyzed" too.
          return rs.getLong(1) == 0 ? OptionalLong.empty() : OptionalLong.of(rs.getLong(1));
        }
      }
    }
    return OptionalLong.empty();
  }
}
