package io.meridian.engine.hybrid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.lake.LakeConnector;
import io.meridian.connector.lake.LakeSettings;
import io.meridian.connector.lake.LakeTimeBound;
import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.engine.config.HybridTableConfig;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.Closeable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import org.apache.calcite.jdbc.CalciteJdbc41Factory;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.Driver;
import org.apache.calcite.jdbc.MeridianCalciteConnection;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid tables split on each kind of time column (TIMESTAMP, DATE, and an integer {@code yyyymmdd} key), over real
 * Iceberg tables: the history holds days up to February 29, the "recent" table (another lake table here; Pinot in
 * production) holds days from February 27 on, so the two overlap by three days and a wrong seam double-counts or
 * loses rows. The answers must equal the truth computed here, each day once.
 */
class HybridTableTest {
  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.required(2, "day_key", Types.IntegerType.get()),
      Types.NestedField.required(3, "day", Types.DateType.get()),
      Types.NestedField.required(4, "at", Types.TimestampType.withoutZone()),
      Types.NestedField.required(5, "amount", Types.IntegerType.get()));
  private static final LocalDate FIRST = LocalDate.of(2024, 2, 25);
  private static final LocalDate HISTORY_LAST = LocalDate.of(2024, 2, 29);
  private static final LocalDate RECENT_FIRST = LocalDate.of(2024, 2, 27);
  private static final LocalDate LAST = LocalDate.of(2024, 3, 5);
  private static final int PER_DAY = 3;

  @TempDir
  static Path dir;
  private static JdbcConnector lake;
  private static HybridConnector hybrid;

  @BeforeAll
  static void setUp() throws Exception {
    Path warehouse = dir.resolve("warehouse");
    Catalog catalog = Catalogs.hadoop(warehouse);
    try {
      LakeWriter writer = LakeWriter.create(catalog);
      Namespace ns = Namespace.of("ns");
      Table history = writer.createTable(TableIdentifier.of(ns, "history"), SCHEMA, PartitionSpec.unpartitioned());
      Table recent = writer.createTable(TableIdentifier.of(ns, "recent"), SCHEMA, PartitionSpec.unpartitioned());
      writer.createTable(TableIdentifier.of(ns, "empty"), SCHEMA, PartitionSpec.unpartitioned());
      writer.appendRecords(history, rows(FIRST, HISTORY_LAST));
      writer.appendRecords(recent, rows(RECENT_FIRST, LAST));
    } finally {
      if (catalog instanceof Closeable c) {
        c.close();
      }
    }
    lake = LakeConnector.create(new LakeSettings("lake", Map.of("type", "hadoop", "warehouse",
        warehouse.toString()), "ns", Optional.empty(), 2, Duration.ofSeconds(10), "256MB", 1), (s, q) -> {});
    hybrid = new HybridConnector("hybrid", List.of(
        new HybridTableConfig("by_key", "lake.history", "lake.recent", "day_key", Duration.ZERO, List.of()),
        new HybridTableConfig("by_day", "lake.history", "lake.recent", "day", Duration.ZERO, List.of()),
        new HybridTableConfig("by_day_1d", "lake.history", "lake.recent", "day", Duration.ofDays(1), List.of()),
        new HybridTableConfig("by_at", "lake.history", "lake.recent", "at", Duration.ZERO, List.of()),
        new HybridTableConfig("by_at_1d", "lake.history", "lake.recent", "at", Duration.ofDays(1), List.of()),
        new HybridTableConfig("from_empty", "lake.empty", "lake.recent", "day_key", Duration.ZERO, List.of())),
        name -> lake);
  }

  @AfterAll
  static void tearDown() {
    if (lake != null) {
      lake.close();
    }
  }

  /** PER_DAY rows a day; ids are unique per day and position, so sums tell which rows were read. */
  private static List<Record> rows(LocalDate from, LocalDate to) {
    List<Record> rows = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      for (int i = 0; i < PER_DAY; i++) {
        GenericRecord r = GenericRecord.create(SCHEMA);
        r.setField("id", d.toEpochDay() * 10 + i);
        r.setField("day_key", d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth());
        r.setField("day", d);
        // Late in the day, to the microsecond: the boundary must not lose the last microseconds of a millisecond.
        r.setField("at", d.atTime(23, 59, 59, 999_999_000 - i * 1000));
        r.setField("amount", i + 1);
        rows.add(r);
      }
    }
    return rows;
  }

  private static String truth(LocalDate from, LocalDate to) {
    long count = 0;
    long ids = 0;
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      for (int i = 0; i < PER_DAY; i++) {
        count++;
        ids += d.toEpochDay() * 10 + i;
      }
    }
    return count + "|" + ids;
  }

  /**
   * A Calcite connection over a plain (uncached) root schema, as the engine's: Calcite's default root caches each
   * schema's table names, and pinned names ({@code t@snapshot}) are not listed.
   */
  private static Connection connect() {
    Properties p = new Properties();
    p.setProperty("unquotedCasing", "TO_LOWER");
    p.setProperty("caseSensitive", "false");
    CalciteSchema root = CalciteSchema.createRootSchema(false, false);
    root.add(lake.name(), lake.schema());
    root.add(hybrid.name(), hybrid.schema());
    return new MeridianCalciteConnection(new Driver(), new CalciteJdbc41Factory(), "jdbc:calcite:", p, root, null);
  }

  private static String countAndSum(String table) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM hybrid." + table)) {
      rs.next();
      return rs.getLong(1) + "|" + rs.getLong(2);
    }
  }

  @Test
  void everyKindOfTimeColumnSplitsWithoutGapOrOverlap() throws SQLException {
    String all = truth(FIRST, LAST);
    for (String table : List.of("by_key", "by_day", "by_day_1d", "by_at", "by_at_1d")) {
      assertEquals(all, countAndSum(table), table);
    }
    // A filter on the time column goes to both sides; the seam stays exact.
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM hybrid.by_key WHERE day_key >= 20240228")) {
      rs.next();
      assertEquals(truth(LocalDate.of(2024, 2, 28), LAST), rs.getLong(1) + "|" + rs.getLong(2));
    }
  }

  @Test
  void anEmptyHistoryReadsEverythingFromTheRecentSide() throws SQLException {
    assertEquals(truth(RECENT_FIRST, LAST), countAndSum("from_empty"));
  }

  @Test
  void boundariesFollowTheColumnsKind() {
    HybridTable byKey = (HybridTable) hybrid.schema().tables().get("by_key");
    HybridTable.Split key = byKey.split();
    assertEquals(LakeTimeBound.Kind.INTEGER, key.kind());
    // 20240229 + 1: not a date, but every later key is at least that.
    assertEquals("20240230", key.literal());
    assertTrue(byKey.sql(key, List.of("id")).contains("FROM \"lake\".\"history@" + key.snapshotId()
        + "\" WHERE \"day_key\" < 20240230\nUNION ALL\nSELECT \"id\" FROM \"lake\".\"recent\" WHERE \"day_key\" >= "
        + "20240230"), byKey.sql(key, List.of("id")));
    assertEquals("DATE '2024-03-01'", ((HybridTable) hybrid.schema().tables().get("by_day")).split().literal());
    assertEquals("DATE '2024-02-29'", ((HybridTable) hybrid.schema().tables().get("by_day_1d")).split().literal());
    // The latest microsecond-precise time, 23:59:59.999999, is read to the millisecond; B is just past it.
    assertEquals("TIMESTAMP '2024-03-01 00:00:00.000'",
        ((HybridTable) hybrid.schema().tables().get("by_at")).split().literal());
    assertEquals("TIMESTAMP '2024-02-29 00:00:00.000'",
        ((HybridTable) hybrid.schema().tables().get("by_at_1d")).split().literal());
    HybridTable empty = (HybridTable) hybrid.schema().tables().get("from_empty");
    HybridTable.Split none = empty.split();
    assertEquals(OptionalLong.empty(), none.boundary());
    assertTrue(empty.sql(none, List.of("id")).contains("WHERE FALSE"), empty.sql(none, List.of("id")));
  }

  @Test
  void aGranularityThatDoesNotFitTheColumnIsAConfigurationError() {
    LakeTimeBound integer = new LakeTimeBound(OptionalLong.of(1), LakeTimeBound.Kind.INTEGER,
        OptionalLong.of(20240229));
    MeridianException e = assertThrows(MeridianException.class, () -> HybridTable.split(integer,
        new HybridTableConfig("t", "lake.h", "lake.r", "k", Duration.ofDays(1), List.of())));
    assertEquals(ErrorCode.INVALID_CONFIGURATION, e.errorCode());
    assertTrue(e.getMessage().contains("an integer column takes none"), e.getMessage());
    LakeTimeBound date = new LakeTimeBound(OptionalLong.of(1), LakeTimeBound.Kind.DATE,
        OptionalLong.of(LocalDate.of(2024, 2, 29).toEpochDay()));
    e = assertThrows(MeridianException.class, () -> HybridTable.split(date,
        new HybridTableConfig("t", "lake.h", "lake.r", "d", Duration.ofHours(12), List.of())));
    assertTrue(e.getMessage().contains("a date column takes whole days"), e.getMessage());
    // A week of days is fine: B is the start of the epoch-aligned 7-day step holding the latest day.
    long days = LocalDate.of(2024, 2, 29).toEpochDay();
    assertEquals(OptionalLong.of(Math.floorDiv(days, 7) * 7), HybridTable.split(date,
        new HybridTableConfig("t", "lake.h", "lake.r", "d", Duration.ofDays(7), List.of())).boundary());
    LakeTimeBound timestamp = new LakeTimeBound(OptionalLong.of(1), LakeTimeBound.Kind.TIMESTAMP,
        OptionalLong.of(LocalDateTime.of(2024, 2, 29, 13, 30).toInstant(java.time.ZoneOffset.UTC).toEpochMilli()));
    assertEquals("TIMESTAMP '2024-02-29 13:00:00.000'", HybridTable.split(timestamp,
        new HybridTableConfig("t", "lake.h", "lake.r", "at", Duration.ofHours(1), List.of())).literal());
  }
}
