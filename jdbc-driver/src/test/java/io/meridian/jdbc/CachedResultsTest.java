package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.engine.MeridianEngine;
import io.meridian.testing.TestingPostgreSql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The result cache through the driver, against a real PostgreSQL and real Iceberg tables: answers are reused only while
 * every source still has the version they were read at (a lake commit, a version query's change make the next query
 * miss), never beyond the caller's {@code maxStaleness}, never across callers, never for volatile or failing queries;
 * concurrent identical queries reach the source once. Source queries are counted in the engine's query log; expected
 * values come from PostgreSQL and from the rows the test wrote.
 */
class CachedResultsTest {
  private static TestingPostgreSql postgres;
  private static Path dir;
  private static Path config;
  private static Table events;
  private static LakeWriter writer;
  private static long nextId;

  @BeforeAll
  static void setUp() throws Exception {
    postgres = TestingWarehouse.get().postgres;
    postgres.createDatabase("cachedb");
    postgres.execute("cachedb", """
        CREATE TABLE items (id int PRIMARY KEY, amount int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
        INSERT INTO items (id, amount) SELECT g, g * 10 FROM generate_series(1, 100) g;
        CREATE TABLE flag (x int);
        CREATE TABLE tagged (id int PRIMARY KEY);
        INSERT INTO tagged SELECT g FROM generate_series(1, 10) g;
        CREATE VIEW guarded AS SELECT 100 / (SELECT count(*) FROM flag) AS q;
        CREATE VIEW slow_items AS SELECT i.id, i.amount FROM items i, (SELECT pg_sleep(0.5)) s;
        """);
    dir = Files.createTempDirectory("meridian-cache-test");
    Configuration conf = new Configuration(false);
    conf.set("fs.defaultFS", "file:///");
    HadoopCatalog catalog = new HadoopCatalog(conf, dir.resolve("warehouse").toString());
    catalog.createNamespace(Namespace.of("lake"));
    writer = LakeWriter.create(catalog);
    events = writer.createTable(TableIdentifier.of("lake", "events"), new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.required(2, "country", Types.StringType.get())), PartitionSpec.unpartitioned());
    append(100);
    config = dir.resolve("meridian.yaml");
    String url = postgres.jdbcUrl("cachedb");
    Files.writeString(config, """
        sources:
          - name: lake
            kind: lake
            catalog: { type: hadoop, warehouse: warehouse }
            namespace: lake
          - name: pg
            kind: postgresql
            url: %1$s
            user: postgres
            password: ""
            freshness: { version-query: "SELECT max(updated_at), count(*) FROM items" }
          - name: pgttl
            kind: postgresql
            url: %1$s
            user: postgres
            password: ""
            freshness: { ttl: 1h }
          - name: pgtab
            kind: postgresql
            url: %1$s
            user: postgres
            password: ""
            freshness:
              version-query: "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relname = '{table}'"
          - name: pgnone
            kind: postgresql
            url: %1$s
            user: postgres
            password: ""
        cache: { max-bytes: 64MB, max-entry-bytes: 1MB }
        """.formatted(url), StandardCharsets.UTF_8);
  }

  @AfterAll
  static void tearDown() {
    MeridianEngine.shared(config).close();
  }

  @BeforeEach
  void emptyCache() {
    engine().results().invalidateAll();
  }

  private static MeridianEngine engine() {
    return MeridianEngine.shared(config);
  }

  /** Appends {@code n} rows (countries GB and US alternating) in one commit. */
  private static void append(int n) {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GenericRecord r = GenericRecord.create(events.schema());
      r.setField("id", nextId);
      r.setField("country", nextId % 2 == 0 ? "GB" : "US");
      nextId++;
      records.add(r);
    }
    writer.appendRecords(events, records);
  }

  private static Connection connect(String... properties) throws SQLException {
    Properties p = new Properties();
    for (int i = 0; i < properties.length; i += 2) {
      p.setProperty(properties[i], properties[i + 1]);
    }
    return DriverManager.getConnection("jdbc:meridian:config=" + config, p);
  }

  /** The answer as text, and how many queries reached the sources while it was computed. */
  private record Answer(String rows, int sourceQueries) {}

  private static Answer run(Connection c, String sql) throws Exception {
    List<String> sent = Collections.synchronizedList(new ArrayList<>());
    try (AutoCloseable ignored = engine().queryLog().listen((source, query) -> sent.add(source));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return new Answer(text(rs), sent.size());
    }
  }

  private static String text(ResultSet rs) throws SQLException {
    StringBuilder b = new StringBuilder();
    int n = rs.getMetaData().getColumnCount();
    while (rs.next()) {
      for (int i = 1; i <= n; i++) {
        b.append(i > 1 ? "|" : "").append(rs.getString(i));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String explain(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long pgLong(String sql) throws SQLException {
    try (Connection c = postgres.connect("cachedb"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void aLakeCommitMakesTheNextQueryMiss() throws Exception {
    String sql = "SELECT country, count(*) FROM lake.events GROUP BY country ORDER BY country";
    try (Connection c = connect()) {
      Answer first = run(c, sql);
      assertEquals(1, first.sourceQueries());
      assertTrue(explain(c, sql).contains("Result cache: hit"), explain(c, sql));
      Answer second = run(c, sql);
      assertEquals(first.rows(), second.rows());
      assertEquals(0, second.sourceQueries(), "answered from the cache");

      append(3);
      assertTrue(explain(c, sql).contains("Result cache: miss"), explain(c, sql));
      Answer third = run(c, sql);
      assertEquals(1, third.sourceQueries(), "the commit changed the snapshot, so the answer was recomputed");
      long gb = 0;
      for (long id = 0; id < nextId; id++) {
        gb += id % 2 == 0 ? 1 : 0;
      }
      assertEquals("GB|" + gb + "\nUS|" + (nextId - gb) + "\n", third.rows());
    }
  }

  @Test
  void maxStalenessBoundsHowOldTheSourceVersionsMayBe() throws Exception {
    String sql = "SELECT count(*) FROM lake.events";
    try (Connection relaxed = connect("maxStaleness", "1h"); Connection strict = connect("maxStaleness", "0")) {
      long before = Long.parseLong(run(relaxed, sql).rows().trim());
      assertEquals(nextId, before);
      append(2);
      // The relaxed caller accepts versions read up to an hour ago: the answer it gets is allowed to miss the commit.
      Answer stale = run(relaxed, sql);
      assertEquals(0, stale.sourceQueries());
      assertEquals(before, Long.parseLong(stale.rows().trim()));
      // The strict caller reads the versions now, and so sees the commit.
      assertEquals(nextId, Long.parseLong(run(strict, sql).rows().trim()));
    }
  }

  @Test
  void aStatementHintOverridesTheConnection() throws Exception {
    String sql = "SELECT count(*) FROM lake.events";
    String relaxed = "SELECT /*+ cache(max_staleness='1h') */ count(*) FROM lake.events";
    try (Connection c = connect()) {
      long before = Long.parseLong(run(c, relaxed).rows().trim());
      append(1);
      Answer stale = run(c, relaxed);
      assertEquals(0, stale.sourceQueries(), "the statement accepts versions read up to an hour ago");
      assertEquals(before, Long.parseLong(stale.rows().trim()));
      assertEquals(nextId, Long.parseLong(run(c, sql).rows().trim()), "the connection's default (0) reads them now");
      assertEquals(0, run(c, sql).sourceQueries());
      assertEquals(1, run(c, "SELECT /*+ cache(mode='off') */ count(*) FROM lake.events").sourceQueries());
      SQLException bad = assertThrows(SQLException.class,
          () -> run(c, "SELECT /*+ cache(freshness='1h') */ count(*) FROM lake.events"));
      assertEquals("42000", bad.getSQLState());
      assertTrue(bad.getMessage().contains("line 1, column") && bad.getMessage().contains("freshness"),
          bad.getMessage());
    }
  }

  @Test
  void aVersionQuerySeesAWarehouseChange() throws Exception {
    String sql = "SELECT sum(amount) FROM pg.items";
    try (Connection c = connect()) {
      Answer first = run(c, sql);
      assertEquals(String.valueOf(pgLong("SELECT sum(amount) FROM items")), first.rows().trim());
      Answer second = run(c, sql);
      assertEquals(0, second.sourceQueries());
      assertEquals(first.rows(), second.rows());
      postgres.execute("cachedb", "INSERT INTO items (id, amount) VALUES (1000 + (SELECT count(*) FROM items), 7)");
      Answer third = run(c, sql);
      assertEquals(1, third.sourceQueries());
      assertEquals(String.valueOf(pgLong("SELECT sum(amount) FROM items")), third.rows().trim());
    }
  }

  @Test
  void aPerTableVersionQueryVersionsOnlyTheTablesRead() throws Exception {
    String sql = "SELECT count(*) FROM pgtab.tagged";
    try (Connection c = connect()) {
      // The ten rows inserted when the table was made must be counted before the first answer is kept.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (statistics("tagged") < 10 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      run(c, sql);
      long flag = statistics("flag");
      postgres.execute("cachedb", "INSERT INTO flag VALUES (2); DELETE FROM flag WHERE x = 2");
      awaitStatistics("flag", flag);
      assertEquals(0, run(c, sql).sourceQueries(), "a write to another table leaves the answer valid");
      long tagged = statistics("tagged");
      postgres.execute("cachedb", "INSERT INTO tagged VALUES (11)");
      awaitStatistics("tagged", tagged);
      Answer after = run(c, sql);
      assertEquals(1, after.sourceQueries());
      assertEquals("11", after.rows().trim());
    }
  }

  private static long statistics(String table) throws SQLException {
    return pgLong("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), -1) FROM pg_stat_user_tables "
        + "WHERE relname = '" + table + "'");
  }

  /**
   * PostgreSQL publishes a session's table counters when the session goes idle, within about a second: waits (at most
   * ten seconds) until the counters of {@code table} differ from {@code before}.
   */
  private static void awaitStatistics(String table, long before) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (statistics(table) == before && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  @Test
  void sourcesWithoutVersionsAreNotCachedAndTimeToLiveNeedsAllowedStaleness() throws Exception {
    try (Connection c = connect()) {
      String none = "SELECT count(*) FROM pgnone.items";
      run(c, none);
      assertEquals(1, run(c, none).sourceQueries());
      assertTrue(explain(c, none).contains("source 'pgnone' cannot tell its data version"), explain(c, none));

      String ttl = "SELECT count(*) FROM pgttl.items";
      run(c, ttl);
      assertEquals(1, run(c, ttl).sourceQueries(), "default maxStaleness 0 accepts no time-to-live answer");
      assertTrue(explain(c, ttl).contains("has only a time-to-live"), explain(c, ttl));
    }
    try (Connection c = connect("maxStaleness", "10m")) {
      String ttl = "SELECT count(*) FROM pgttl.items";
      run(c, ttl);
      assertEquals(0, run(c, ttl).sourceQueries());
    }
  }

  @Test
  void answersAreNotSharedAcrossCallers() throws Exception {
    String sql = "SELECT count(*) FROM lake.events WHERE country = 'GB'";
    try (Connection alice = connect("user", "alice"); Connection bob = connect("user", "bob")) {
      assertEquals(1, run(alice, sql).sourceQueries());
      assertEquals(0, run(alice, sql).sourceQueries());
      Answer forBob = run(bob, sql);
      assertEquals(1, forBob.sourceQueries(), "bob does not get alice's answer");
    }
  }

  @Test
  void parametersAreInTheKey() throws Exception {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT amount FROM pg.items WHERE id = ?")) {
      for (int round = 0; round < 2; round++) {
        for (int id : new int[] {3, 7}) {
          ps.setInt(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(id * 10, rs.getInt(1));
          }
        }
      }
    }
    try (Connection c = connect()) {
      assertTrue(explain(c, "SELECT amount FROM pg.items WHERE id = ?").contains("depends on the parameter values"));
    }
  }

  @Test
  void volatileQueriesAreNotCached() throws Exception {
    String sql = "SELECT CURRENT_TIMESTAMP, count(*) FROM pg.items";
    try (Connection c = connect()) {
      run(c, sql);
      assertEquals(1, run(c, sql).sourceQueries());
      assertTrue(explain(c, sql).contains("CURRENT_TIMESTAMP"), explain(c, sql));
    }
  }

  @Test
  void cacheModesOffAndOnly() throws Exception {
    String sql = "SELECT max(id) FROM lake.events";
    try (Connection only = connect("cacheMode", "only"); Connection off = connect("cacheMode", "off");
        Connection on = connect()) {
      SQLException miss = assertThrows(SQLException.class, () -> run(only, sql));
      assertEquals("55000", miss.getSQLState());
      assertTrue(miss.getMessage().contains("cacheMode=only"), miss.getMessage());
      Answer fresh = run(on, sql);
      Answer cached = run(only, sql);
      assertEquals(fresh.rows(), cached.rows());
      assertEquals(0, cached.sourceQueries());
      assertEquals(1, run(off, sql).sourceQueries());
      assertEquals(1, run(off, sql).sourceQueries());
      SQLException uncacheable = assertThrows(SQLException.class,
          () -> run(only, "SELECT count(*) FROM pgnone.items"));
      assertEquals("55000", uncacheable.getSQLState());
    }
  }

  @Test
  void concurrentIdenticalQueriesRunOnce() throws Exception {
    String sql = "SELECT count(*), sum(amount) FROM pg.slow_items";
    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<String> sent = Collections.synchronizedList(new ArrayList<>());
    try (AutoCloseable ignored = engine().queryLog().listen((source, query) -> sent.add(query))) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> answers = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        answers.add(pool.submit(() -> {
          try (Connection c = connect(); Statement s = c.createStatement()) {
            start.await();
            try (ResultSet rs = s.executeQuery(sql)) {
              return text(rs);
            }
          }
        }));
      }
      start.countDown();
      String expected = pgLong("SELECT count(*) FROM items") + "|" + pgLong("SELECT sum(amount) FROM items") + "\n";
      for (Future<String> answer : answers) {
        assertEquals(expected, answer.get(60, TimeUnit.SECONDS));
      }
      assertEquals(1, sent.stream().filter(q -> q.contains("slow_items")).count(), sent.toString());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void failuresAreNotCached() throws Exception {
    String sql = "SELECT q FROM pg.guarded";
    try (Connection c = connect()) {
      SQLException e = assertThrows(SQLException.class, () -> run(c, sql));
      assertEquals("22012", e.getSQLState());
      postgres.execute("cachedb", "INSERT INTO flag VALUES (1)");
      // The version query does not see the flag table: only an uncached failure lets this succeed.
      assertEquals("100\n", run(c, sql).rows());
    }
  }

  @Test
  void largeAnswersStreamAndAreNotKept() throws Exception {
    // About 1.5 MB of rows estimated, above max-entry-bytes (1MB): streamed in full, and not kept.
    String sql = "SELECT a.id, b.id, 'padding-padding-padding' FROM pg.items a, pg.items b";
    try (Connection c = connect()) {
      long rows = pgLong("SELECT count(*) * count(*) FROM items");
      Answer first = run(c, sql);
      assertEquals(rows, first.rows().lines().count());
      assertEquals(1, run(c, sql).sourceQueries(), "too large to keep");
      assertTrue(readStat(c, "oversized") >= 2);
    }
  }

  @Test
  void statisticsTable() throws Exception {
    try (Connection c = connect()) {
      String sql = "SELECT count(*) FROM lake.events";
      long hits = readStat(c, "hits");
      run(c, sql);
      run(c, sql);
      assertEquals(hits + 1, readStat(c, "hits"));
      assertTrue(readStat(c, "entries") >= 1);
      assertTrue(readStat(c, "bytes") > 0);
      assertEquals(64L << 20, readStat(c, "max_bytes"));
      assertTrue(explain(c, "SELECT * FROM meridian.cache").contains("Meridian's own table"));

      // The same numbers for the server's metrics tooling, over JMX.
      var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
      javax.management.ObjectName mine = server.queryNames(new javax.management.ObjectName("io.meridian:type=Cache,*"),
          null).stream().filter(n -> {
            try {
              return config.toString().equals(server.getAttribute(n, "Configuration"));
            } catch (javax.management.JMException e) {
              return false;
            }
          }).findFirst().orElseThrow();
      assertEquals(readStat(c, "hits"), (Long) server.getAttribute(mine, "ResultHits"));
      assertEquals(64L << 20, (Long) server.getAttribute(mine, "ResultMaxBytes"));
    }
  }

  private static long readStat(Connection c, String column) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + column + " FROM meridian.cache WHERE cache = 'result'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
