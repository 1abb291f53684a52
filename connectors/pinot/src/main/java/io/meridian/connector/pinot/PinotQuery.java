package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.spi.RuntimeFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * One query to Pinot as generated code runs it: sends the SQL, checks what Pinot says about the answer, and reads the
 * rows into Calcite's internal values. Immutable; cached plans share it.
 *
 * <p>Checks, in order: Pinot's in-band errors and unanswered servers ({@link PinotClient}); Pinot's
 * {@code numGroupsLimitReached} (groups cut per server: the groups and their aggregates would be incomplete); more rows
 * than the cap (the LIMIT sent is the cap plus one). A global aggregation over no rows reads SUM, MIN, MAX and AVG as
 * NULL, as SQL defines them (Pinot answers 0 and infinities). The query listener is told of the SQL before it is
 * sent and, once the answer is read, of the rows (or groups) Pinot returned.
 */
public final class PinotQuery {
  private final PinotRuntime runtime;
  private final String sql;
  private final List<RelDataType> types;
  private final List<String> names;
  private final boolean grouped;
  private final int cap;
  private final boolean checkCap;
  private final boolean[] nullWhenEmpty;
  /** The key type of each runtime filter the SQL carries, by id. */
  private final java.util.Map<Integer, SqlTypeName> runtimeFilters;

  PinotQuery(PinotRuntime runtime, String sql, List<RelDataType> types, List<String> names, boolean grouped, int cap,
      boolean checkCap, boolean[] nullWhenEmpty, java.util.Map<Integer, SqlTypeName> runtimeFilters) {
    this.runtime = requireNonNull(runtime, "runtime is null");
    this.sql = requireNonNull(sql, "sql is null");
    this.types = List.copyOf(types);
    this.names = List.copyOf(names);
    this.grouped = grouped;
    this.cap = cap;
    this.checkCap = checkCap;
    this.nullWhenEmpty = nullWhenEmpty == null ? null : nullWhenEmpty.clone();
    this.runtimeFilters = java.util.Map.copyOf(runtimeFilters);
  }

  /** The SQL sent to the broker. */
  public String sql() {
    return sql;
  }

  boolean grouped() {
    return grouped;
  }

  int cap() {
    return cap;
  }

  /**
   * The query's rows, {@code Object[]} or the single value when {@code scalar}. The query is sent when the rows are
   * first read, not when the plan is bound: by then the build sides of the joins above have published the runtime
   * filters the SQL may carry ({@link #withRuntimeFilters}).
   */
  public Enumerable<Object> execute(boolean scalar) {
    return new AbstractEnumerable<Object>() {
      @Override
      public Enumerator<Object> enumerator() {
        return run(scalar).enumerator();
      }
    };
  }

  /** Most keys sent to Pinot in an IN list; beyond it, their range (a long IN list costs Pinot more than it saves). */
  static final int MAX_IN_KEYS = 10_000;

  /**
   * The SQL with each runtime-filter marker replaced: by {@code column IN (keys)}; by {@code column BETWEEN min AND
   * max} beyond {@link #MAX_IN_KEYS}; by an empty range when the build side had no keys; and, when no values were
   * published, by a range every value is in (Pinot's filters have no TRUE, and its columns hold no NULLs).
   */
  static String withRuntimeFilters(String sql, java.util.Map<Integer, SqlTypeName> types) {
    return RuntimeFilter.<RuntimeException>resolve(sql, (id, column, values) -> {
      if (values == null) {
        return types.get(id) == SqlTypeName.VARCHAR ? "(" + column + " >= '')"
            : "(" + column + " BETWEEN " + Long.MIN_VALUE + " AND " + Long.MAX_VALUE + ")";
      }
      if (values.empty()) {
        return values.type() == SqlTypeName.VARCHAR ? "(" + column + " BETWEEN 'b' AND 'a')"
            : "(" + column + " BETWEEN 1 AND 0)";
      }
      if (values.values() != null && values.values().size() <= MAX_IN_KEYS) {
        return column + " IN (" + values.values().stream().map(v -> literal(values, v))
            .collect(Collectors.joining(", ")) + ")";
      }
      return "(" + column + " BETWEEN " + literal(values, values.min()) + " AND " + literal(values, values.max())
          + ")";
    });
  }


  private static String literal(RuntimeFilter values, Object value) {
    return values.type() == SqlTypeName.VARCHAR ? "'" + value.toString().replace("'", "''") + "'" : value.toString();
  }

  private Enumerable<Object> run(boolean scalar) {
    String sql = withRuntimeFilters(this.sql, runtimeFilters);
    runtime.listener().querySent(runtime.source(), sql);
    PinotResponse response = runtime.client().query(sql);
    runtime.recordStats(this.sql, response.stats()); // under the text EXPLAIN shows
    if (response.numGroupsLimitReached()) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "54000", "source '" + runtime.source()
          + "': Pinot reached its numGroupsLimit (groups were cut on a server), so the groups and their aggregates "
          + "would be incomplete; filter more, or raise the servers' pinot.server.query.executor.num.groups.limit",
          runtime.source(), sql, null);
    }
    JsonNode rows = response.rows();
    if (checkCap && rows.size() > cap) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "54000", "source '" + runtime.source()
          + "': the answer has more than " + cap + (grouped ? " groups (max-groups)" : " rows (max-rows)")
          + "; Meridian refuses a cut answer: add filters or a LIMIT, or raise the source's "
          + (grouped ? "max-groups" : "max-rows"), runtime.source(), sql, null);
    }
    if (response.partial().isPresent()) {
      runtime.listener().querySent(runtime.source(), "-- PARTIAL ANSWER accepted (partial-results: warn): "
          + response.partial().get() + "\n" + sql);
    }
    boolean empty = nullWhenEmpty != null && response.numDocsScanned() == 0;
    int[] positions = positions(response);
    List<Object> result = new ArrayList<>(rows.size());
    int width = types.size();
    for (JsonNode row : rows) {
      if (row.size() < width) {
        throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "source '" + runtime.source() + "': Pinot "
            + "returned " + row.size() + " columns, expected " + width, runtime.source(), sql, null);
      }
      Object[] values = new Object[width];
      for (int i = 0; i < width; i++) {
        values[i] = empty && nullWhenEmpty[i] ? null : read(row.get(positions[i]), i);
      }
      result.add(scalar ? values[0] : values);
    }
    // Pinot sends the whole answer at once: every row (or group) in it was returned to Meridian.
    runtime.listener().rowsReturned(runtime.source(), sql, result.size());
    return Linq4j.asEnumerable(result);
  }

  /**
   * Where each field is in Pinot's rows. For {@code SELECT *} (Calcite writes it for a whole table) Pinot orders the
   * columns its own way, so they are found by name; otherwise the select list fixes the order.
   */
  private int[] positions(PinotResponse response) {
    int[] positions = new int[types.size()];
    if (!sql.startsWith("SELECT *")) {
      for (int i = 0; i < positions.length; i++) {
        positions[i] = i;
      }
      return positions;
    }
    List<String> columns = new ArrayList<>();
    response.json().path("resultTable").path("dataSchema").path("columnNames").forEach(n -> columns.add(n.asText()));
    for (int i = 0; i < positions.length; i++) {
      positions[i] = columns.indexOf(names.get(i));
      if (positions[i] < 0) {
        throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "source '" + runtime.source() + "': Pinot's "
            + "answer has no column '" + names.get(i) + "' (it has " + columns + ")", runtime.source(), sql, null);
      }
    }
    return positions;
  }

  private Object read(JsonNode value, int field) {
    try {
      return PinotTypes.read(value, types.get(field), names.get(field));
    } catch (MeridianException e) {
      throw new MeridianException(e.errorCode(), e.sqlState(), "source '" + runtime.source() + "': "
          + e.getMessage(), runtime.source(), sql, e);
    } catch (RuntimeException e) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "source '" + runtime.source() + "': cannot read "
          + value + " as " + types.get(field) + " for column '" + names.get(field) + "'", runtime.source(), sql, e);
    }
  }
}
