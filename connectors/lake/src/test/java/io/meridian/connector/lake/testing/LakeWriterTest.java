package io.meridian.connector.lake.testing;

import static io.meridian.connector.lake.testing.TestingLakeTables.ALL_TYPES;
import static io.meridian.connector.lake.testing.TestingLakeTables.BY_DAY;
import static io.meridian.connector.lake.testing.TestingLakeTables.BY_HOUR;
import static io.meridian.connector.lake.testing.TestingLakeTables.BY_MONTH;
import static io.meridian.connector.lake.testing.TestingLakeTables.BY_YEAR;
import static io.meridian.connector.lake.testing.TestingLakeTables.EVENTS_SCHEMA;
import static io.meridian.connector.lake.testing.TestingLakeTables.EVOLVED;
import static io.meridian.connector.lake.testing.TestingLakeTables.SNAPSHOTS;
import static io.meridian.connector.lake.testing.TestingLakeTables.SPEC_EVOLVED;
import static io.meridian.connector.lake.testing.TestingLakeTables.TABLES;
import static io.meridian.connector.lake.testing.TestingLakeTables.TRANSFORM_TABLES;
import static io.meridian.connector.lake.testing.TestingLakeTables.WITH_EQUALITY_DELETES;
import static io.meridian.connector.lake.testing.TestingLakeTables.WITH_POSITION_DELETES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.lake.testing.TestingLakeTables.FileInfo;
import io.meridian.connector.lake.testing.TestingLakeTables.SnapshotInfo;
import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.LakeCommit;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through {@link LakeWriter} and {@link TestingLakeTables}, checked with {@link IndependentReader}. */
class LakeWriterTest {
  @TempDir
  static Path root;

  private static TestingLakeTables lake;

  @BeforeAll
  static void buildLake() {
    long start = System.nanoTime();
    lake = TestingLakeTables.shared();
    System.out.printf(Locale.ROOT, "testing lake ready in %d ms%n", (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void everyTableReadsBackAsGenerated() {
    for (String name : TABLES) {
      List<Record> actual = IndependentReader.sortedBy(IndependentReader.read(lake.table(name)), "id");
      assertEquals(lake.expectedRows(name), actual, name);
    }
  }

  @Test
  void allTypesKeepsBoundaryValues() {
    Map<Object, Record> byId = new HashMap<>();
    IndependentReader.read(lake.table(ALL_TYPES)).forEach(row -> byId.put(row.getField("id"), row));
    assertEquals(Integer.MIN_VALUE, byId.get(2).getField("c_int"));
    assertEquals(Long.MAX_VALUE, byId.get(3).getField("c_long"));
    assertEquals(new BigDecimal("9999999999999999999999999999.9999999999"), byId.get(3).getField("c_decimal_38_10"));
    assertEquals(LocalDate.of(1, 1, 1), byId.get(7).getField("c_date"));
    assertTrue(Float.isNaN((Float) byId.get(6).getField("c_float")));
    assertEquals(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), byId.get(5).getField("c_timestamp"));
    assertEquals(LocalDateTime.of(2024, 6, 30, 18, 0).atOffset(ZoneOffset.UTC), byId.get(9).getField("c_timestamptz"));
    Record nulls = byId.get(4);
    for (Types.NestedField field : lake.table(ALL_TYPES).schema().columns()) {
      if (!field.name().equals("id")) {
        assertNull(nulls.getField(field.name()), field.name());
      }
    }
  }

  @Test
  void transformsProduceTheExpectedPartitionsAndFiles() {
    for (String name : TRANSFORM_TABLES) {
      Map<String, List<FileInfo>> files = lake.dataFilesByPartition(name);
      Map<String, Long> rowsPerPartition = new TreeMap<>();
      files.forEach((partition, list) -> rowsPerPartition.put(partition,
          list.stream().mapToLong(FileInfo::recordCount).sum()));
      assertEquals(lake.expectedRowsPerPartition(name), rowsPerPartition, name);
      assertTrue(files.size() > 1, name + " has several partitions");

      // Written as two appends (even ids, then odd ids): one file per partition and parity present.
      Map<String, Set<Long>> parities = new TreeMap<>();
      for (Record row : lake.expectedRows(name)) {
        parities.computeIfAbsent(partitionPathOf(name, row), key -> new HashSet<>())
            .add((Long) row.getField("id") % 2);
      }
      Map<String, Integer> expectedFiles = new TreeMap<>();
      parities.forEach((partition, set) -> expectedFiles.put(partition, set.size()));
      Map<String, Integer> actualFiles = new TreeMap<>();
      files.forEach((partition, list) -> actualFiles.put(partition, list.size()));
      assertEquals(expectedFiles, actualFiles, name);
    }
  }

  @Test
  void partitionValuesAreIcebergsInternalValues() {
    FileInfo day = lake.dataFiles(BY_DAY).get(0);
    Object days = day.partitionValues().get("ts_day");
    assertEquals(day.partitionPath(), days == null ? "ts_day=null"
        : "ts_day=" + LocalDate.ofEpochDay((Integer) days));
    for (FileInfo file : lake.dataFiles(BY_HOUR)) {
      Object hours = file.partitionValues().get("ts_hour");
      if (hours != null) {
        LocalDateTime hour = LocalDateTime.ofEpochSecond((Integer) hours * 3600L, 0, ZoneOffset.UTC);
        assertEquals(String.format(Locale.ROOT, "ts_hour=%s-%02d", hour.toLocalDate(), hour.getHour()),
            file.partitionPath());
      }
      assertTrue(Files.isRegularFile(file.localPath()), file.path());
    }
    assertTrue(lake.expectedRowsPerPartition(BY_YEAR).containsKey("ts_year=null"));
    assertTrue(lake.expectedRowsPerPartition(BY_MONTH).containsKey("ts_month=2024-02"));
  }

  @Test
  void filtersAreExact() {
    Table table = lake.table(BY_DAY);
    List<Record> alpha = IndependentReader.read(table, Expressions.equal("category", "alpha"));
    long expected = lake.expectedRows(BY_DAY).stream().filter(row -> "alpha".equals(row.getField("category"))).count();
    assertEquals(expected, alpha.size());
    assertEquals(expected, IndependentReader.countBy(IndependentReader.read(table), "category").get(List.of("alpha")));
    List<Record> projected = IndependentReader.read(table, OptionalLong.empty(),
        Expressions.lessThan("id", 10L), List.of("id", "price"));
    assertEquals(10, projected.size());
    assertEquals(2, projected.get(0).struct().fields().size());
  }

  @Test
  void positionDeletesAreApplied() {
    Table table = lake.table(WITH_POSITION_DELETES);
    assertEquals(2, TableUtil.formatVersion(table));
    assertEquals(1000 - 50 - 6, IndependentReader.count(table));
    List<FileInfo> deletes = lake.deleteFiles(WITH_POSITION_DELETES);
    assertEquals(2, deletes.size());
    deletes.forEach(file -> assertEquals(FileContent.POSITION_DELETES, file.content()));
    assertEquals(56, deletes.stream().mapToLong(FileInfo::recordCount).sum());
    List<SnapshotInfo> snapshots = lake.snapshots(WITH_POSITION_DELETES);
    assertEquals(List.of("append", "append", "delete"),
        snapshots.stream().map(SnapshotInfo::operation).toList());
    // Before the delete, every row is there.
    assertEquals(1000, IndependentReader.readAtSnapshot(table, snapshots.get(1).snapshotId()).size());
  }

  @Test
  void equalityDeletesAreApplied() {
    Table table = lake.table(WITH_EQUALITY_DELETES);
    List<Record> rows = IndependentReader.read(table);
    assertEquals(lake.expectedRows(WITH_EQUALITY_DELETES).size(), rows.size());
    assertTrue(rows.stream().noneMatch(row -> row.getField("id").equals(100L)));
    // Rows appended after the delete survive, although they match its key.
    assertTrue(rows.stream().anyMatch(row -> row.getField("id").equals(1007L)));
    assertTrue(rows.stream().noneMatch(row -> row.getField("id").equals(7L)));
    List<FileInfo> deletes = lake.deleteFiles(WITH_EQUALITY_DELETES);
    assertFalse(deletes.isEmpty());
    deletes.forEach(file -> assertEquals(FileContent.EQUALITY_DELETES, file.content()));
    Map<List<Object>, Long> counts = IndependentReader.countBy(rows, "category");
    Map<List<Object>, Long> expected = IndependentReader.countBy(lake.expectedRows(WITH_EQUALITY_DELETES), "category");
    assertEquals(expected, counts);
  }

  @Test
  void evolvedTableIsReadByFieldId() {
    Table table = lake.table(EVOLVED);
    assertEquals(List.of("id", "full_name", "score", "name"),
        table.schema().columns().stream().map(Types.NestedField::name).toList());
    Map<Object, Record> byId = new HashMap<>();
    IndependentReader.read(table).forEach(row -> byId.put(row.getField("id"), row));
    assertEquals("name-5", byId.get(5L).getField("full_name"));
    assertNull(byId.get(5L).getField("name"), "the new 'name' column is NULL in old files");
    assertEquals("new-150", byId.get(150L).getField("name"));
    assertEquals("full-150", byId.get(150L).getField("full_name"));
  }

  @Test
  void specEvolvedTableHasFilesOfBothSpecs() {
    List<FileInfo> files = lake.dataFiles(SPEC_EVOLVED);
    assertEquals(Set.of(0, 1), files.stream().map(FileInfo::specId).collect(java.util.stream.Collectors.toSet()));
    Map<String, Long> rowsPerPartition = new TreeMap<>();
    files.forEach(file -> rowsPerPartition.merge(file.partitionPath(), file.recordCount(), Long::sum));
    assertEquals(lake.expectedRowsPerPartition(SPEC_EVOLVED), rowsPerPartition);
    assertTrue(rowsPerPartition.containsKey("ts_day=2024-01-01"));
    assertTrue(rowsPerPartition.containsKey("ts_month=2024-03"));
  }

  @Test
  void snapshotsSupportTimeTravel() {
    Table table = lake.table(SNAPSHOTS);
    List<SnapshotInfo> snapshots = lake.snapshots(SNAPSHOTS);
    assertEquals(3, snapshots.size());
    assertEquals(List.of(10L, 30L, 60L), snapshots.stream().map(SnapshotInfo::totalDataRecords).toList());
    assertTrue(snapshots.get(0).timestampMillis() < snapshots.get(1).timestampMillis());
    assertTrue(snapshots.get(1).timestampMillis() < snapshots.get(2).timestampMillis());
    assertEquals(10, IndependentReader.readAtSnapshot(table, snapshots.get(0).snapshotId()).size());
    assertEquals(30, IndependentReader.readAsOfTime(table, snapshots.get(1).timestampMillis()).size());
    assertEquals(30, IndependentReader.readAsOfTime(table, snapshots.get(2).timestampMillis() - 1).size());
    assertEquals(60, IndependentReader.read(table).size());
  }

  @Test
  void groupByHelpersFollowSql() {
    List<Record> rows = lake.expectedRows(BY_DAY);
    Map<List<Object>, BigDecimal> sums = IndependentReader.sumBy(rows, "amount", "category");
    BigDecimal total = sums.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    BigDecimal expected = rows.stream().map(row -> (BigDecimal) row.getField("amount"))
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(expected, total);
    assertTrue(sums.containsKey(java.util.Arrays.asList((Object) null)));
    assertEquals(1000L, IndependentReader.countBy(rows).get(List.of()));
  }

  @Test
  void jdbcCatalogInSqliteHoldsTheSameLake() {
    try (TestingLakeTables sqliteLake =
        TestingLakeTables.create(root.resolve("sqlite-lake"), TestingLakeTables.CatalogKind.JDBC_SQLITE)) {
      for (String name : List.of(ALL_TYPES, WITH_EQUALITY_DELETES, EVOLVED, SNAPSHOTS)) {
        List<Record> actual = IndependentReader.sortedBy(IndependentReader.read(sqliteLake.table(name)), "id");
        assertEquals(sqliteLake.expectedRows(name), actual, name);
      }
      assertTrue(Files.isRegularFile(sqliteLake.root().resolve("catalog.db")));
      assertEquals("jdbc", sqliteLake.catalogProperties().get("type"));
    }
  }

  @Test
  void rollsFilesAtTheTargetSize() throws IOException {
    try (Closeable catalog = (Closeable) Catalogs.hadoop(root.resolve("rolling"))) {
      LakeWriter writer = LakeWriter.create((Catalog) catalog).withTargetFileSizeBytes(64 * 1024);
      Table table = writer.createTable(TableIdentifier.of("lake", "rolling"), EVENTS_SCHEMA,
          PartitionSpec.builderFor(EVENTS_SCHEMA).identity("category").build());
      List<Record> rows = TestingLakeTables.events(0, 60_000, LocalDateTime.of(2024, 1, 1, 0, 0),
          Duration.ofSeconds(1));
      LakeCommit commit = writer.appendRecords(table, rows);
      assertEquals(60_000, commit.recordCount());
      assertTrue(commit.dataFiles().size() > 6, "several files per partition: " + commit.dataFiles().size());
      assertEquals(60_000, IndependentReader.count(table));
      assertEquals(1, snapshotCount(table));
    }
  }

  @Test
  void appendsAMillionNarrowRows() throws IOException {
    Schema narrow = new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "k", Types.IntegerType.get()),
        Types.NestedField.optional(3, "v", Types.DoubleType.get()));
    try (Closeable catalog = (Closeable) Catalogs.hadoop(root.resolve("million"))) {
      LakeWriter writer = LakeWriter.create((Catalog) catalog);
      Table unpartitioned = writer.createTable(TableIdentifier.of("lake", "narrow"), narrow,
          PartitionSpec.unpartitioned());
      Table partitioned = writer.createTable(TableIdentifier.of("lake", "narrow_by_k"), narrow,
          PartitionSpec.builderFor(narrow).identity("k").build());
      int rows = 1_000_000;
      for (Table table : List.of(unpartitioned, partitioned)) {
        long start = System.nanoTime();
        LakeCommit commit = writer.appendRecords(table, generated(narrow, rows));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        // Timing is reported, not asserted (see the report in the build output).
        System.out.printf(Locale.ROOT, "appendRecords %s: %d rows in %d ms, %d files%n", table.name(), rows, millis,
            commit.dataFiles().size());
        assertEquals(rows, commit.recordCount());
        assertEquals(rows, commit.dataFiles().stream().mapToLong(file -> file.recordCount()).sum());
      }
    }
  }

  @Test
  void rejectsBadDeletes() throws IOException {
    Table table = lake.table(WITH_POSITION_DELETES);
    LakeWriter writer = LakeWriter.create(lake.catalog());
    MeridianException unknownFile = assertThrows(MeridianException.class,
        () -> writer.deletePositions(table, Map.of("file:/nowhere.parquet", List.of(1L))));
    assertEquals(ErrorCode.INVALID_PARAMETER, unknownFile.errorCode());
    String file = lake.dataFiles(WITH_POSITION_DELETES).get(0).path();
    MeridianException outOfRange = assertThrows(MeridianException.class,
        () -> writer.deletePositions(table, Map.of(file, List.of(500L))));
    assertEquals(ErrorCode.INVALID_PARAMETER, outOfRange.errorCode());
    GenericRecord key = GenericRecord.create(table.schema().select("id"));
    MeridianException unknownColumn = assertThrows(MeridianException.class,
        () -> writer.deleteWhereEquals(table, List.of("nope"), List.of(key)));
    assertEquals(ErrorCode.UNKNOWN_COLUMN, unknownColumn.errorCode());
    try (Closeable catalog = (Closeable) Catalogs.hadoop(root.resolve("v1"))) {
      LakeWriter v1Writer = LakeWriter.create((Catalog) catalog);
      Table v1 = v1Writer.createTable(TableIdentifier.of("lake", "v1"), EVENTS_SCHEMA, PartitionSpec.unpartitioned(),
          Map.of("format-version", "1"));
      MeridianException notSupported = assertThrows(MeridianException.class,
          () -> v1Writer.deleteWhereEquals(v1, List.of("id"), List.of(key)));
      assertEquals(ErrorCode.NOT_SUPPORTED, notSupported.errorCode());
    }
    assertEquals(lake.snapshots(WITH_POSITION_DELETES).size(), snapshotCount(lake.table(WITH_POSITION_DELETES)),
        "nothing was committed");
  }

  private static long snapshotCount(Table table) {
    long count = 0;
    for (var ignored : table.snapshots()) {
      count++;
    }
    return count;
  }

  /** Rows generated on the fly, so the million rows are never all in memory. */
  private static Iterable<Record> generated(Schema schema, int count) {
    GenericRecord template = GenericRecord.create(schema);
    return new AbstractList<Record>() {
      @Override
      public Record get(int index) {
        GenericRecord row = template.copy();
        row.set(0, (long) index);
        row.set(1, index % 16);
        row.set(2, index * 0.5);
        return row;
      }

      @Override
      public int size() {
        return count;
      }
    };
  }

  private static String partitionPathOf(String table, Record row) {
    LocalDateTime ts = (LocalDateTime) row.getField("ts");
    long id = (Long) row.getField("id");
    return switch (table) {
      case TestingLakeTables.BY_IDENTITY -> "category=" + row.getField("category");
      case TestingLakeTables.BY_YEAR -> ts == null ? "ts_year=null" : "ts_year=" + ts.getYear();
      case TestingLakeTables.BY_MONTH -> ts == null ? "ts_month=null"
          : String.format(Locale.ROOT, "ts_month=%04d-%02d", ts.getYear(), ts.getMonthValue());
      case TestingLakeTables.BY_DAY -> ts == null ? "ts_day=null" : "ts_day=" + ts.toLocalDate();
      case TestingLakeTables.BY_HOUR -> ts == null ? "ts_hour=null"
          : String.format(Locale.ROOT, "ts_hour=%s-%02d", ts.toLocalDate(), ts.getHour());
      case TestingLakeTables.BY_BUCKET -> "id_bucket=" + TestingLakeTables.bucket(id, 8);
      case TestingLakeTables.BY_TRUNCATE -> "id_trunc=" + (id - id % 10);
      default -> throw new IllegalArgumentException(table);
    };
  }
}
