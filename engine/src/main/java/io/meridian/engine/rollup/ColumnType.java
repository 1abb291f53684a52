package io.meridian.engine.rollup;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.Locale;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.BooleanType;
import org.apache.iceberg.types.Types.DateType;
import org.apache.iceberg.types.Types.DecimalType;
import org.apache.iceberg.types.Types.DoubleType;
import org.apache.iceberg.types.Types.IntegerType;
import org.apache.iceberg.types.Types.LongType;
import org.apache.iceberg.types.Types.StringType;
import org.apache.iceberg.types.Types.TimestampType;

/**
 * The SQL type of one rollup column, as the build query produced it: how it is stored in Iceberg, how it is held in
 * memory (Calcite's internal values: days for dates, UTC milliseconds for timestamps), and how it is written in SQL.
 *
 * @param name the Calcite type name
 * @param precision for decimals (and kept for timestamps); -1 when none
 * @param scale for decimals; -1 when none
 */
record ColumnType(SqlTypeName name, int precision, int scale) {
  private static final Pattern TEXT = Pattern.compile("([A-Z_]+)(?:\\((\\d+)(?:, (\\d+))?\\))?");
  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"), Locale.ROOT);

  ColumnType {
    requireNonNull(name, "name is null");
  }

  static ColumnType of(ResultSetMetaData md, int column) throws SQLException {
    int jdbc = md.getColumnType(column);
    return switch (jdbc) {
      case Types.BOOLEAN, Types.BIT -> new ColumnType(SqlTypeName.BOOLEAN, -1, -1);
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> new ColumnType(SqlTypeName.INTEGER, -1, -1);
      case Types.BIGINT -> new ColumnType(SqlTypeName.BIGINT, -1, -1);
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> new ColumnType(SqlTypeName.DOUBLE, -1, -1);
      case Types.DECIMAL, Types.NUMERIC -> new ColumnType(SqlTypeName.DECIMAL,
          Math.min(38, Math.max(1, md.getPrecision(column))), Math.max(0, md.getScale(column)));
      case Types.DATE -> new ColumnType(SqlTypeName.DATE, -1, -1);
      case Types.TIMESTAMP -> new ColumnType(SqlTypeName.TIMESTAMP, -1, -1);
      case Types.TIMESTAMP_WITH_TIMEZONE -> new ColumnType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, -1, -1);
      case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR ->
          new ColumnType(SqlTypeName.VARCHAR, -1, -1);
      default -> throw new IllegalArgumentException("a rollup column cannot hold " + md.getColumnTypeName(column)
          + " (" + md.getColumnName(column) + ")");
    };
  }

  /** Parses {@link #sql()}. */
  static ColumnType parse(String text) {
    Matcher m = TEXT.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a rollup column type: " + text);
    }
    SqlTypeName name = text.startsWith("TIMESTAMP WITH LOCAL TIME ZONE") ? SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE
        : SqlTypeName.valueOf(m.group(1));
    return new ColumnType(name, m.group(2) == null ? -1 : Integer.parseInt(m.group(2)),
        m.group(3) == null ? -1 : Integer.parseInt(m.group(3)));
  }

  /** The type as written in SQL ({@code DECIMAL(38, 2)}, {@code TIMESTAMP}). */
  String sql() {
    return switch (name) {
      case DECIMAL -> "DECIMAL(" + precision + ", " + scale + ")";
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "TIMESTAMP WITH LOCAL TIME ZONE";
      default -> name.getName();
    };
  }

  RelDataType relType(RelDataTypeFactory f) {
    RelDataType t = name == SqlTypeName.DECIMAL ? f.createSqlType(name, precision, scale) : f.createSqlType(name);
    return f.createTypeWithNullability(t, true);
  }

  Type icebergType() {
    return switch (name) {
      case BOOLEAN -> BooleanType.get();
      case INTEGER -> IntegerType.get();
      case BIGINT -> LongType.get();
      case DOUBLE -> DoubleType.get();
      case DECIMAL -> DecimalType.of(precision, scale);
      case DATE -> DateType.get();
      // Both as UTC instants: Meridian's timestamps are UTC wall clocks, and the lake reads timestamptz as such.
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> TimestampType.withZone();
      default -> StringType.get();
    };
  }

  /** The column's value in Calcite's internal form, or null. */
  Object read(ResultSet rs, int column) throws SQLException {
    Object value = switch (name) {
      case BOOLEAN -> rs.getBoolean(column);
      case INTEGER -> rs.getInt(column);
      case BIGINT -> rs.getLong(column);
      case DOUBLE -> rs.getDouble(column);
      case DECIMAL -> rs.getBigDecimal(column);
      case DATE -> {
        java.sql.Date d = rs.getDate(column, (Calendar) UTC.clone());
        yield d == null ? null : (int) Math.floorDiv(d.getTime(), 86_400_000L);
      }
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> {
        java.sql.Timestamp t = rs.getTimestamp(column, (Calendar) UTC.clone());
        yield t == null ? null : t.getTime();
      }
      default -> rs.getString(column);
    };
    return rs.wasNull() ? null : value;
  }

  /** An internal value as Iceberg's generic records hold it. */
  Object toIceberg(Object value) {
    if (value == null) {
      return null;
    }
    return switch (name) {
      // Scales were widened to the values' at build time; beyond 38 digits, round half to even.
      case DECIMAL -> ((BigDecimal) value).setScale(scale, java.math.RoundingMode.HALF_EVEN);
      case DATE -> LocalDate.ofEpochDay((Integer) value);
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli((Long) value),
          ZoneOffset.UTC);
      default -> value;
    };
  }

  /** A value of Iceberg's generic records in Calcite's internal form. */
  Object fromIceberg(Object value) {
    if (value == null) {
      return null;
    }
    return switch (name) {
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> value instanceof LocalDateTime l
          ? l.toInstant(ZoneOffset.UTC).toEpochMilli() : ((OffsetDateTime) value).toInstant().toEpochMilli();
      default -> value;
    };
  }

  /** A SQL literal of this type for an internal value (dates and timestamps only). */
  String literal(long internal) {
    return switch (name) {
      case DATE -> "DATE '" + LocalDate.ofEpochDay(internal) + "'";
      case TIMESTAMP -> "TIMESTAMP '" + format(internal) + "'";
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> "CAST(TIMESTAMP '" + format(internal)
          + "' AS TIMESTAMP WITH LOCAL TIME ZONE)";
      default -> throw new IllegalStateException("no time literal of " + name);
    };
  }

  private static String format(long millis) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
        .format(LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L), 0, ZoneOffset.UTC));
  }
}
