package io.meridian.connector.lake.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Reads Iceberg tables with Iceberg's own generic reader, which applies position and equality deletes, schema
 * evolution (by field id) and filters itself: the independent source of expected values for lake connector tests,
 * plus plain-Java group-by helpers over its rows.
 *
 * <p>A filter prunes files and row groups and is then applied to every row (Iceberg's residual evaluation), so the
 * rows returned are exactly those matching it. Rows come in file order; sort them when order matters.
 */
public final class IndependentReader {
  private IndependentReader() {}

  /** All live rows of the table's current snapshot, every column of its current schema. */
  public static List<Record> read(Table table) {
    return read(table, OptionalLong.empty(), Expressions.alwaysTrue(), List.of());
  }

  /** The live rows of the current snapshot matching {@code filter}. */
  public static List<Record> read(Table table, Expression filter) {
    return read(table, OptionalLong.empty(), filter, List.of());
  }

  /** All live rows as of the snapshot {@code snapshotId} (time travel), in the table's current schema. */
  public static List<Record> readAtSnapshot(Table table, long snapshotId) {
    return read(table, OptionalLong.of(snapshotId), Expressions.alwaysTrue(), List.of());
  }

  /**
   * The live rows as of a snapshot (empty: the current one), matching {@code filter}, with only {@code columns}
   * (empty: all columns of the current schema).
   */
  public static List<Record> read(Table table, OptionalLong snapshotId, Expression filter, List<String> columns) {
    requireNonNull(table, "table is null");
    requireNonNull(snapshotId, "snapshotId is null");
    requireNonNull(filter, "filter is null");
    requireNonNull(columns, "columns is null");
    table.refresh();
    if (table.currentSnapshot() == null) {
      return List.of();
    }
    IcebergGenerics.ScanBuilder scan = IcebergGenerics.read(table).where(filter);
    snapshotId.ifPresent(scan::useSnapshot);
    if (!columns.isEmpty()) {
      scan.select(columns);
    }
    return collect(scan.build(), columns);
  }

  /** All live rows as of the snapshot current at {@code timestampMillis} (time travel by time). */
  public static List<Record> readAsOfTime(Table table, long timestampMillis) {
    requireNonNull(table, "table is null");
    table.refresh();
    return collect(IcebergGenerics.read(table).asOfTime(timestampMillis).build(), List.of());
  }

  /** The number of live rows of the current snapshot. */
  public static long count(Table table) {
    return read(table).size();
  }

  /** The number of live rows of the current snapshot matching {@code filter}. */
  public static long count(Table table, Expression filter) {
    return read(table, filter).size();
  }

  /** The values of the named top-level columns of each row, as lists (which may hold NULLs), in row order. */
  public static List<List<Object>> values(List<Record> rows, String... columns) {
    requireNonNull(rows, "rows is null");
    List<List<Object>> values = new ArrayList<>(rows.size());
    for (Record row : rows) {
      values.add(key(row, columns));
    }
    return values;
  }

  /** The rows sorted by a top-level column with values of one comparable type, NULLs first. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static List<Record> sortedBy(List<Record> rows, String column) {
    requireNonNull(column, "column is null");
    List<Record> sorted = new ArrayList<>(rows);
    sorted.sort(Comparator.comparing(row -> (Comparable) row.getField(column),
        Comparator.nullsFirst(Comparator.naturalOrder())));
    return sorted;
  }

  /**
   * {@code SELECT g1, g2, ..., COUNT(*) ... GROUP BY g1, g2, ...} in plain Java: the key is the list of group
   * values (NULL is a group of its own), in order of first appearance.
   */
  public static Map<List<Object>, Long> countBy(List<Record> rows, String... groupColumns) {
    requireNonNull(rows, "rows is null");
    Map<List<Object>, Long> counts = new LinkedHashMap<>();
    for (Record row : rows) {
      counts.merge(key(row, groupColumns), 1L, Long::sum);
    }
    return counts;
  }

  /**
   * {@code SELECT g1, ..., SUM(sumColumn) ... GROUP BY g1, ...} in plain Java, with SQL's rules: NULLs are skipped
   * and a group with no non-NULL value sums to NULL. Sums are exact ({@link BigDecimal}); each float or double is
   * taken at its shortest decimal form ({@link BigDecimal#valueOf(double)}), so compare such sums with a tolerance.
   */
  public static Map<List<Object>, BigDecimal> sumBy(List<Record> rows, String sumColumn, String... groupColumns) {
    requireNonNull(rows, "rows is null");
    requireNonNull(sumColumn, "sumColumn is null");
    Map<List<Object>, BigDecimal> sums = new LinkedHashMap<>();
    for (Record row : rows) {
      List<Object> key = key(row, groupColumns);
      Object value = row.getField(sumColumn);
      if (value == null) {
        if (!sums.containsKey(key)) {
          sums.put(key, null);
        }
      } else {
        BigDecimal sum = sums.get(key);
        sums.put(key, sum == null ? toBigDecimal(value) : sum.add(toBigDecimal(value)));
      }
    }
    return sums;
  }

  /** The exact value of an integral, decimal or floating-point value. */
  public static BigDecimal toBigDecimal(Object value) {
    requireNonNull(value, "value is null");
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Float || value instanceof Double) {
      return BigDecimal.valueOf(((Number) value).doubleValue());
    }
    throw new IllegalArgumentException("Not a number: " + value + " (" + value.getClass().getName() + ")");
  }

  private static List<Object> key(Record row, String... columns) {
    Object[] values = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      values[i] = row.getField(columns[i]);
    }
    return Collections.unmodifiableList(Arrays.asList(values));
  }

  /**
   * Collects the rows, without the columns Iceberg's reader adds for its own use: the {@code _pos} metadata column
   * it reads to apply position deletes, and equality-delete columns that were not selected.
   */
  private static List<Record> collect(CloseableIterable<Record> records, List<String> columns) {
    List<Record> rows = new ArrayList<>();
    Types.StructType lastStruct = null;
    Types.StructType kept = null;
    try (CloseableIterable<Record> closing = records) {
      for (Record record : closing) {
        if (record.struct() != lastStruct) {
          lastStruct = record.struct();
          kept = Types.StructType.of(lastStruct.fields().stream()
              .filter(field -> !MetadataColumns.isMetadataColumn(field.fieldId()))
              .filter(field -> columns.isEmpty() || columns.contains(field.name()))
              .toList());
        }
        if (kept.fields().size() == lastStruct.fields().size()) {
          rows.add(record);
        } else {
          GenericRecord row = GenericRecord.create(kept);
          for (Types.NestedField field : kept.fields()) {
            row.setField(field.name(), record.getField(field.name()));
          }
          rows.add(row);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
