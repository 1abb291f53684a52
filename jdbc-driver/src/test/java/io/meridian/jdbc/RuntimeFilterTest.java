package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.engine.MeridianEngine;
import io.meridian.spi.SourceQueryListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime filters (dynamic filtering): a lake fact table joined with filtered PostgreSQL dimensions reads only the
 * rows whose keys the dimensions kept. Every answer is checked against PostgreSQL, which holds the same fact rows;
 * what the lake was sent, and how many rows it returned, is read from the engine's query log.
 */
class RuntimeFilterTest {
  private static final int SALES = 30_000;
  private static final TestingWarehouse WAREHOUSE = TestingWarehouse.get();
  @TempDir
  static Path dir;
  private static Path config;
  private static Path fewKeysConfig;
  private static Path offConfig;

  /** One source query and the rows its source returned. */
  private record Sent(String source, String query, long rows) {}

  @BeforeAll
  static void load() throws Exception {
    WAREHOUSE.postgres.createDatabase("rf");
    WAREHOUSE.postgres.execute("rf", """
        CREATE TABLE products (id int PRIMARY KEY, category text NOT NULL);
        INSERT INTO products SELECT g, 'c' || (g % 10) FROM generate_series(1, 200) g;
        CREATE TABLE stores (code text PRIMARY KEY, region text NOT NULL);
        INSERT INTO stores SELECT 'S' || lpad(g::text, 2, '0'), (ARRAY['N', 'S', 'E', 'W'])[1 + g % 4]
          FROM generate_series(1, 20) g;
        CREATE TABLE days (d date PRIMARY KEY, yr int NOT NULL, mon int NOT NULL);
        INSERT INTO days SELECT d, extract(year FROM d), extract(month FROM d)
          FROM generate_series(date '2023-01-01', date '2024-12-31', interval '1 day') d;
        CREATE TABLE sales (line_id bigint, product_id int, store_code text, sold_on date, amount bigint);
        ANALYZE;
        """);
    Schema schema = new Schema(
        Types.NestedField.required(1, "line_id", Types.LongType.get()),
        Types.NestedField.optional(2, "product_id", Types.IntegerType.get()),
        Types.NestedField.optional(3, "store_code", Types.StringType.get()),
        Types.NestedField.optional(4, "sold_on", Types.DateType.get()),
        Types.NestedField.optional(5, "amount", Types.LongType.get()));
    Configuration conf = new Configuration(false);
    conf.set("fs.defaultFS", "file:///");
    HadoopCatalog catalog = new HadoopCatalog(conf, dir.resolve("warehouse").toString());
    catalog.createNamespace(Namespace.of("lake"));
    Table table = catalog.createTable(TableIdentifier.of("lake", "sales"), schema,
        PartitionSpec.builderFor(schema).month("sold_on").build());
    List<Record> records = new ArrayList<>();
    StringBuilder copy = new StringBuilder();
    for (int i = 0; i < SALES; i++) {
      // Every 1,000th line has no product, and every 1,000th (another one) a product no dimension row has.
      Integer product = i % 1000 == 7 ? null : i % 1000 == 8 ? 999 : 1 + (i * 7) % 200;
      String store = "S" + String.format(java.util.Locale.ROOT, "%02d", 1 + i % 20);
      LocalDate day = LocalDate.of(2023, 1, 1).plusDays((i * 13L) % 731);
      GenericRecord r = GenericRecord.create(schema);
      r.setField("line_id", (long) i);
      r.setField("product_id", product);
      r.setField("store_code", store);
      r.setField("sold_on", day);
      r.setField("amount", (long) (i % 97));
      records.add(r);
      copy.append(i).append('\t').append(product == null ? "\\N" : product).append('\t').append(store).append('\t')
          .append(day).append('\t').append(i % 97).append('\n');
    }
    LakeWriter.create(catalog).appendRecords(table, records);
    try (Connection pg = WAREHOUSE.postgres.connect("rf")) {
      pg.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn("COPY sales FROM STDIN",
          new java.io.StringReader(copy.toString()));
    }
    config = write("meridian.yaml", "");
    fewKeysConfig = write("meridian-few-keys.yaml", "planner: { runtime-filter-max-keys: 5 }\n");
    offConfig = write("meridian-off.yaml", "planner: { runtime-filter-max-keys: 0 }\n");
  }

  private static Path write(String name, String extra) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, """
        sources:
          - name: pg
            kind: postgresql
            url: %s
            user: postgres
            password: ""
          - name: lake
            kind: lake
            catalog: { type: hadoop, warehouse: warehouse }
            namespace: lake
        """.formatted(WAREHOUSE.postgres.jdbcUrl("rf")) + extra, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void theLakeReturnsOnlyRowsWhoseKeysTheFilteredDimensionKept() throws Exception {
    String sql = "SELECT p.category, count(*), sum(s.amount) FROM lake.sales s JOIN pg.products p"
        + " ON s.product_id = p.id WHERE p.category = 'c3' GROUP BY p.category";
    assertTrue(explain(config, sql).contains("RuntimeFilterBuild"), () -> explain(config, sql));
    List<Sent> sent = new ArrayList<>();
    assertEquals(postgres(sql), meridian(config, sql, sent));
    Sent lake = lakeQuery(sent);
    assertTrue(lake.query().contains("\"product_id\" IN (SELECT k FROM \"meridian_runtime_filter_1\")"), lake.query());
    assertEquals(count("SELECT count(*) FROM sales s JOIN products p ON s.product_id = p.id WHERE p.category = 'c3'"),
        lake.rows());
  }

  @Test
  void twoFilteredDimensionsFilterTheSameScanAndAStringKeyWorks() throws Exception {
    String sql = "SELECT t.region, p.category, count(*), sum(s.amount) FROM lake.sales s"
        + " JOIN pg.products p ON s.product_id = p.id JOIN pg.stores t ON s.store_code = t.code"
        + " WHERE p.category IN ('c1', 'c2') AND t.region = 'N' GROUP BY t.region, p.category";
    List<Sent> sent = new ArrayList<>();
    assertEquals(postgres(sql), meridian(config, sql, sent));
    Sent lake = lakeQuery(sent);
    assertEquals(2, count(Pattern.compile("IN \\(SELECT k FROM"), lake.query()), lake.query());
    assertEquals(count("SELECT count(*) FROM sales s JOIN products p ON s.product_id = p.id"
        + " JOIN stores t ON s.store_code = t.code WHERE p.category IN ('c1', 'c2') AND t.region = 'N'"), lake.rows());
  }

  /** Through a union (the shape of a hybrid table), each branch's scan is filtered. */
  @Test
  void eachBranchOfAUnionIsFiltered() throws Exception {
    String sql = "SELECT count(*), sum(u.amount) FROM (SELECT product_id, amount FROM lake.sales"
        + " WHERE sold_on < DATE '2024-01-01' UNION ALL SELECT product_id, amount FROM lake.sales"
        + " WHERE sold_on >= DATE '2024-01-01') u JOIN pg.products p ON u.product_id = p.id WHERE p.category = 'c5'";
    List<Sent> sent = new ArrayList<>();
    assertEquals(postgres(sql), meridian(config, sql, sent));
    List<Sent> lake = sent.stream().filter(s -> s.source().equals("lake")).toList();
    assertEquals(2, lake.stream().mapToInt(s -> count(Pattern.compile("IN \\(SELECT k FROM"), s.query())).sum(),
        lake::toString);
    assertEquals(count("SELECT count(*) FROM sales s JOIN products p ON s.product_id = p.id"
        + " WHERE p.category = 'c5'"), lake.stream().mapToLong(Sent::rows).sum());
  }

  /**
   * Outer joins whose right input is the larger get their inputs swapped, so the lake's rows stream and the small
   * side is hashed (a left join becomes a right join of the swapped inputs); rows without a partner stay.
   */
  @Test
  void outerJoinsHashTheSmallerSideAndKeepTheirUnmatchedRows() throws Exception {
    String on = " ON s.product_id = p.id AND s.amount > 90";
    for (String sql : List.of(
        "SELECT p.category, count(s.line_id), count(*) FROM pg.products p LEFT JOIN lake.sales s" + on
            + " GROUP BY p.category",
        "SELECT p.category, count(s.line_id), count(*) FROM lake.sales s RIGHT JOIN pg.products p" + on
            + " GROUP BY p.category",
        "SELECT count(p.id), count(s.line_id), count(*) FROM pg.products p FULL JOIN lake.sales s" + on)) {
      String plan = explain(config, sql);
      assertTrue(Pattern.compile("EnumerableHashJoin\\([^\\n]*\\n\\s*SourceQuery\\(source=\\[lake\\]")
          .matcher(plan).find(), plan);
      assertEquals(postgres(sql), meridian(config, sql, new ArrayList<>()), sql);
    }
  }

  /** A date dimension's keys narrow Iceberg's planning: only the month's partition is read. */
  @Test
  void dateKeysPruneTheLakesFiles() throws Exception {
    String sql = "SELECT d.yr, d.mon, count(*), sum(s.amount) FROM lake.sales s JOIN pg.days d"
        + " ON s.sold_on = d.d WHERE d.yr = 2024 AND d.mon = 3 GROUP BY d.yr, d.mon";
    List<Sent> sent = new ArrayList<>();
    assertEquals(postgres(sql), meridian(config, sql, sent));
    Sent lake = lakeQuery(sent);
    Matcher files = Pattern.compile("lake_scan_0 reads \\[([^\\]]*)\\]").matcher(lake.query());
    assertTrue(files.find(), lake.query());
    assertEquals(1, files.group(1).split(", ").length, files.group(1));
    assertTrue(files.group(1).contains("sold_on_month=2024-03"), files.group(1));
  }

  /** Beyond the key limit only the keys' range is sent; the answer is the same. */
  @Test
  void moreKeysThanTheLimitSendTheirRange() throws Exception {
    String sql = "SELECT count(*), sum(s.amount) FROM lake.sales s JOIN pg.products p ON s.product_id = p.id"
        + " WHERE p.id BETWEEN 50 AND 80 AND p.category <> 'c0'";
    List<Sent> sent = new ArrayList<>();
    assertEquals(postgres(sql), meridian(fewKeysConfig, sql, sent));
    Sent lake = lakeQuery(sent);
    assertTrue(lake.query().contains("(\"product_id\" BETWEEN 51 AND 79)"), lake.query());
    assertFalse(lake.query().contains("IN (SELECT k"), lake.query());
  }

  @Test
  void aBuildSideWithNoRowsLetsNoLakeRowThrough() throws Exception {
    String sql = "SELECT count(*) FROM lake.sales s JOIN pg.products p ON s.product_id = p.id"
        + " WHERE p.category = 'none'";
    List<Sent> sent = new ArrayList<>();
    assertEquals(List.of("0"), meridian(config, sql, sent));
    Sent lake = lakeQuery(sent);
    assertEquals(0, lake.rows());
    assertTrue(lake.query().contains("lake_scan_0 reads []"), lake.query());
  }

  /** Each execution of a prepared statement filters with its own build side's keys, never an earlier one's. */
  @Test
  void eachExecutionUsesItsOwnKeys() throws Exception {
    String sql = "SELECT p.category, count(*), sum(s.amount) FROM lake.sales s JOIN pg.products p"
        + " ON s.product_id = p.id WHERE p.category = ? GROUP BY p.category";
    try (Connection c = DriverManager.getConnection("jdbc:meridian:config=" + config);
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (String category : List.of("c1", "c2", "none", "c9", "c1")) {
        ps.setString(1, category);
        try (ResultSet rs = ps.executeQuery()) {
          assertEquals(postgres(sql.replace("?", "'" + category + "'")), rows(rs), category);
        }
      }
    }
  }

  @Test
  void noFilterForAnUnfilteredBuildSideOrWhenTurnedOff() throws Exception {
    String whole = "SELECT p.category, count(*) FROM lake.sales s JOIN pg.products p ON s.product_id = p.id"
        + " GROUP BY p.category";
    assertFalse(explain(config, whole).contains("RuntimeFilterBuild"), () -> explain(config, whole));
    assertEquals(postgres(whole), meridian(config, whole, new ArrayList<>()));
    String filtered = "SELECT count(*) FROM lake.sales s JOIN pg.products p ON s.product_id = p.id"
        + " WHERE p.category = 'c3'";
    assertFalse(explain(offConfig, filtered).contains("RuntimeFilterBuild"), () -> explain(offConfig, filtered));
    assertEquals(postgres(filtered), meridian(offConfig, filtered, new ArrayList<>()));
  }

  private static List<String> meridian(Path configFile, String sql, List<Sent> sent) throws Exception {
    MeridianEngine engine = MeridianEngine.shared(configFile);
    SourceQueryListener listener = new SourceQueryListener() {
      @Override
      public void querySent(String source, String query) {}

      @Override
      public void rowsReturned(String source, String query, long rows) {
        synchronized (sent) {
          sent.add(new Sent(source, query, rows));
        }
      }
    };
    try (AutoCloseable ignored = engine.queryLog().listen(listener);
        Connection c = DriverManager.getConnection("jdbc:meridian:config=" + configFile);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    }
  }

  private static String explain(Path configFile, String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:meridian:config=" + configFile);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static Sent lakeQuery(List<Sent> sent) {
    List<Sent> lake = sent.stream().filter(s -> s.source().equals("lake")).toList();
    assertEquals(1, lake.size(), () -> "expected one lake query, got " + sent);
    return lake.get(0);
  }

  private static List<String> postgres(String sql) throws SQLException {
    try (Connection pg = WAREHOUSE.postgres.connect("rf"); Statement s = pg.createStatement();
        ResultSet rs = s.executeQuery(sql.replace("lake.", "").replace("pg.", ""))) {
      return rows(rs);
    }
  }

  private static long count(String sql) throws SQLException {
    return Long.parseLong(postgres(sql).get(0));
  }

  private static int count(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Rows as text, sorted (the queries' order is not what is tested). */
  private static List<String> rows(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<String> rows = new ArrayList<>();
    while (rs.next()) {
      StringBuilder row = new StringBuilder();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        row.append(i > 1 ? "|" : "").append(rs.getString(i));
      }
      rows.add(row.toString());
    }
    rows.sort(null);
    return rows;
  }
}
