package io.meridian.connector.lake;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.adapter.jdbc.LakeJdbcTable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/**
 * One lake table as SQL sees it: columns from the Iceberg schema (or the Parquet folder's), a row-count estimate from
 * the snapshot summary, and a name that carries the whole scan ({@link LakeScanSpec}) into the generated SQL.
 */
final class LakeTable extends LakeJdbcTable {
  private final LakeCatalog catalog;
  private final LakeScans scans;
  private final LakeScanSpec spec;

  LakeTable(JdbcSchema schema, LakeCatalog catalog, LakeScans scans, LakeScanSpec spec) {
    super(schema, spec.table());
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.scans = requireNonNull(scans, "scans is null");
    this.spec = requireNonNull(spec, "spec is null");
  }

  LakeScanSpec spec() {
    return spec;
  }

  /** The same table, planned with {@code filter}. */
  LakeTable withFilter(org.apache.iceberg.expressions.Expression filter) {
    return new LakeTable(jdbcSchema, catalog, scans, spec.withFilter(filter));
  }

  /** The same table, with runtime filters (by id, on the named columns) narrowing its planning at execution. */
  LakeTable withRuntimeFilters(java.util.Map<Integer, String> runtimeFilters) {
    return runtimeFilters.isEmpty() ? this
        : new LakeTable(jdbcSchema, catalog, scans, spec.withRuntimeFilters(runtimeFilters));
  }

  @Override
  public SqlIdentifier tableName() {
    return new SqlIdentifier(List.of(LakeScanSpec.MARKER, spec.encode()), SqlParserPos.ZERO);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    Optional<Table> iceberg = catalog.icebergTable(spec.table());
    RelDataTypeFactory.Builder fields = typeFactory.builder();
    if (iceberg.isPresent()) {
      for (Types.NestedField field : schema(iceberg.get()).columns()) {
        fields.add(field.name(), typeFactory.createTypeWithNullability(
            LakeTypes.sqlType(typeFactory, field.type()), field.isOptional()));
      }
      return fields.build();
    }
    for (LakeScans.Column column : scans.parquetColumns(spec.table())) {
      fields.add(column.name(), typeFactory.createTypeWithNullability(duckDbToSql(typeFactory, column.type()), true));
    }
    return fields.build();
  }

  /** The schema of the snapshot read: the pinned one's, or the current one. */
  private Schema schema(Table table) {
    return spec.snapshotId().map(id -> {
      Snapshot s = table.snapshot(id);
      if (s == null) {
        throw new MeridianException(ErrorCode.VALIDATION_ERROR, "table '" + spec.table() + "' of source '"
            + catalog.source() + "' has no snapshot " + id);
      }
      return s.schemaId() == null ? table.schema() : table.schemas().get(s.schemaId());
    }).orElse(table.schema());
  }

  @Override
  public Statistic getStatistic() {
    return catalog.icebergTable(spec.table())
        .map(Table::currentSnapshot)
        .map(s -> s.summary().get("total-records"))
        .map(r -> Statistics.of(Double.parseDouble(r), List.of()))
        .orElse(Statistics.UNKNOWN);
  }

  private static RelDataType duckDbToSql(RelDataTypeFactory f, String duckType) {
    String t = duckType.toUpperCase(Locale.ROOT);
    if (t.startsWith("DECIMAL(")) {
      String[] ps = t.substring(8, t.length() - 1).split(",");
      return f.createSqlType(SqlTypeName.DECIMAL, Integer.parseInt(ps[0].trim()), Integer.parseInt(ps[1].trim()));
    }
    return switch (t) {
      case "BOOLEAN" -> f.createSqlType(SqlTypeName.BOOLEAN);
      case "TINYINT", "SMALLINT" -> f.createSqlType(SqlTypeName.SMALLINT);
      case "INTEGER" -> f.createSqlType(SqlTypeName.INTEGER);
      case "BIGINT" -> f.createSqlType(SqlTypeName.BIGINT);
      case "FLOAT" -> f.createSqlType(SqlTypeName.REAL);
      case "DOUBLE" -> f.createSqlType(SqlTypeName.DOUBLE);
      case "DATE" -> f.createSqlType(SqlTypeName.DATE);
      case "TIME" -> f.createSqlType(SqlTypeName.TIME, 3);
      case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS" -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case "BLOB" -> f.createSqlType(SqlTypeName.VARBINARY);
      default -> f.createSqlType(SqlTypeName.VARCHAR);
    };
  }
}
