package io.meridian.connector.jdbc;

import com.zaxxer.hikari.HikariConfig;
import io.meridian.spi.Capability;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlDialect;

/**
 * What one kind of JDBC warehouse can do and how to talk to it: the SQL dialect Calcite generates, the capabilities
 * rules may push down, driver settings for streaming, type mapping and table statistics. A new JDBC warehouse needs
 * only an implementation of this interface (see {@code PostgreSqlDialectSupport}).
 */
public interface JdbcDialectSupport {
  /** The dialect Calcite's JDBC adapter generates SQL in. */
  SqlDialect sqlDialect();

  /** Operations this warehouse runs itself. */
  default Set<Capability> capabilities() {
    return EnumSet.of(Capability.FILTER, Capability.PROJECT, Capability.AGGREGATE, Capability.SORT, Capability.LIMIT,
        Capability.JOIN, Capability.CANCEL);
  }

  /**
   * Adjusts the pool so that results stream from the source in batches of {@code fetchSize} rows instead of being
   * buffered whole. The default sets nothing; the connector still calls {@code setFetchSize} on every statement.
   */
  default void configureStreaming(HikariConfig pool, int fetchSize) {}

  /** Any other pool settings the source needs (the default pool is read-only, autocommit). */
  default void configurePool(HikariConfig pool) {}

  /**
   * Maps a column reported by {@link java.sql.DatabaseMetaData#getColumns}; returns null to use the generic
   * mapping.
   */
  default RelDataType columnType(RelDataTypeFactory typeFactory, int jdbcType, String typeName, int size,
      int digits) {
    return null;
  }

  /** Whether a column of this source type name holds an instant (a timestamp with time zone). */
  default boolean isInstantType(String typeName) {
    return false;
  }

  /** Whether the source can run a join of this type on this condition; otherwise it runs in Meridian. */
  default boolean canPushJoin(JoinRelType type, RexNode condition) {
    return true;
  }

  /**
   * Adjusts the source's part of a plan just before its SQL is generated, for sources whose tables need more than a
   * name (the lake encodes the scan's planning filter and snapshot into its table references). Default: unchanged.
   */
  default RelNode beforeSqlGeneration(RelNode sourcePlan) {
    return sourcePlan;
  }

  /**
   * Rewrites a query on the connection that will run it, just before it runs (the lake turns its table references
   * into reads of exactly the files Iceberg planned). Default: unchanged.
   */
  default String beforeExecution(Connection connection, String sql) throws SQLException {
    return sql;
  }

  /** Lines EXPLAIN adds under a query sent to this source (the lake: snapshot, files and partitions read). */
  default List<String> explain(String sql) {
    return List.of();
  }

  /** An estimate of a table's rows, for join ordering; empty when unknown. */
  default OptionalLong rowCount(Connection connection, String schema, String table) throws SQLException {
    return OptionalLong.empty();
  }
}
