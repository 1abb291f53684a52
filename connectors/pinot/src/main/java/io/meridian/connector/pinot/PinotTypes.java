package io.meridian.connector.pinot;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Pinot's types as SQL types, and Pinot's JSON values as Calcite's internal values.
 *
 * <p>Mapping: {@code INT} INTEGER, {@code LONG} BIGINT, {@code FLOAT} REAL, {@code DOUBLE} DOUBLE,
 * {@code BIG_DECIMAL} DECIMAL(38, 18), {@code BOOLEAN} BOOLEAN, {@code TIMESTAMP} TIMESTAMP(3) (UTC),
 * {@code STRING}/{@code JSON} VARCHAR, {@code BYTES} VARBINARY; a multi-value column is an ARRAY of its type. The
 * role of a column (dimension, metric, date-time) does not change its type; a date-time column stored as
 * {@code LONG} epoch milliseconds stays BIGINT, as Pinot compares it.
 *
 * <p>Columns are NOT NULL: Pinot 0.11 stores a missing value as the column's default null value and returns that
 * value, so no NULL ever comes back from it, and the SQL type says so.
 *
 * <p>Reading is strict: Pinot computes SUM, MIN, MAX and AVG in DOUBLE, so an integer result read back into an
 * integer type must be a whole number below 2^53 (where doubles stop being exact); anything else is an error, never
 * a rounded number.
 */
final class PinotTypes {
  private static final double EXACT_LIMIT = 9007199254740992d; // 2^53
  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .toFormatter(java.util.Locale.ROOT);

  private PinotTypes() {}

  /** The SQL row type of a Pinot schema (its JSON from the controller). */
  static RelDataType rowType(RelDataTypeFactory types, JsonNode schema) {
    RelDataTypeFactory.Builder fields = types.builder();
    for (String section : List.of("dimensionFieldSpecs", "metricFieldSpecs", "dateTimeFieldSpecs",
        "timeFieldSpec")) {
      JsonNode specs = schema.path(section);
      if (section.equals("timeFieldSpec") && specs.isObject()) {
        JsonNode incoming = specs.path("incomingGranularitySpec");
        addField(fields, types, incoming.path("name").asText(), incoming.path("dataType").asText(), true);
        continue;
      }
      for (JsonNode spec : specs) {
        addField(fields, types, spec.path("name").asText(), spec.path("dataType").asText(),
            spec.path("singleValueField").asBoolean(true));
      }
    }
    return fields.build();
  }

  private static void addField(RelDataTypeFactory.Builder fields, RelDataTypeFactory types, String name,
      String pinotType, boolean singleValue) {
    RelDataType type = sqlType(types, pinotType);
    if (!singleValue) {
      type = types.createArrayType(type, -1);
    }
    fields.add(name, type).nullable(false);
  }

  static RelDataType sqlType(RelDataTypeFactory types, String pinotType) {
    return switch (pinotType) {
      case "INT" -> types.createSqlType(SqlTypeName.INTEGER);
      case "LONG" -> types.createSqlType(SqlTypeName.BIGINT);
      case "FLOAT" -> types.createSqlType(SqlTypeName.REAL);
      case "DOUBLE" -> types.createSqlType(SqlTypeName.DOUBLE);
      case "BIG_DECIMAL" -> types.createSqlType(SqlTypeName.DECIMAL, 38, 18);
      case "BOOLEAN" -> types.createSqlType(SqlTypeName.BOOLEAN);
      case "TIMESTAMP" -> types.createSqlType(SqlTypeName.TIMESTAMP, 3);
      case "BYTES" -> types.createSqlType(SqlTypeName.VARBINARY);
      default -> types.createSqlType(SqlTypeName.VARCHAR);
    };
  }

  /** Reads one JSON value as Calcite's internal value of {@code type}. */
  static Object read(JsonNode value, RelDataType type, String column) {
    if (value == null || value.isNull()) {
      return null;
    }
    SqlTypeName name = type.getSqlTypeName();
    switch (name) {
      case ARRAY: {
        List<Object> list = new ArrayList<>();
        RelDataType element = type.getComponentType();
        for (JsonNode v : value) {
          list.add(read(v, element, column));
        }
        return list;
      }
      case INTEGER:
        return (int) exactLong(value, column, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case SMALLINT:
        return (short) exactLong(value, column, Short.MIN_VALUE, Short.MAX_VALUE);
      case TINYINT:
        return (byte) exactLong(value, column, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case BIGINT:
        return exactLong(value, column, Long.MIN_VALUE, Long.MAX_VALUE);
      case DECIMAL: {
        BigDecimal d = decimal(value, column);
        if (type.getScale() >= 0 && d.stripTrailingZeros().scale() > type.getScale()
            || d.precision() - d.scale() > type.getPrecision() - Math.max(type.getScale(), 0)) {
          throw inexact(value, column, type.getFullTypeString());
        }
        return d;
      }
      case DOUBLE:
      case FLOAT:
        return doubleValue(value, column);
      case REAL:
        return (float) doubleValue(value, column);
      case BOOLEAN:
        return value.isBoolean() ? value.booleanValue() : value.asText().equalsIgnoreCase("true")
            || value.asText().equals("1");
      case TIMESTAMP:
        if (value.isNumber()) {
          return value.longValue();
        }
        return LocalDateTime.parse(value.asText(), TIMESTAMP).toInstant(ZoneOffset.UTC).toEpochMilli();
      case VARBINARY:
      case BINARY:
        return new ByteString(hex(value.asText()));
      default:
        return value.isTextual() ? value.textValue() : value.toString();
    }
  }

  private static double doubleValue(JsonNode value, String column) {
    if (value.isNumber()) {
      return value.doubleValue();
    }
    return switch (value.asText()) {
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(value.asText());
        } catch (NumberFormatException e) {
          throw inexact(value, column, "DOUBLE");
        }
      }
    };
  }

  private static BigDecimal decimal(JsonNode value, String column) {
    try {
      return value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText());
    } catch (NumberFormatException e) {
      throw inexact(value, column, "DECIMAL");
    }
  }

  /** An integer from a JSON integer, or from a double that holds a whole number exactly (Pinot's SUM, MIN, MAX). */
  private static long exactLong(JsonNode value, String column, long min, long max) {
    long result;
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      result = value.longValue();
    } else {
      double d = doubleValue(value, column);
      if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d) || Math.abs(d) >= EXACT_LIMIT) {
        throw inexact(value, column, "an integer");
      }
      result = (long) d;
    }
    if (result < min || result > max) {
      throw inexact(value, column, "an integer in range");
    }
    return result;
  }

  private static MeridianException inexact(JsonNode value, String column, String expected) {
    return new MeridianException(ErrorCode.DATA_ERROR, "22003", "Pinot returned " + value + " for column '" + column
        + "', which cannot be read exactly as " + expected + " (Pinot computes SUM, MIN, MAX and AVG in DOUBLE, "
        + "exact only below 2^53)", null, null, null);
  }

  private static byte[] hex(String s) {
    byte[] bytes = new byte[s.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
