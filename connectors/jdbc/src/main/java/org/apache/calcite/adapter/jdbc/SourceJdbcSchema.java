package org.apache.calcite.adapter.jdbc;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeImpl;
import io.meridian.spi.MeridianTypeSystem;
import org.apache.calcite.rel.type.RelProtoDataType;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.type.SqlTypeFactoryImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A {@link JdbcSchema} whose tables are discovered once (and again when an unknown name is asked for), whose column
 * types come from a per-source mapping, and whose tables report row-count estimates for join ordering.
 *
 * <p>Why this class lives in Calcite's package: {@link JdbcTable}'s constructor and the column-type hook
 * {@code JdbcSchema#getRelDataType} are package-private in Calcite 1.42, and re-implementing the JDBC adapter to
 * change them would copy far more code than this bridge. Keep it to those two hooks.
 */
public class SourceJdbcSchema extends JdbcSchema {
  /** Maps one column of {@code DatabaseMetaData.getColumns}; returns null to use Calcite's generic mapping. */
  @FunctionalInterface
  public interface ColumnTypeMapper {
    @Nullable RelDataType map(RelDataTypeFactory typeFactory, int jdbcType, String typeName, int size, int digits);
  }

  /** Estimates a table's row count; empty when unknown. */
  @FunctionalInterface
  public interface RowCounter {
    OptionalLong rowCount(Connection connection, String schema, String table) throws SQLException;
  }

  private static final Set<String> TABLE_TYPES =
      Set.of("TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE", "PARTITIONED TABLE", "BASE TABLE");

  private final String sourceName;
  private final ColumnTypeMapper typeMapper;
  private final RowCounter rowCounter;
  private final Function<SQLException, RuntimeException> failure;
  private final io.meridian.spi.TableDiscovery<Table> discovery =
      new io.meridian.spi.TableDiscovery<>(this::discover);

  public SourceJdbcSchema(String sourceName, DataSource dataSource, SqlDialect dialect, JdbcConvention convention,
      @Nullable String schema, ColumnTypeMapper typeMapper, RowCounter rowCounter,
      Function<SQLException, RuntimeException> failure) {
    super(dataSource, dialect, convention, null, schema);
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.typeMapper = requireNonNull(typeMapper, "typeMapper is null");
    this.rowCounter = requireNonNull(rowCounter, "rowCounter is null");
    this.failure = requireNonNull(failure, "failure is null");
  }

  public String sourceName() {
    return sourceName;
  }

  @Override
  public Lookup<Table> tables() {
    return discovery.lookup();
  }

  /** The tables the source lists now, through its JDBC metadata. */
  private Map<String, Table> discover(Map<String, Table> previous) {
    Map<String, Table> found = new LinkedHashMap<>();
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData metaData = connection.getMetaData();
      try (ResultSet rs = metaData.getTables(catalog, schema, "%", null)) {
        while (rs.next()) {
          String type = rs.getString(4);
          if (type != null && TABLE_TYPES.contains(type.toUpperCase(Locale.ROOT))) {
            String name = rs.getString(3);
            found.put(name, new SourceJdbcTable(this, rs.getString(1), rs.getString(2), name,
                type.toUpperCase(Locale.ROOT).contains("VIEW") ? Schema.TableType.VIEW : Schema.TableType.TABLE));
          }
        }
      }
    } catch (SQLException e) {
      throw failure.apply(e);
    }
    return found;
  }

  @Override
  RelProtoDataType getRelDataType(DatabaseMetaData metaData, String catalogName, String schemaName, String tableName)
      throws SQLException {
    RelDataTypeFactory typeFactory = new SqlTypeFactoryImpl(MeridianTypeSystem.INSTANCE);
    RelDataTypeFactory.Builder fields = typeFactory.builder();
    try (ResultSet rs = metaData.getColumns(catalogName, schemaName, tableName, null)) {
      while (rs.next()) {
        String column = requireNonNull(rs.getString(4), "column name");
        int jdbcType = rs.getInt(5);
        String typeName = rs.getString(6);
        int size = rs.getInt(7);
        int digits = rs.getInt(9);
        RelDataType type = typeMapper.map(typeFactory, jdbcType, typeName, size, digits);
        if (type == null) {
          type = genericType(typeFactory, jdbcType, size, digits);
        }
        boolean nullable = rs.getInt(11) != DatabaseMetaData.columnNoNulls;
        fields.add(column, type).nullable(nullable);
      }
    }
    return RelDataTypeImpl.proto(fields.build());
  }

  private static RelDataType genericType(RelDataTypeFactory typeFactory, int jdbcType, int size, int digits) {
    SqlTypeName name = SqlTypeName.getNameForJdbcType(jdbcType);
    if (name == null) {
      return typeFactory.createSqlType(SqlTypeName.ANY);
    }
    if (name.allowsPrecScale(true, true) && size > 0) {
      return typeFactory.createSqlType(name, size, Math.max(digits, 0));
    }
    if (name.allowsPrecNoScale() && size > 0 && name != SqlTypeName.TIMESTAMP && name != SqlTypeName.TIME) {
      return typeFactory.createSqlType(name, size);
    }
    return name.allowsNoPrecNoScale() ? typeFactory.createSqlType(name) : typeFactory.createSqlType(SqlTypeName.ANY);
  }

  /** A table of this source with a row-count estimate. */
  static final class SourceJdbcTable extends JdbcTable {
    private volatile Statistic statistic;

    SourceJdbcTable(SourceJdbcSchema schema, String catalog, String schemaName, String name, Schema.TableType type) {
      super(schema, catalog, schemaName, name, type);
    }

    @Override
    public Statistic getStatistic() {
      Statistic s = statistic;
      if (s == null) {
        SourceJdbcSchema schema = (SourceJdbcSchema) jdbcSchema;
        try (Connection connection = schema.dataSource.getConnection()) {
          OptionalLong rows = schema.rowCounter.rowCount(connection, jdbcSchemaName, jdbcTableName);
          s = rows.isPresent() ? Statistics.of(rows.getAsLong(), List.of()) : Statistics.UNKNOWN;
        } catch (SQLException e) {
          s = Statistics.UNKNOWN;
        }
        statistic = s;
      }
      return s;
    }
  }
}
