package io.meridian.connector.lake;

import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * How Iceberg types appear: to SQL (Calcite types) and to DuckDB (type names for reading Parquet by field id).
 *
 * <p>Mapping: boolean, int, long, float, double, decimal(p,s), date, string, binary as themselves; time as
 * {@code TIME(3)}; timestamp as {@code TIMESTAMP(3)} (wall clock); timestamptz as {@code TIMESTAMP(3)} holding the
 * UTC wall clock (as PostgreSQL's timestamptz is presented); uuid as {@code VARCHAR(36)}; lists, structs and maps as
 * {@code VARCHAR} holding DuckDB's text form ({@code [1, 2]}, {@code {'a': 1, 'b': x}}) so any client can read them.
 * Calcite's runtime carries timestamps to the millisecond.
 */
public final class LakeTypes {
  private LakeTypes() {}

  static RelDataType sqlType(RelDataTypeFactory f, Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> f.createSqlType(SqlTypeName.BOOLEAN);
      case INTEGER -> f.createSqlType(SqlTypeName.INTEGER);
      case LONG -> f.createSqlType(SqlTypeName.BIGINT);
      case FLOAT -> f.createSqlType(SqlTypeName.REAL);
      case DOUBLE -> f.createSqlType(SqlTypeName.DOUBLE);
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield f.createSqlType(SqlTypeName.DECIMAL, d.precision(), d.scale());
      }
      case DATE -> f.createSqlType(SqlTypeName.DATE);
      case TIME -> f.createSqlType(SqlTypeName.TIME, 3);
      case TIMESTAMP, TIMESTAMP_NANO -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case STRING -> f.createSqlType(SqlTypeName.VARCHAR);
      case UUID -> f.createSqlType(SqlTypeName.VARCHAR, 36);
      case FIXED, BINARY -> f.createSqlType(SqlTypeName.VARBINARY);
      default -> f.createSqlType(SqlTypeName.VARCHAR);
    };
  }

  /** Whether DuckDB should hand the column over as text (nested values, UUIDs). */
  static boolean asText(Type type) {
    return type.isNestedType() || type.typeId() == Type.TypeID.UUID;
  }

  /** DuckDB's name for the type. */
  public static String duckDbType(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "BOOLEAN";
      case INTEGER -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield "DECIMAL(" + d.precision() + ", " + d.scale() + ")";
      }
      case DATE -> "DATE";
      case TIME -> "TIME";
      case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP";
      case TIMESTAMP_NANO -> ((Types.TimestampNanoType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP_NS";
      case STRING -> "VARCHAR";
      case UUID -> "UUID";
      case FIXED, BINARY -> "BLOB";
      case LIST -> duckDbType(((Types.ListType) type).elementType()) + "[]";
      case MAP -> {
        Types.MapType m = (Types.MapType) type;
        yield "MAP(" + duckDbType(m.keyType()) + ", " + duckDbType(m.valueType()) + ")";
      }
      case STRUCT -> "STRUCT(" + ((Types.StructType) type).fields().stream()
          .map(field -> quote(field.name()) + " " + duckDbType(field.type()))
          .collect(Collectors.joining(", ")) + ")";
      default -> throw new IllegalArgumentException("unsupported Iceberg type " + type);
    };
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Whether a source type name (as DuckDB's JDBC driver reports it) holds an instant. */
  static boolean isInstant(String typeName) {
    return typeName != null && typeName.toUpperCase(Locale.ROOT).replace('_', ' ').contains("WITH TIME ZONE");
  }
}
