package io.meridian.connector.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.lake.testing.IndependentReader;
import io.meridian.connector.lake.testing.TestingLakeTables;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lake connector over real Iceberg tables and Parquet folders. Expected rows come from Iceberg's own generic
 * reader ({@link IndependentReader}); pruning is asserted on the data files DuckDB was given to open.
 */
class LakeConnectorTest {
  private static final Pattern READS = Pattern.compile("lake_scan_\\d+ reads \\[([^\\]]*)\\]");

  private static TestingLakeTables lake;
  private static JdbcConnector connector;
  private static final List<String> sent = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void setUp() {
    lake = TestingLakeTables.shared();
    connector = LakeConnector.create(new LakeSettings("lake", lake.catalogProperties(), TestingLakeTables.NAMESPACE,
        Optional.of(lake.parquetEventsFolder().getParent()), 4, Duration.ofSeconds(10), "1GB", 2),
        (source, query) -> sent.add(query));
  }

  @AfterAll
  static void tearDown() {
    if (connector != null) {
      connector.close();
    }
  }

  static Connection connect(JdbcConnector source) throws SQLException {
    Properties p = new Properties();
    p.setProperty("unquotedCasing", "TO_LOWER");
    p.setProperty("caseSensitive", "false");
    p.setProperty("fun", "standard,postgresql");
    Connection c = DriverManager.getConnection("jdbc:calcite:", p);
    c.unwrap(CalciteConnection.class).getRootSchema().add(source.name(), source.schema()).setCacheEnabled(true);
    return c;
  }

  private static List<List<Object>> query(String sql) throws SQLException {
    sent.clear();
    try (Connection c = connect(connector); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  /** The data files the last query's scans gave DuckDB, from the head comment of the SQL it ran. */
  private static Set<String> filesOpened() {
    Set<String> files = new HashSet<>();
    for (String sql : sent) {
      Matcher m = READS.matcher(sql);
      while (m.find()) {
        for (String f : m.group(1).split(",\\s*")) {
          if (!f.isBlank()) {
            files.add(f.trim());
          }
        }
      }
    }
    return files;
  }

  private static Set<String> localPaths(List<TestingLakeTables.FileInfo> files) {
    return files.stream().map(f -> f.localPath().toString()).collect(Collectors.toSet());
  }

  private static List<Long> ids(List<List<Object>> rows) {
    return rows.stream().map(r -> ((Number) r.get(0)).longValue()).sorted().toList();
  }

  private static List<Long> ids(List<Record> records, String column) {
    return records.stream().map(r -> ((Number) r.getField(column)).longValue()).sorted().toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {TestingLakeTables.BY_IDENTITY, TestingLakeTables.BY_YEAR, TestingLakeTables.BY_MONTH,
      TestingLakeTables.BY_DAY, TestingLakeTables.BY_HOUR, TestingLakeTables.BY_BUCKET, TestingLakeTables.BY_TRUNCATE})
  void everyPartitionTransformPrunesToTheFilesThatCanMatch(String table) throws SQLException {
    List<Record> all = IndependentReader.read(lake.table(table));
    Record probe = IndependentReader.sortedBy(all, "id").get(all.size() / 2);
    String predicate = switch (table) {
      case TestingLakeTables.BY_IDENTITY -> "category = '" + probe.getField("category") + "'";
      case TestingLakeTables.BY_BUCKET, TestingLakeTables.BY_TRUNCATE -> "id = " + probe.getField("id");
      default -> "ts = TIMESTAMP '" + literal((LocalDateTime) probe.getField("ts")) + "'";
    };
    List<List<Object>> rows = query("SELECT id FROM lake." + table + " WHERE " + predicate);
    List<Record> expected = all.stream().filter(r -> switch (table) {
      case TestingLakeTables.BY_IDENTITY -> probe.getField("category").equals(r.getField("category"));
      case TestingLakeTables.BY_BUCKET, TestingLakeTables.BY_TRUNCATE -> probe.getField("id").equals(r.getField("id"));
      default -> probe.getField("ts").equals(r.getField("ts"));
    }).toList();
    assertEquals(ids(expected, "id"), ids(rows), predicate);
    Set<String> opened = filesOpened();
    Set<String> dataFiles = localPaths(lake.dataFiles(table));
    assertFalse(opened.isEmpty(), "no data file opened for " + predicate);
    assertTrue(dataFiles.containsAll(opened), () -> "opened files not of the table: " + opened);
    assertTrue(opened.size() < dataFiles.size(),
        () -> table + ": " + opened.size() + " of " + dataFiles.size() + " files opened for " + predicate);
  }

  @Test
  void aggregationsRunInDuckDbOverTheWholeTable() throws SQLException {
    List<List<Object>> rows = query("SELECT category, count(*), sum(quantity) FROM lake.by_day GROUP BY category");
    Map<String, long[]> expected = new TreeMap<>();
    for (Record r : IndependentReader.read(lake.table(TestingLakeTables.BY_DAY))) {
      long[] agg = expected.computeIfAbsent(String.valueOf(r.getField("category")), k -> new long[2]);
      agg[0]++;
      agg[1] += r.getField("quantity") == null ? 0 : ((Number) r.getField("quantity")).longValue();
    }
    Map<String, long[]> actual = new TreeMap<>();
    for (List<Object> row : rows) {
      actual.put(String.valueOf(row.get(0)), new long[] {((Number) row.get(1)).longValue(),
          row.get(2) == null ? 0 : ((Number) row.get(2)).longValue()});
    }
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertEquals(List.of(v[0], v[1]), List.of(actual.get(k)[0], actual.get(k)[1]), k));
    String pushed = String.join("\n", sent);
    assertTrue(pushed.contains("GROUP BY") && pushed.contains("COUNT(*)"), pushed);
  }

  @ParameterizedTest
  @ValueSource(strings = {TestingLakeTables.WITH_POSITION_DELETES, TestingLakeTables.WITH_EQUALITY_DELETES})
  void deletesAreApplied(String table) throws SQLException {
    Table t = lake.table(table);
    assertTrue(!lake.deleteFiles(table).isEmpty(), "fixture has delete files");
    assertEquals(ids(IndependentReader.read(t), "id"), ids(query("SELECT id FROM lake." + table)));
    assertEquals(IndependentReader.count(t), ((Number) query("SELECT count(*) FROM lake." + table).get(0).get(0))
        .longValue());
  }

  @Test
  void evolvedSchemasReadByFieldId() throws SQLException {
    Table t = lake.table(TestingLakeTables.EVOLVED);
    List<String> columns = t.schema().columns().stream().map(f -> f.name()).toList();
    List<List<Object>> rows = query("SELECT " + String.join(", ", columns.stream().map(c -> '"' + c + '"').toList())
        + " FROM lake.evolved ORDER BY id");
    List<Record> expected = IndependentReader.sortedBy(IndependentReader.read(t), "id");
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < expected.size(); i++) {
      for (int c = 0; c < columns.size(); c++) {
        assertEquals(normalize(expected.get(i).getField(columns.get(c))), normalize(rows.get(i).get(c)),
            "row " + i + " column " + columns.get(c));
      }
    }
  }

  @Test
  void evolvedPartitionSpecsReadCorrectly() throws SQLException {
    Table t = lake.table(TestingLakeTables.SPEC_EVOLVED);
    assertEquals(ids(IndependentReader.read(t), "id"), ids(query("SELECT id FROM lake.spec_evolved")));
    Record probe = IndependentReader.sortedBy(IndependentReader.read(t), "id").get(0);
    LocalDateTime ts = (LocalDateTime) probe.getField("ts");
    assertEquals(ids(IndependentReader.read(t, Expressions.equal("ts", org.apache.iceberg.expressions.Literal.of(
            ts.toString()).to(org.apache.iceberg.types.Types.TimestampType.withoutZone()).value())), "id"),
        ids(query("SELECT id FROM lake.spec_evolved WHERE ts = TIMESTAMP '" + literal(ts) + "'")));
  }

  private static String literal(LocalDateTime ts) {
    return ts.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", java.util.Locale.ROOT));
  }

  /**
   * Snapshot pinning ({@code "table@snapshot"}) is tested through the engine (jdbc-driver's LakeQueryTest): Calcite's
   * caching schema, which a plain {@code jdbc:calcite:} connection uses, lists table names once and so cannot resolve
   * names that are not listed.
   */
  @Test
  void snapshotsAreReadAsOfTheirIds() {
    Table t = lake.table(TestingLakeTables.SNAPSHOTS);
    for (TestingLakeTables.SnapshotInfo s : lake.snapshots(TestingLakeTables.SNAPSHOTS)) {
      LakeScans scans = new LakeScans(new LakeCatalog("lake", Optional.of(lake.catalog()),
          lake.namespace(), Optional.empty()), new org.sqlite.SQLiteDataSource());
      LakeScans.Planned planned = scans.plan(new LakeScanSpec(TestingLakeTables.SNAPSHOTS,
          Optional.of(s.snapshotId()), Optional.empty(), Expressions.alwaysTrue(), java.util.Map.of()));
      String header = planned.details(java.util.OptionalLong.empty()).get(0);
      assertTrue(header.contains(s.snapshotId() + " (pinned)"), header);
      assertEquals(IndependentReader.readAtSnapshot(t, s.snapshotId()).size(), planned.dataFiles().stream()
          .mapToLong(f -> lake.dataFiles(TestingLakeTables.SNAPSHOTS).stream()
              .filter(d -> d.localPath().toString().equals(f)).mapToLong(TestingLakeTables.FileInfo::recordCount)
              .sum()).sum());
    }
  }

  @Test
  void everyTypeReadsAsIcebergHoldsIt() throws SQLException {
    Table t = lake.table(TestingLakeTables.ALL_TYPES);
    List<String> scalars = List.of("id", "c_boolean", "c_int", "c_long", "c_float", "c_double", "c_decimal_38_10",
        "c_decimal_9_2", "c_date", "c_time", "c_timestamp", "c_timestamptz", "c_string", "c_uuid", "c_binary",
        "c_fixed");
    List<List<Object>> rows = query("SELECT " + String.join(", ", scalars) + ", c_list, c_struct, c_map "
        + "FROM lake.all_types ORDER BY id");
    List<Record> expected = IndependentReader.sortedBy(IndependentReader.read(t), "id");
    assertEquals(expected.size(), rows.size());
    for (int i = 0; i < expected.size(); i++) {
      for (int c = 0; c < scalars.size(); c++) {
        assertEquals(normalize(expected.get(i).getField(scalars.get(c))), normalize(rows.get(i).get(c)),
            "row " + i + " column " + scalars.get(c));
      }
      for (int c = 0; c < 3; c++) {
        Object e = expected.get(i).getField(List.of("c_list", "c_struct", "c_map").get(c));
        Object a = rows.get(i).get(scalars.size() + c);
        assertEquals(e == null, a == null, "row " + i + " nested column " + c);
        if (a != null) {
          assertTrue(a instanceof String s && !s.isEmpty(), "nested values read as text: " + a);
        }
      }
    }
  }

  /** Values as comparable text: the JDBC forms Meridian gives and the Java forms Iceberg's reader gives. */
  private static Object normalize(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof BigDecimal d) {
      return d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Float f) {
      return String.valueOf(f.doubleValue());
    }
    if (v instanceof Number n && !(v instanceof Double)) {
      return String.valueOf(n.longValue());
    }
    if (v instanceof Double d) {
      return String.valueOf(d);
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof LocalDate d) {
      return d.toString();
    }
    if (v instanceof java.sql.Time t) {
      // Time.toLocalTime() drops milliseconds; they are in getTime().
      return t.toLocalTime().withNano((int) Math.floorMod(t.getTime(), 1000L) * 1_000_000).toString();
    }
    if (v instanceof LocalTime t) {
      return t.withNano(t.getNano() / 1_000_000 * 1_000_000).toString();
    }
    if (v instanceof java.sql.Timestamp ts) {
      return ts.toLocalDateTime().toString();
    }
    if (v instanceof LocalDateTime ts) {
      return ts.withNano(ts.getNano() / 1_000_000 * 1_000_000).toString();
    }
    if (v instanceof OffsetDateTime ts) {
      LocalDateTime utc = ts.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
      return utc.withNano(utc.getNano() / 1_000_000 * 1_000_000).toString();
    }
    if (v instanceof ByteBuffer b) {
      byte[] bytes = new byte[b.remaining()];
      b.duplicate().get(bytes);
      return java.util.HexFormat.of().formatHex(bytes);
    }
    if (v instanceof byte[] b) {
      return java.util.HexFormat.of().formatHex(b);
    }
    return v.toString();
  }

  @Test
  void parquetFolderWithHivePartitions() throws SQLException {
    List<List<Object>> rows = query("SELECT country, count(*) FROM lake.events GROUP BY country");
    Map<String, Long> actual = new TreeMap<>();
    rows.forEach(r -> actual.put(String.valueOf(r.get(0)), ((Number) r.get(1)).longValue()));
    assertEquals(new TreeMap<>(lake.parquetEventsRowsPerCountry()), actual);
    long us = ((Number) query("SELECT count(*) FROM lake.events WHERE country = 'US'").get(0).get(0)).longValue();
    assertEquals(lake.parquetEventsRowsPerCountry().get("US").longValue(), us);
  }

  @Test
  void jdbcCatalogInSqlite(@TempDir Path dir) throws SQLException {
    try (TestingLakeTables sqlite = TestingLakeTables.create(dir, TestingLakeTables.CatalogKind.JDBC_SQLITE);
        JdbcConnector source = LakeConnector.create(new LakeSettings("lake", sqlite.catalogProperties(),
            TestingLakeTables.NAMESPACE, Optional.empty(), 2, Duration.ofSeconds(10), "1GB", 1),
            (s, q) -> {});
        Connection c = connect(source); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM lake.by_month")) {
      rs.next();
      assertEquals(IndependentReader.count(sqlite.table(TestingLakeTables.BY_MONTH)), rs.getLong(1));
    }
  }
}
