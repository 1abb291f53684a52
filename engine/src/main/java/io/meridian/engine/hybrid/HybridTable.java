package io.meridian.engine.hybrid;

import static java.util.Objects.requireNonNull;

import io.meridian.connector.lake.LakeTimeBound;
import io.meridian.engine.config.HybridTableConfig;
import io.meridian.spi.Connector;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * One hybrid table. Each time a query using it is planned, it reads the history's current snapshot and its latest
 * time together ({@link LakeTimeBound}), derives the boundary B, and becomes
 * {@code SELECT cols FROM history@snapshot WHERE t < B UNION ALL SELECT cols FROM recent WHERE t >= B}: history
 * pinned to the snapshot the boundary came from, so commits during or after the query cannot open a gap or an
 * overlap. The planner pushes filters and partial aggregates into both branches (each source then computes its
 * part) and merges them; COUNT(DISTINCT) is computed from both sides' distinct values, so it stays exact.
 *
 * <p>Plans that read a hybrid table ({@link #plannedWithBoundary()}) are cached only under the history's version
 * ({@link #planVersion()}, in the plan cache's key): a plan kept past a commit to the history would keep an old
 * boundary and snapshot, still exact but blind to newer history, and eventually past Pinot's retention.
 *
 * <p>Boundary: with a {@code granularity} g, B is the latest time rounded down to g (the history's latest partition
 * may be partial, so it is read from the recent side); with none, B is just past the latest time. The time column may
 * be a TIMESTAMP (B to the millisecond), a DATE (B a day; a granularity in whole days) or an integer such as a
 * {@code yyyymmdd} date key or epoch seconds (B the largest value plus one; no granularity, since the unit is not
 * known). When the history holds no rows, every row is read from the recent side.
 */
public final class HybridTable extends AbstractTable implements TranslatableTable {
  private static final ThreadLocal<Boolean> PLANNED = new ThreadLocal<>();
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS", Locale.ROOT);

  private final HybridTableConfig config;
  private final Connector history;
  private final Connector recent;

  HybridTable(HybridTableConfig config, Connector history, Connector recent) {
    this.config = requireNonNull(config, "config is null");
    this.history = requireNonNull(history, "history is null");
    this.recent = requireNonNull(recent, "recent is null");
  }

  /** Clears the mark that a plan on this thread read a hybrid table; call before planning. */
  public static void resetPlanned() {
    PLANNED.remove();
  }

  /** Whether the plan made on this thread since {@link #resetPlanned()} read a hybrid table. */
  public static boolean plannedWithBoundary() {
    return Boolean.TRUE.equals(PLANNED.get());
  }

  private Table table(Connector source, String qualified) {
    String name = HybridTableConfig.tableOf(qualified);
    Table table = source.schema().tables().get(name);
    if (table == null) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "hybrid table '" + config.name() + "': source '"
          + source.name() + "' has no table '" + name + "'");
    }
    return table;
  }

  private List<String> columns(RelDataTypeFactory types) {
    if (!config.columns().isEmpty()) {
      return config.columns();
    }
    return table(history, config.history()).getRowType(types).getFieldNames();
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory types) {
    RelDataType historyRow = table(history, config.history()).getRowType(types);
    RelDataType recentRow = table(recent, config.recent()).getRowType(types);
    RelDataTypeFactory.Builder fields = types.builder();
    for (String column : columns(types)) {
      RelDataTypeField h = field(historyRow, column, history, config.history());
      RelDataTypeField r = field(recentRow, column, recent, config.recent());
      RelDataType type = types.leastRestrictive(List.of(h.getType(), r.getType()));
      if (type == null) {
        throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "hybrid table '" + config.name() + "': column '"
            + column + "' is " + h.getType() + " in " + config.history() + " but " + r.getType() + " in "
            + config.recent());
      }
      fields.add(column, type);
    }
    field(historyRow, config.timeColumn(), history, config.history());
    field(recentRow, config.timeColumn(), recent, config.recent());
    return fields.build();
  }

  private RelDataTypeField field(RelDataType row, String column, Connector source, String table) {
    RelDataTypeField f = row.getField(column, true, false);
    if (f == null) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "hybrid table '" + config.name() + "': "
          + table + " (source '" + source.name() + "') has no column '" + column + "'");
    }
    return f;
  }

  /**
   * The split this plan uses: the history snapshot ({@code -1} for none) and the boundary B in the time column's unit
   * ({@link LakeTimeBound.Kind}), read together now; no boundary when the history holds no rows (all rows are then
   * read from the recent side).
   */
  record Split(long snapshotId, LakeTimeBound.Kind kind, OptionalLong boundary) {
    Split {
      requireNonNull(kind, "kind is null");
      requireNonNull(boundary, "boundary is null");
    }

    /** B as a SQL literal of the time column's type. */
    String literal() {
      long b = boundary.orElseThrow();
      return switch (kind) {
        case TIMESTAMP -> "TIMESTAMP '" + TIMESTAMP.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(b),
            ZoneOffset.UTC)) + "'";
        case DATE -> "DATE '" + LocalDate.ofEpochDay(b) + "'";
        case INTEGER -> Long.toString(b);
      };
    }
  }

  /**
   * What a plan over this table depends on: the history table's current version (its Iceberg snapshot), from which
   * the boundary is derived. Two plannings under the same version plan the same split.
   */
  String planVersion() {
    String table = HybridTableConfig.tableOf(config.history());
    return history.name() + "." + table + "=" + history.dataVersion(java.util.Set.of(table)).version();
  }

  Split split() {
    LakeTimeBound bound = LakeTimeBound.read(history, HybridTableConfig.tableOf(config.history()),
        config.timeColumn());
    return split(bound, config);
  }

  /**
   * The boundary for a bound read from the history: the latest value rounded down to the granularity (timestamps;
   * dates in whole days), or just past it without one (an integer column has no granularity: its unit is unknown).
   */
  static Split split(LakeTimeBound bound, HybridTableConfig config) {
    long g = config.granularity().toMillis();
    long unit = switch (bound.kind()) {
      case TIMESTAMP -> 1;
      case DATE -> Duration.ofDays(1).toMillis();
      case INTEGER -> 0;
    };
    if (g != 0 && (unit == 0 || g % unit != 0)) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "hybrid table '" + config.name() + "': "
          + "granularity " + config.granularity() + " does not apply to time column '" + config.timeColumn() + "' ("
          + bound.kind().name().toLowerCase(Locale.ROOT) + "): " + (unit == 0 ? "an integer column takes none (the "
          + "history is then complete up to its largest value)" : "a date column takes whole days"));
    }
    long snapshot = bound.snapshotId().orElse(-1);
    if (bound.snapshotId().isEmpty() || bound.max().isEmpty()) {
      return new Split(snapshot, bound.kind(), OptionalLong.empty());
    }
    long max = bound.max().getAsLong();
    long step = unit == 0 ? 0 : g / unit;
    long b;
    try {
      b = step == 0 ? Math.addExact(max, 1) : Math.floorDiv(max, step) * step;
    } catch (ArithmeticException e) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "hybrid table '" + config.name() + "': the "
          + "history's largest '" + config.timeColumn() + "' is the type's largest value, so no boundary follows it",
          e);
    }
    return new Split(snapshot, bound.kind(), OptionalLong.of(b));
  }

  /** The SQL this table stands for under a split. */
  String sql(Split split, List<String> columns) {
    String select = String.join(", ", columns.stream().map(HybridTable::quote).toList());
    String t = quote(config.timeColumn());
    String historyTable = quote(history.name()) + "." + (split.snapshotId() < 0
        ? quote(HybridTableConfig.tableOf(config.history()))
        : quote(HybridTableConfig.tableOf(config.history()) + "@" + split.snapshotId()));
    String recentTable = quote(recent.name()) + "." + quote(HybridTableConfig.tableOf(config.recent()));
    if (split.boundary().isEmpty()) {
      // No history rows: everything comes from the recent side.
      return "SELECT " + select + " FROM " + historyTable + " WHERE FALSE\nUNION ALL\nSELECT " + select + " FROM "
          + recentTable;
    }
    String b = split.literal();
    return "SELECT " + select + " FROM " + historyTable + " WHERE " + t + " < " + b
        + "\nUNION ALL\nSELECT " + select + " FROM " + recentTable + " WHERE " + t + " >= " + b;
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    RelDataType rowType = relOptTable.getRowType();
    Split split = split();
    PLANNED.set(Boolean.TRUE);
    // Aggregations over the union go into both branches as partial aggregates, merged above (each source then
    // computes its part where its data is). Added for plans that read a hybrid table only.
    RelOptPlanner planner = context.getCluster().getPlanner();
    planner.addRule(CoreRules.AGGREGATE_UNION_TRANSPOSE);
    // COUNT(DISTINCT x) next to other aggregates: as a join of aggregates, so that each side sends its distinct
    // (group, x) pairs rather than its rows; the count over both sides' pairs stays exact.
    planner.addRule(CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES_TO_JOIN);
    List<String> path = new ArrayList<>(relOptTable.getQualifiedName());
    RelRoot root = context.expandView(rowType, sql(split, rowType.getFieldNames()), List.of(), path);
    RelNode rel = root.rel;
    if (!RelOptUtil.areRowTypesEqual(rel.getRowType(), rowType, false)) {
      rel = RelOptUtil.createCastRel(rel, rowType, true);
    }
    return rel;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
