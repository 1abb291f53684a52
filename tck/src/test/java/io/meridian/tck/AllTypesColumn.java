package io.meridian.tck;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The columns of {@code all_types}: the JDBC types and type names Meridian may report, and how to read a value on
 * each side. Both sides use the same accessor; values are then turned into a zone-independent form.
 */
enum AllTypesColumn {
  ID("id", List.of(Types.INTEGER), List.of("INTEGER"), Kind.INTEGER),
  C_SMALLINT("c_smallint", List.of(Types.SMALLINT), List.of("SMALLINT"), Kind.INTEGER),
  C_INTEGER("c_integer", List.of(Types.INTEGER), List.of("INTEGER"), Kind.INTEGER),
  C_BIGINT("c_bigint", List.of(Types.BIGINT), List.of("BIGINT"), Kind.INTEGER),
  C_REAL("c_real", List.of(Types.REAL), List.of("REAL"), Kind.REAL),
  C_DOUBLE("c_double", List.of(Types.DOUBLE), List.of("DOUBLE"), Kind.DOUBLE),
  C_DECIMAL("c_decimal", List.of(Types.DECIMAL), List.of("DECIMAL", "NUMERIC"), Kind.DECIMAL),
  C_AMOUNT("c_amount", List.of(Types.DECIMAL), List.of("DECIMAL", "NUMERIC"), Kind.DECIMAL),
  C_BOOLEAN("c_boolean", List.of(Types.BOOLEAN), List.of("BOOLEAN"), Kind.BOOLEAN),
  C_TEXT("c_text", List.of(Types.VARCHAR), List.of("VARCHAR"), Kind.STRING),
  C_VARCHAR("c_varchar", List.of(Types.VARCHAR), List.of("VARCHAR"), Kind.STRING),
  C_CHAR("c_char", List.of(Types.CHAR), List.of("CHAR"), Kind.STRING),
  C_DATE("c_date", List.of(Types.DATE), List.of("DATE"), Kind.DATE),
  C_TIME("c_time", List.of(Types.TIME), List.of("TIME"), Kind.TIME),
  C_TIMESTAMP("c_timestamp", List.of(Types.TIMESTAMP), List.of("TIMESTAMP"), Kind.TIMESTAMP),
  C_TIMESTAMPTZ("c_timestamptz", List.of(Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE), List.of("TIMESTAMP"),
      Kind.INSTANT);

  private enum Kind { INTEGER, REAL, DOUBLE, DECIMAL, BOOLEAN, STRING, DATE, TIME, TIMESTAMP, INSTANT }

  private final String columnName;
  private final List<Integer> jdbcTypes;
  private final List<String> typeNames;
  private final Kind kind;

  AllTypesColumn(String columnName, List<Integer> jdbcTypes, List<String> typeNames, Kind kind) {
    this.columnName = columnName;
    this.jdbcTypes = jdbcTypes;
    this.typeNames = typeNames;
    this.kind = kind;
  }

  String columnName() {
    return columnName;
  }

  List<Integer> jdbcTypes() {
    return jdbcTypes;
  }

  List<String> typeNames() {
    return typeNames;
  }

  static AllTypesColumn named(String columnName) {
    for (AllTypesColumn column : values()) {
      if (column.columnName.equals(columnName)) {
        return column;
      }
    }
    throw new IllegalArgumentException("not a column of all_types: " + columnName);
  }

  @Override
  public String toString() {
    return columnName;
  }

  /** The stored value, read by PgJDBC in its zone-independent form. */
  Object readExpected(ResultSet rs, int i) throws SQLException {
    return switch (kind) {
      // The stored wall clock; java.sql.Time carries milliseconds only, so compare at that precision here
      // (javaTimeValuesRoundTrip checks full precision).
      case TIME -> {
        LocalTime value = rs.getObject(i, LocalTime.class);
        yield nullable(rs, value == null ? null : value.truncatedTo(ChronoUnit.MILLIS));
      }
      case DATE -> rs.getObject(i, LocalDate.class);
      // Calcite's runtime carries timestamps to the millisecond (README, "Types"): compare at that precision.
      case TIMESTAMP -> {
        LocalDateTime value = rs.getObject(i, LocalDateTime.class);
        yield value == null ? null : value.truncatedTo(ChronoUnit.MILLIS);
      }
      case INSTANT -> {
        OffsetDateTime value = rs.getObject(i, OffsetDateTime.class);
        yield value == null ? null : value.toInstant().truncatedTo(ChronoUnit.MILLIS);
      }
      default -> readSame(rs, i);
    };
  }

  /** The value read through Meridian with the usual JDBC accessor, in the same form as {@link #readExpected}. */
  Object readActual(ResultSet rs, int i, String typeName) throws SQLException {
    return switch (kind) {
      case DATE -> {
        Date value = rs.getDate(i);
        yield nullable(rs, value == null ? null : value.toLocalDate());
      }
      case TIME -> {
        Time value = rs.getTime(i);
        yield nullable(rs, value == null ? null
            : value.toLocalTime().withNano((int) Math.floorMod(value.getTime(), 1000L) * 1_000_000));
      }
      case TIMESTAMP -> {
        Timestamp value = rs.getTimestamp(i);
        yield nullable(rs, value == null ? null : value.toLocalDateTime());
      }
      case INSTANT -> {
        // TIMESTAMP WITH LOCAL TIME ZONE: the Timestamp is the instant. Plain TIMESTAMP: its wall clock is UTC.
        Timestamp value = rs.getTimestamp(i);
        boolean zoned = typeName != null && typeName.toUpperCase(Locale.ROOT).replace('_', ' ').contains("TIME ZONE");
        Instant instant = value == null ? null
            : zoned ? value.toInstant() : value.toLocalDateTime().toInstant(ZoneOffset.UTC);
        yield nullable(rs, instant);
      }
      default -> readSame(rs, i);
    };
  }

  /** Reads with the type's own accessor and checks that getObject agrees with it. */
  private Object readSame(ResultSet rs, int i) throws SQLException {
    Object object = rs.getObject(i);
    boolean objectNull = rs.wasNull();
    Object value = switch (kind) {
      case INTEGER -> rs.getLong(i);
      case REAL -> rs.getFloat(i);
      case DOUBLE -> rs.getDouble(i);
      case DECIMAL -> {
        BigDecimal decimal = rs.getBigDecimal(i);
        yield decimal == null ? null : decimal.stripTrailingZeros().toPlainString();
      }
      case BOOLEAN -> rs.getBoolean(i);
      case STRING -> rs.getString(i);
      default -> throw new IllegalStateException(kind.name());
    };
    if (rs.wasNull() || objectNull) {
      return object == null && rs.wasNull() && objectNull ? null
          : "inconsistent NULL: getObject " + object + " wasNull " + objectNull + ", accessor " + value;
    }
    Object fromObject = switch (kind) {
      case INTEGER -> object instanceof Number n ? (Object) n.longValue() : object;
      case REAL -> object instanceof Number n ? (Object) n.floatValue() : object;
      case DOUBLE -> object instanceof Number n ? (Object) n.doubleValue() : object;
      case DECIMAL -> object instanceof Number n
          ? new BigDecimal(n.toString()).stripTrailingZeros().toPlainString() : object;
      default -> object;
    };
    return value.equals(fromObject) ? value : "accessor " + value + " but getObject " + object;
  }

  private static Object nullable(ResultSet rs, Object value) throws SQLException {
    boolean wasNull = rs.wasNull();
    if ((value == null) != wasNull) {
      return "inconsistent NULL: value " + value + " wasNull " + wasNull;
    }
    return value;
  }

  boolean same(Object expected, Object actual) {
    return expected == null ? actual == null : expected.equals(actual);
  }

  /**
   * Whether a stored value is a wall-clock time (or a date whose midnight) does not exist in the JVM's time zone (a
   * clock change skipped it). Calcite passes timestamps through {@code java.sql.Timestamp} in the JVM's zone, which cannot hold such a
   * time: the known limit documented in the README ("Types"; run the server JVM in UTC to avoid it).
   */
  boolean inJvmZoneGap(Object expected) {
    LocalDateTime wallClock = expected instanceof LocalDateTime t ? t
        : expected instanceof Instant i ? LocalDateTime.ofInstant(i, ZoneOffset.UTC)
        : expected instanceof LocalDate d ? d.atStartOfDay() : null;
    return wallClock != null && java.time.ZoneId.systemDefault().getRules().getValidOffsets(wallClock).isEmpty();
  }
}
