package io.meridian.bench;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A query's result in a form two engines can be compared by: every value as canonical text (numbers without type or
 * trailing zeros, doubles to 12 significant digits, timestamps as the UTC wall clock), rows sorted.
 *
 * @param rows the canonical rows, sorted
 */
public record ResultRows(List<List<String>> rows) {
  private static final MathContext DOUBLE_DIGITS = new MathContext(12);

  public ResultRows {
    rows = List.copyOf(requireNonNull(rows, "rows is null").stream().map(List::copyOf).toList());
  }

  /** Reads every row of {@code rs}. */
  public static ResultRows read(ResultSet rs) throws SQLException {
    int columns = rs.getMetaData().getColumnCount();
    List<List<String>> rows = new ArrayList<>();
    while (rs.next()) {
      List<String> row = new ArrayList<>(columns);
      for (int i = 1; i <= columns; i++) {
        row.add(canonical(rs.getObject(i)));
      }
      rows.add(row);
    }
    rows.sort(ROW_ORDER);
    return new ResultRows(rows);
  }

  private static final Comparator<List<String>> ROW_ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  /** One value as canonical text. */
  static String canonical(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? new BigDecimal(d).round(DOUBLE_DIGITS).stripTrailingZeros().toPlainString()
          : Double.toString(d);
    }
    if (value instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (value instanceof BigInteger || value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte) {
      return value.toString();
    }
    if (value instanceof OffsetDateTime t) {
      return t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().toString();
    }
    if (value instanceof Timestamp t) {
      // Meridian presents a timestamptz as its UTC wall clock; the benchmark runs in UTC (run-lake.sh).
      return t.toLocalDateTime().toString();
    }
    if (value instanceof LocalDateTime t) {
      return t.toString();
    }
    return value.toString();
  }

  /** A short description of how {@code other} differs from this, or empty text when they are the same. */
  public String difference(ResultRows other) {
    requireNonNull(other, "other is null");
    if (rows.equals(other.rows)) {
      return "";
    }
    if (rows.size() != other.rows.size()) {
      return rows.size() + " rows vs " + other.rows.size() + " rows";
    }
    for (int i = 0; i < rows.size(); i++) {
      if (!rows.get(i).equals(other.rows.get(i))) {
        return "row " + (i + 1) + ": " + rows.get(i) + " vs " + other.rows.get(i);
      }
    }
    return "different";
  }
}
