package io.meridian.connector.lake.testing;

import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.lake.write.ParquetFolderWrite;
import io.meridian.connector.lake.write.ParquetFolderWriter;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout of folders {@link ParquetFolderWriter} writes, read back by DuckDB with Hive partitioning. */
class ParquetFolderWriterTest {
  @TempDir
  Path root;

  @Test
  void eventsFolderHasHivePartitionsReadableByDuckDb() throws Exception {
    TestingLakeTables lake = TestingLakeTables.shared();
    Path folder = lake.parquetEventsFolder();
    List<String> subfolders;
    try (Stream<Path> children = Files.list(folder)) {
      subfolders = children.map(path -> path.getFileName().toString()).sorted().toList();
    }
    assertEquals(List.of("country=BR", "country=DE", "country=FR", "country=JP", "country=US"), subfolders);
    for (String subfolder : subfolders) {
      assertEquals(2, ParquetFolderWriter.parquetFiles(folder.resolve(subfolder)).size(), subfolder);
    }
    assertEquals(10, lake.parquetEventsFiles().size());

    Map<String, Long> counts = new TreeMap<>();
    query("SELECT country, count(*) FROM read_parquet('" + folder + "/**/*.parquet', hive_partitioning = true)"
        + " GROUP BY country", rs -> counts.put(rs.getString(1), rs.getLong(2)));
    assertEquals(lake.parquetEventsRowsPerCountry(), counts);
    assertEquals(1000, counts.values().stream().mapToLong(Long::longValue).sum());

    // The partition column lives in the path only.
    List<String> fileColumns = new ArrayList<>();
    query("DESCRIBE SELECT * FROM read_parquet('" + lake.parquetEventsFiles().get(0)
        + "', hive_partitioning = false)",
        rs -> fileColumns.add(rs.getString(1)));
    assertEquals(List.of("id", "ts", "amount", "quantity"), fileColumns);

    List<String> sums = new ArrayList<>();
    query("SELECT sum(amount)::VARCHAR, max(ts)::VARCHAR FROM read_parquet('" + folder
        + "/**/*.parquet', hive_partitioning = true)", rs -> sums.add(rs.getString(1) + "|" + rs.getString(2)));
    BigDecimal expectedSum = lake.parquetEventsRows().stream().map(row -> (BigDecimal) row.getField("amount"))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(List.of(expectedSum.toPlainString() + "|"
        + ((LocalDateTime) lake.parquetEventsRows().get(999).getField("ts")).format(
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT))), sums);
  }

  @Test
  void copiesAQueryWithSeveralPartitionColumnsAndNulls() throws Exception {
    Path folder = root.resolve("copied");
    ParquetFolderWrite write = ParquetFolderWriter.copyQuery(
        "SELECT i AS id, CASE WHEN i % 10 = 0 THEN NULL ELSE 'k' || (i % 3) END AS k, DATE '2024-01-01' + "
            + "CAST(i % 2 AS INTEGER) AS d FROM range(100000) t(i)",
        folder, List.of("k", "d"));
    assertEquals(100_000, write.rowCount());
    // NULL k only for even i, so 7 partitions.
    assertEquals(7, write.files().size());
    assertTrue(Files.isDirectory(folder.resolve("k=NULL").resolve("d=2024-01-01")));
    assertTrue(Files.isDirectory(folder.resolve("k=k1").resolve("d=2024-01-02")));
    List<String> groups = new ArrayList<>();
    query("SELECT k, d::VARCHAR, count(*) FROM read_parquet('" + folder + "/**/*.parquet', hive_partitioning = true)"
        + " GROUP BY ALL ORDER BY 1 NULLS FIRST, 2", rs -> groups.add(rs.getString(1) + "/" + rs.getString(2) + "/"
        + rs.getLong(3)));
    Map<String, Long> expected = new TreeMap<>();
    for (int i = 0; i < 100_000; i++) {
      String k = i % 10 == 0 ? "null" : "k" + (i % 3);
      expected.merge(k + "/2024-01-0" + (1 + i % 2), 1L, Long::sum);
    }
    List<String> expectedGroups = new ArrayList<>();
    // NULL sorts first in the query, and "null" last in the TreeMap.
    expectedGroups.add("null/2024-01-01/" + expected.remove("null/2024-01-01"));
    expected.forEach((group, count) -> expectedGroups.add(group + "/" + count));
    assertEquals(expectedGroups, groups);

    // A second write adds files; nothing is overwritten.
    ParquetFolderWrite again = ParquetFolderWriter.copyQuery(
        "SELECT 1::BIGINT AS id, 'k1' AS k, DATE '2024-01-02' AS d", folder, List.of("k", "d"));
    assertEquals(1, again.files().size());
    assertEquals(8, ParquetFolderWriter.parquetFiles(folder).size());
  }

  @Test
  void writesEveryPrimitiveTypeUnpartitioned() throws Exception {
    Schema schema = new Schema(
        required(1, "id", Types.IntegerType.get()),
        optional(2, "c_boolean", Types.BooleanType.get()),
        optional(3, "c_long", Types.LongType.get()),
        optional(4, "c_float", Types.FloatType.get()),
        optional(5, "c_double", Types.DoubleType.get()),
        optional(6, "c_decimal", Types.DecimalType.of(38, 10)),
        optional(7, "c_date", Types.DateType.get()),
        optional(8, "c_time", Types.TimeType.get()),
        optional(9, "c_timestamp", Types.TimestampType.withoutZone()),
        optional(10, "c_timestamptz", Types.TimestampType.withZone()),
        optional(11, "c_string", Types.StringType.get()),
        optional(12, "c_uuid", Types.UUIDType.get()),
        optional(13, "c_binary", Types.BinaryType.get()));
    GenericRecord full = GenericRecord.create(schema);
    List<Object> values = List.of(1, true, Long.MIN_VALUE, 1.5f, -2.25d, new BigDecimal("-12.5"),
        LocalDate.of(1969, 12, 31), LocalTime.of(23, 59, 59, 999_999_000),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000),
        OffsetDateTime.of(2024, 6, 30, 23, 30, 0, 0, ZoneOffset.ofHoursMinutes(5, 30)), "Grüße 🙂",
        UUID.fromString("f79c3e09-677c-4d8c-9c8b-6d3a4b6e3a1f"), ByteBuffer.wrap(new byte[] {1, 2, -1}));
    for (int i = 0; i < values.size(); i++) {
      full.set(i, values.get(i));
    }
    GenericRecord nulls = GenericRecord.create(schema);
    nulls.set(0, 2);
    Path folder = root.resolve("types");
    ParquetFolderWrite write = ParquetFolderWriter.write(folder, schema, List.<Record>of(full, nulls), List.of());
    assertEquals(2, write.rowCount());
    assertEquals(1, write.files().size());
    assertEquals(folder.toAbsolutePath().normalize(), write.files().get(0).getParent());

    List<String> rows = new ArrayList<>();
    query("SELECT c_boolean, c_long, c_float, c_double, c_decimal::VARCHAR, c_date::VARCHAR, c_time::VARCHAR, "
        + "c_timestamp::VARCHAR, epoch_us(c_timestamptz), c_string, c_uuid::VARCHAR, hex(c_binary) FROM "
        + "read_parquet('" + folder + "/*.parquet') ORDER BY id", rs -> {
          StringBuilder row = new StringBuilder();
          for (int i = 1; i <= 12; i++) {
            row.append(i > 1 ? "|" : "").append(rs.getString(i));
          }
          rows.add(row.toString());
        });
    long micros = OffsetDateTime.of(2024, 6, 30, 18, 0, 0, 0, ZoneOffset.UTC).toEpochSecond() * 1_000_000;
    assertEquals("true|-9223372036854775808|1.5|-2.25|-12.5000000000|1969-12-31|23:59:59.999999|"
        + "1969-12-31 23:59:59.999999|" + micros + "|Grüße 🙂|f79c3e09-677c-4d8c-9c8b-6d3a4b6e3a1f|0102FF",
        rows.get(0));
    assertEquals("null|null|null|null|null|null|null|null|null|null|null|null", rows.get(1));
  }

  @Test
  void rejectsNestedTypesAndUnknownPartitionColumns() {
    Schema nested = new Schema(optional(1, "l", Types.ListType.ofOptional(2, Types.IntegerType.get())));
    MeridianException notSupported = assertThrows(MeridianException.class,
        () -> ParquetFolderWriter.write(root.resolve("nested"), nested, List.of(), List.of()));
    assertEquals(ErrorCode.NOT_SUPPORTED, notSupported.errorCode());
    Schema flat = new Schema(optional(1, "a", Types.IntegerType.get()));
    MeridianException unknown = assertThrows(MeridianException.class,
        () -> ParquetFolderWriter.write(root.resolve("flat"), flat, List.of(), List.of("b")));
    assertEquals(ErrorCode.UNKNOWN_COLUMN, unknown.errorCode());
    assertFalse(Files.exists(root.resolve("flat")));
  }

  @Test
  void listsNothingInAMissingFolder() {
    assertEquals(List.of(), ParquetFolderWriter.parquetFiles(root.resolve("missing")));
  }

  /** A consumer of one result row. */
  @FunctionalInterface
  private interface RowConsumer {
    void accept(ResultSet rs) throws SQLException;
  }

  private static void query(String sql, RowConsumer consumer) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      try (ResultSet rs = statement.executeQuery(sql)) {
        while (rs.next()) {
          consumer.accept(rs);
        }
      }
    }
  }
}
