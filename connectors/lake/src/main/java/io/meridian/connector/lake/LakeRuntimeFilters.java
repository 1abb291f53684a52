package io.meridian.connector.lake;

import static io.meridian.connector.lake.LakeTypes.literal;
import static io.meridian.connector.lake.LakeTypes.quote;

import io.meridian.spi.QueryContext;
import io.meridian.spi.RuntimeFilter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Runtime filters ({@link RuntimeFilter}) on lake scans, as the lake applies them when a query runs:
 * <ul>
 *   <li>Iceberg plans the scan's files with the range of the keys as well (a date dimension's keys prune
 *       partitions);</li>
 *   <li>DuckDB filters the rows: each marker becomes {@code column BETWEEN min AND max AND column IN (SELECT k FROM
 *       keys)}, the keys loaded into a temporary table of the query's connection with DuckDB's appender (the range
 *       lets DuckDB skip row groups by their statistics; the semi-join is exact). With more keys than the planner's
 *       limit, only the range; with no keys, {@code FALSE}; with none published, {@code TRUE}.</li>
 * </ul>
 */
final class LakeRuntimeFilters {
  private LakeRuntimeFilters() {}

  /** The runtime filters on a scan's columns in a filter directly on the scan: the column's name, by id. */
  static Map<Integer, String> onScan(RexNode condition, RelDataType scanRowType) {
    Map<Integer, String> filters = new HashMap<>();
    RuntimeFilter.markersIn(condition).forEach((id, column) -> {
      if (column instanceof RexInputRef ref) {
        filters.put(id, scanRowType.getFieldNames().get(ref.getIndex()));
      }
    });
    return filters;
  }


  /** The filter Iceberg plans a scan with: its own, narrowed by the range of each runtime filter with values. */
  static Expression planningFilter(LakeScanSpec spec, Schema schema) {
    QueryContext context = QueryContext.current();
    Expression filter = spec.filter();
    if (context == null) {
      return filter;
    }
    for (Map.Entry<Integer, String> runtime : spec.runtimeFilters().entrySet()) {
      RuntimeFilter values = context.runtimeFilter(runtime.getKey());
      Types.NestedField field = schema.findField(runtime.getValue());
      if (values == null || field == null || !rangeApplies(values, field.type())) {
        continue;
      }
      filter = values.empty() ? Expressions.alwaysFalse() : Expressions.and(filter,
          Expressions.and(Expressions.greaterThanOrEqual(field.name(), icebergValue(values, values.min())),
              Expressions.lessThanOrEqual(field.name(), icebergValue(values, values.max()))));
    }
    return filter;
  }

  /** Whether the key type compares in Iceberg exactly as in SQL for this column type. */
  private static boolean rangeApplies(RuntimeFilter values, Type type) {
    return switch (values.type()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT -> type.typeId() == Type.TypeID.INTEGER
          || type.typeId() == Type.TypeID.LONG;
      case VARCHAR -> type.typeId() == Type.TypeID.STRING;
      case DATE -> type.typeId() == Type.TypeID.DATE;
      default -> false;
    };
  }

  /** Iceberg's literal for a key value: integers as longs, dates as their day number, strings as themselves. */
  private static Object icebergValue(RuntimeFilter values, Object value) {
    return switch (values.type()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT -> ((Number) value).longValue();
      case DATE -> ((Number) value).intValue();
      default -> value;
    };
  }

  /**
   * Replaces each runtime-filter marker in {@code sql} by its filter, loading keys into temporary tables of
   * {@code connection} (the one the query then runs on).
   */
  static String resolve(Connection connection, String sql) throws SQLException {
    Map<Integer, String> loaded = new HashMap<>();
    String resolved = RuntimeFilter.resolve(sql, (id, column, values) -> {
      if (values == null) {
        return "TRUE";
      }
      if (values.empty()) {
        return "FALSE";
      }
      String range = column + " BETWEEN " + sqlValue(values, values.min()) + " AND " + sqlValue(values, values.max());
      if (values.values() == null) {
        return "(" + range + ")";
      }
      String table = loaded.get(id);
      if (table == null) {
        table = load(connection, values);
        loaded.put(id, table);
      }
      return "(" + range + " AND " + column + " IN (SELECT k FROM " + quote(table) + "))";
    });
    keepJoinSides(connection, resolved != sql); // the same string when the query has no marker
    return resolved;
  }


  /** DuckDB connections whose optimizer keeps written join sides (see {@link #keepJoinSides}). */
  private static final Map<DuckDBConnection, Boolean> KEEPING_SIDES =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  /**
   * Whether DuckDB may swap the sides of the query's joins. With runtime filters it may not: DuckDB has no row
   * estimate for a {@code read_parquet} with a field-id schema, and its {@code build_side_probe_side} optimizer then
   * builds the semi-join's hash table from the whole lake scan and probes it with the few keys (on SSB Q2.2 at SF1,
   * 1.7 s against 0.45 s). As written, the keys are the build side. Other queries keep DuckDB's own choice (a lake
   * query may join lake tables).
   */
  private static void keepJoinSides(Connection connection, boolean keep) throws SQLException {
    DuckDBConnection duckDb = connection.unwrap(DuckDBConnection.class);
    if (KEEPING_SIDES.getOrDefault(duckDb, Boolean.FALSE) == keep) {
      return;
    }
    try (Statement s = connection.createStatement()) {
      s.execute(keep ? "SET disabled_optimizers = 'build_side_probe_side'" : "RESET disabled_optimizers");
    }
    KEEPING_SIDES.put(duckDb, keep);
  }

  /** Loads a filter's keys into a temporary table of the connection; returns its name. */
  private static String load(Connection connection, RuntimeFilter values) throws SQLException {
    String table = "meridian_runtime_filter_" + values.id();
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE OR REPLACE TEMP TABLE " + quote(table) + " (k " + duckDbType(values) + ")");
    }
    try (DuckDBAppender appender = connection.unwrap(DuckDBConnection.class).createAppender("temp", "main", table)) {
      for (Object key : values.values()) {
        appender.beginRow();
        switch (values.type()) {
          case TINYINT, SMALLINT, INTEGER -> appender.append(((Number) key).intValue());
          case BIGINT -> appender.append(((Number) key).longValue());
          case DATE -> appender.append(LocalDate.ofEpochDay(((Number) key).longValue()));
          default -> appender.append(key.toString());
        }
        appender.endRow();
      }
    }
    return table;
  }

  private static String duckDbType(RuntimeFilter values) {
    return switch (values.type()) {
      case TINYINT, SMALLINT, INTEGER -> "INTEGER";
      case BIGINT -> "BIGINT";
      case DATE -> "DATE";
      default -> "VARCHAR";
    };
  }

  private static String sqlValue(RuntimeFilter values, Object value) {
    return switch (values.type()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT -> value.toString();
      case DATE -> "DATE " + literal(LocalDate.ofEpochDay(((Number) value).longValue()).toString());
      default -> literal(value.toString());
    };
  }
}
