package io.meridian.engine.rollup;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code meridian.rollups}: one row per declared rollup with its state, size, builds, hits and staleness, as this
 * engine sees them now.
 */
public final class RollupStatsTable extends AbstractTable implements ScannableTable {
  private final RollupManager rollups;

  public RollupStatsTable(RollupManager rollups) {
    this.rollups = requireNonNull(rollups, "rollups is null");
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    RelDataType text = f.createTypeWithNullability(f.createSqlType(SqlTypeName.VARCHAR), true);
    RelDataType number = f.createSqlType(SqlTypeName.BIGINT);
    return f.builder()
        .add("name", f.createSqlType(SqlTypeName.VARCHAR))
        .add("semantic_table", f.createSqlType(SqlTypeName.VARCHAR))
        .add("state", f.createSqlType(SqlTypeName.VARCHAR))
        .add("reason", text)
        .add("row_count", number)
        .add("in_memory", f.createSqlType(SqlTypeName.BOOLEAN))
        .add("built_at", f.createTypeWithNullability(f.createSqlType(SqlTypeName.TIMESTAMP, 3), true))
        .add("build_millis", number)
        .add("builds", number)
        .add("hits", number)
        .add("staleness_seconds", number)
        .add("source_versions", text)
        .add("covered_to", text)
        .add("last_error", text)
        .build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    List<Object[]> rows = new ArrayList<>();
    for (RollupStatus s : rollups.list()) {
      rows.add(new Object[] {s.name(), s.table(), s.state(), s.reason().orElse(null), s.rows(), s.inMemory(),
          s.builtAt().map(java.time.Instant::toEpochMilli).orElse(null), s.buildMillis(), s.builds(), s.hits(),
          s.stalenessSeconds(),
          s.sourceVersions().isEmpty() ? null : s.sourceVersions().entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")),
          s.coveredTo().orElse(null), s.lastError().orElse(null)});
    }
    return Linq4j.asEnumerable(rows);
  }
}
