package io.meridian.connector.pinot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.pinot.TestingPinotTables.Order;
import io.meridian.pinot.testing.TestingPinot;
import io.meridian.spi.SourceQueryListener;
import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.calcite.jdbc.CalciteConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Pinot connector against a real Pinot 0.11 (OFFLINE table from CSV files, REALTIME table through Kafka): every
 * pushed operation asserted on the Pinot SQL actually sent, answers compared with values computed here from the
 * generated rows, and the traps where Pinot silently truncates.
 */
class PinotConnectorIT {
  private static TestingPinotTables tables;
  private static final List<String> sent = Collections.synchronizedList(new ArrayList<>());
  /** Rows Pinot returned per query, as the listener was told. */
  private static final List<Long> returned = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void setUp() throws Exception {
    tables = TestingPinotTables.shared();
  }

  static PinotConnector connector(int maxRows, int maxGroups) {
    TestingPinot pinot = tables.pinot();
    return new PinotConnector(new PinotSettings("pinot", pinot.controller(), pinot.broker(), Duration.ofSeconds(5),
        Duration.ofSeconds(30), Optional.empty(), maxRows, maxGroups, PinotSettings.PartialResults.FAIL,
        Duration.ofSeconds(1)), new SourceQueryListener() {
          @Override
          public void querySent(String source, String query) {
            sent.add(query);
          }

          @Override
          public void rowsReturned(String source, String query, long rows) {
            returned.add(rows);
          }
        });
  }

  static Connection connect(PinotConnector source) throws SQLException {
    Properties p = new Properties();
    p.setProperty("caseSensitive", "false");
    Connection c = DriverManager.getConnection("jdbc:calcite:", p);
    c.unwrap(CalciteConnection.class).getRootSchema().add(source.name(), source.schema());
    return c;
  }

  private static List<List<Object>> query(String sql) throws SQLException {
    return query(connector(1_000_000, 100_000), sql);
  }

  private static List<List<Object>> query(PinotConnector connector, String sql) throws SQLException {
    sent.clear();
    returned.clear();
    try (Connection c = connect(connector); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          row.add(v instanceof Array a ? List.of((Object[]) a.getArray()) : v);
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      System.err.println("FAILED " + sql + " SENT " + sent);
      throw e;
    }
  }

  private static String onlySent() {
    assertEquals(1, sent.size(), sent.toString());
    return sent.get(0);
  }

  @Test
  void filtersProjectionsOrderAndLimitArePushed() throws Exception {
    List<List<Object>> rows = query("SELECT id, country, amount FROM pinot.orders "
        + "WHERE country = 'GB' AND amount > 990 ORDER BY id DESC LIMIT 5");
    List<List<Object>> expected = TestingPinotTables.orders().stream()
        .filter(o -> o.country().equals("GB") && o.amount() > 990)
        .sorted((a, b) -> Long.compare(b.id(), a.id())).limit(5)
        .map(o -> List.<Object>of(o.id(), o.country(), o.amount())).toList();
    assertEquals(expected, rows);
    assertEquals("SELECT \"id\", \"country\", \"amount\"\nFROM \"orders\"\n"
        + "WHERE \"country\" = 'GB' AND \"amount\" > 990\nORDER BY \"id\" DESC\nLIMIT 5", onlySent());
  }

  @Test
  void inRangesLikeAndTimestampsArePushed() throws Exception {
    long from = TestingPinotTables.BASE + 100 * 60_000L;
    long to = TestingPinotTables.BASE + 20_000 * 60_000L;
    List<List<Object>> rows = query("SELECT COUNT(*) FROM pinot.orders WHERE country IN ('GB', 'FR', 'JP') "
        + "AND qty BETWEEN 2 AND 4 AND city LIKE 'c1%' AND ts >= TIMESTAMP '2024-03-01 01:40:00' "
        + "AND ts < TIMESTAMP '2024-03-14 21:20:00'");
    long expected = TestingPinotTables.orders().stream()
        .filter(o -> List.of("GB", "FR", "JP").contains(o.country()) && o.qty() >= 2 && o.qty() <= 4
            && o.city().startsWith("c1") && o.ts() >= from && o.ts() < to)
        .count();
    assertEquals(List.of(List.of(expected)), rows);
    String sql = onlySent();
    assertTrue(sql.contains("\"country\" IN ('FR', 'GB', 'JP')"), sql);
    assertTrue(sql.contains("\"qty\" >= 2 AND \"qty\" <= 4"), sql);
    assertTrue(sql.contains("\"city\" LIKE 'c1%'"), sql);
    assertTrue(sql.contains("\"ts\" >= " + from + " AND \"ts\" < " + to), sql);
    assertTrue(sql.startsWith("SELECT COUNT(*)\nFROM \"orders\"\nWHERE"), sql);
  }

  @Test
  void filtersPinotWouldReadDifferentlyStayInMeridian() throws Exception {
    // 990.5 on an integer column: Pinot would read the literal as an integer; UPPER is not pushed.
    List<List<Object>> rows = query("SELECT id FROM pinot.orders WHERE amount > 990.5 AND UPPER(country) = 'GB' "
        + "AND id < 3000 ORDER BY id");
    List<List<Object>> expected = TestingPinotTables.orders().stream()
        .filter(o -> o.amount() > 990.5 && o.country().equals("GB") && o.id() < 3000)
        .map(o -> List.<Object>of(o.id())).toList();
    assertEquals(expected, rows);
    String sql = onlySent();
    assertTrue(sql.contains("WHERE \"id\" < 3000"), sql);
    assertTrue(!sql.contains("990") && !sql.contains("UPPER"), sql);
  }

  @Test
  void theListenerIsToldHowManyRowsPinotReturned() throws Exception {
    List<List<Object>> rows = query("SELECT id, amount FROM pinot.orders WHERE country = 'GB' AND amount > 900");
    assertEquals(List.of((long) rows.size()), returned);
    // A pushed aggregation returns its groups.
    rows = query("SELECT country, COUNT(*) FROM pinot.orders GROUP BY country");
    assertEquals(List.of((long) rows.size()), returned);
    // UPPER stays in Meridian: Pinot returns every row with id < 50, more than the answer has.
    rows = query("SELECT id FROM pinot.orders WHERE id < 50 AND UPPER(country) = 'GB'");
    assertEquals(1, returned.size());
    assertTrue(returned.get(0) >= rows.size() && returned.get(0) == TestingPinotTables.orders().stream()
        .filter(o -> o.id() < 50).count(), returned + " for " + rows.size() + " rows");
  }

  @Test
  void parametersStayInMeridianAndAnswersStayExact() throws Exception {
    sent.clear();
    try (Connection c = connect(connector(1_000_000, 100_000));
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM pinot.orders WHERE country = ? "
            + "AND id < 1000")) {
      for (String country : List.of("GB", "JP", "XX")) {
        ps.setString(1, country);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long expected = TestingPinotTables.orders().stream()
              .filter(o -> o.country().equals(country) && o.id() < 1000).count();
          assertEquals(expected, rs.getLong(1), country);
        }
      }
    }
    assertTrue(sent.stream().allMatch(q -> q.contains("WHERE \"id\" < 1000") && !q.contains("country")),
        sent.toString());
  }

  @Test
  void aggregationsArePushedAndExact() throws Exception {
    List<List<Object>> rows = query("SELECT country, COUNT(*), SUM(amount), MIN(price), MAX(qty), "
        + "COUNT(DISTINCT city) FROM pinot.orders GROUP BY country ORDER BY country");
    Map<String, List<Order>> byCountry = TestingPinotTables.orders().stream()
        .collect(Collectors.groupingBy(Order::country, TreeMap::new, Collectors.toList()));
    List<List<Object>> expected = new ArrayList<>();
    byCountry.forEach((country, orders) -> expected.add(List.of(country, (long) orders.size(),
        orders.stream().mapToLong(Order::amount).sum(), orders.stream().mapToDouble(Order::price).min().orElseThrow(),
        orders.stream().mapToInt(Order::qty).max().orElseThrow(),
        orders.stream().map(Order::city).distinct().count())));
    assertEquals(expected.toString(), rows.toString());
    String sql = onlySent();
    assertTrue(sql.startsWith("SELECT \"country\", COUNT(*)"), sql);
    assertTrue(sql.contains("COUNT(DISTINCT \"city\")"), sql);
    assertTrue(sql.contains("GROUP BY \"country\""), sql);
    assertTrue(sql.endsWith("LIMIT 100001"), sql);
  }

  @Test
  void averagesAreExact() throws Exception {
    List<List<Object>> rows = query("SELECT AVG(price), AVG(amount) FROM pinot.orders WHERE country = 'US'");
    List<Order> us = TestingPinotTables.orders().stream().filter(o -> o.country().equals("US")).toList();
    double avgPrice = us.stream().mapToDouble(Order::price).sum() / us.size();
    long avgAmount = us.stream().mapToLong(Order::amount).sum() / us.size();
    assertEquals(avgPrice, ((Number) rows.get(0).get(0)).doubleValue(), 1e-9);
    assertEquals(avgAmount, ((Number) rows.get(0).get(1)).longValue());
    assertTrue(onlySent().contains("WHERE \"country\" = 'US'"), sent.toString());
  }

  @Test
  void moreGroupsThanPinotsDefaultsAreAllReturned() throws Exception {
    // Pinot's broker returns 10 groups unless told otherwise, and trims groups to 5000 per server.
    List<List<Object>> rows = query("SELECT city, COUNT(*), SUM(amount) FROM pinot.orders GROUP BY city");
    Map<String, long[]> expected = new TreeMap<>();
    for (Order o : TestingPinotTables.orders()) {
      long[] agg = expected.computeIfAbsent(o.city(), k -> new long[2]);
      agg[0]++;
      agg[1] += o.amount();
    }
    assertEquals(TestingPinotTables.CITIES, rows.size());
    Map<String, long[]> actual = new TreeMap<>();
    rows.forEach(r -> actual.put((String) r.get(0), new long[] {(Long) r.get(1), (Long) r.get(2)}));
    expected.forEach((city, agg) -> assertEquals(List.of(agg[0], agg[1]),
        List.of(actual.get(city)[0], actual.get(city)[1]), city));
  }

  @Test
  void pinotsNumGroupsLimitIsAnErrorNotACut() {
    // The test store's servers keep at most 13000 groups per segment (numGroupsLimit); each segment has 15000 ids.
    SQLException e = assertThrows(SQLException.class,
        () -> query("SELECT id, SUM(amount) FROM pinot.orders GROUP BY id"));
    assertTrue(messages(e).contains("numGroupsLimit"), messages(e));
    assertTrue(messages(e).contains("source 'pinot'"), messages(e));
  }

  @Test
  void moreRowsOrGroupsThanTheCapsAreErrors() throws Exception {
    PinotConnector small = connector(1000, 500);
    SQLException rows = assertThrows(SQLException.class, () -> query(small, "SELECT id FROM pinot.orders"));
    assertTrue(messages(rows).contains("more than 1000 rows (max-rows)"), messages(rows));
    assertTrue(sent.get(0).endsWith("LIMIT 1001"), sent.toString());
    SQLException groups = assertThrows(SQLException.class,
        () -> query(small, "SELECT city, COUNT(*) FROM pinot.orders GROUP BY city"));
    assertTrue(messages(groups).contains("more than 500 groups (max-groups)"), messages(groups));
    assertEquals(900, query(small, "SELECT id FROM pinot.orders WHERE id < 900").size());
    assertEquals(20, query(small, "SELECT id FROM pinot.orders ORDER BY amount, id LIMIT 20").size());
  }

  @Test
  void aTopNOverGroupsIsOrderedInMeridian() throws Exception {
    // Pinot trims groups to about 5 * LIMIT per server before merging, so a LIMIT over groups is not pushed.
    List<List<Object>> rows = query("SELECT city, SUM(amount) AS s FROM pinot.orders GROUP BY city "
        + "ORDER BY s DESC, city LIMIT 3");
    Map<String, Long> sums = TestingPinotTables.orders().stream()
        .collect(Collectors.groupingBy(Order::city, Collectors.summingLong(Order::amount)));
    List<List<Object>> expected = sums.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(3).map(e -> List.<Object>of(e.getKey(), e.getValue())).toList();
    assertEquals(expected, rows);
    String sql = onlySent();
    assertTrue(sql.endsWith("GROUP BY \"city\"\nORDER BY SUM(\"amount\") DESC, \"city\"\nLIMIT 100001"), sql);
  }

  @Test
  void aggregatesOverNoRowsAreNull() throws Exception {
    List<List<Object>> rows = query("SELECT COUNT(*), SUM(amount), MIN(price), MAX(qty) FROM pinot.orders "
        + "WHERE country = 'XX'");
    assertEquals(1, rows.size());
    assertEquals(0L, rows.get(0).get(0));
    assertNull(rows.get(0).get(1));
    assertNull(rows.get(0).get(2));
    assertNull(rows.get(0).get(3));
  }

  @Test
  void typesAreFaithful() throws Exception {
    List<List<Object>> rows = query("SELECT id, tags, price, qty, ts FROM pinot.orders WHERE id IN (3, 4)"
        + " ORDER BY id");
    Order three = TestingPinotTables.order(3);
    assertEquals(List.of("a", "b"), rows.get(0).get(1));
    assertEquals(List.of("c"), rows.get(1).get(1));
    assertEquals(three.price(), rows.get(0).get(2));
    assertEquals(three.qty(), rows.get(0).get(3));
    assertEquals(three.ts(), ((java.sql.Timestamp) rows.get(0).get(4)).getTime()
        + java.util.TimeZone.getDefault().getOffset(((java.sql.Timestamp) rows.get(0).get(4)).getTime()));
    try (Connection c = connect(connector(10, 10))) {
      try (ResultSet rs = c.getMetaData().getColumns(null, "pinot", "orders", null)) {
        Map<String, String> types = new TreeMap<>();
        while (rs.next()) {
          types.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
        }
        assertEquals("{amount=BIGINT NOT NULL, city=VARCHAR NOT NULL, country=VARCHAR NOT NULL, id=BIGINT NOT NULL, "
            + "price=DOUBLE NOT NULL, qty=INTEGER NOT NULL, tags=VARCHAR NOT NULL ARRAY NOT NULL, "
            + "ts=TIMESTAMP(3) NOT NULL}", types.toString());
      }
    }
  }

  @Test
  void realtimeEventsFromKafkaAreQueryable() throws Exception {
    TestingPinot pinot = tables.pinot();
    long before = (Long) query("SELECT COUNT(*) FROM pinot.events").get(0).get(0);
    long sum = 0;
    for (int i = 0; i < 50; i++) {
      pinot.produce(TestingPinotTables.EVENTS_TOPIC, "{\"user\":\"rt" + (i % 4) + "\",\"n\":" + i + ",\"ts\":"
          + (TestingPinotTables.BASE + i) + "}");
      sum += i;
    }
    pinot.awaitRowCount("events", before + 50, Duration.ofSeconds(30));
    List<List<Object>> rows = query("SELECT \"user\", COUNT(*), SUM(n) FROM pinot.events WHERE \"user\" LIKE 'rt%' "
        + "GROUP BY \"user\" ORDER BY \"user\"");
    assertEquals(4, rows.size());
    long total = rows.stream().mapToLong(r -> ((Number) r.get(2)).longValue()).sum();
    assertEquals(sum * (before / 50 + 1), total);
    assertTrue(onlySent().contains("GROUP BY \"user\""), sent.toString());
  }

  @Test
  void pinotErrorsNameTheSourceAndCarryPinotsMessage() throws Exception {
    TestingPinot pinot = tables.pinot();
    pinot.addSchema("""
        {"schemaName": "doomed", "dimensionFieldSpecs": [{"name": "k", "dataType": "STRING"}]}
        """);
    pinot.addTable("""
        {"tableName": "doomed", "tableType": "OFFLINE", "segmentsConfig": {"replication": "1",
         "schemaName": "doomed"}, "tableIndexConfig": {}, "tenants": {}, "metadata": {}}
        """);
    PinotConnector connector = connector(100, 100);
    try (Connection c = connect(connector); Statement s = c.createStatement()) {
      s.executeQuery("SELECT COUNT(*) FROM pinot.doomed").close();
      pinot.dropTable("doomed", "OFFLINE");
      // The broker forgets a dropped table a moment later: wait (bounded) until Pinot itself says it is gone.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!pinot.query("SELECT COUNT(*) FROM doomed").contains("TableDoesNotExistError")
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT COUNT(*) FROM pinot.doomed"));
      SQLException root = sqlRoot(e);
      assertEquals("42P01", root.getSQLState(), messages(e));
      assertTrue(messages(e).contains("source 'pinot' failed: TableDoesNotExistError"), messages(e));
    }
    PinotConnector down = new PinotConnector(new PinotSettings("down", URI.create("http://127.0.0.1:9"),
        URI.create("http://127.0.0.1:9"), Duration.ofSeconds(2), Duration.ofSeconds(5), Optional.empty(), 10, 10,
        PinotSettings.PartialResults.FAIL, Duration.ofSeconds(1)), (source, query) -> {});
    io.meridian.spi.MeridianException e = assertThrows(io.meridian.spi.MeridianException.class, down::checkHealth);
    assertEquals("08001", e.sqlState());
    assertTrue(e.getMessage().contains("source 'down' is unavailable"), e.getMessage());
  }

  private static SQLException sqlRoot(Throwable e) {
    SQLException found = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.meridian.spi.MeridianException m) {
        return m.toSqlException();
      }
      if (t instanceof SQLException s) {
        found = s;
      }
    }
    return found;
  }

  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append(" | ");
    }
    return b.toString();
  }
}
