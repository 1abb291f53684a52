package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.engine.MeridianEngine;
import io.meridian.engine.SourceQueryLog;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pushdown is asserted on the SQL actually sent to PostgreSQL (as Trino's connector tests do), and results against
 * the same query run directly on PostgreSQL.
 */
class PostgreSqlPushdownTest {
  private final TestingWarehouse warehouse = TestingWarehouse.get();

  /** Runs a query through Meridian and returns the queries it sent to sources. */
  private List<SourceQueryLog.Entry> sent(String sql) throws Exception {
    MeridianEngine engine = MeridianEngine.shared(warehouse.config);
    List<SourceQueryLog.Entry> sent = new ArrayList<>();
    try (AutoCloseable ignored = engine.queryLog().listen((source, query) -> {
          synchronized (sent) {
            sent.add(new SourceQueryLog.Entry(source, query, java.time.Instant.EPOCH));
          }
        });
        Connection c = DriverManager.getConnection(warehouse.url());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        // drain
      }
    }
    // Planning may read row-count statistics from pg_class; those are not the query's data.
    sent.removeIf(e -> e.query().contains("pg_catalog.pg_class"));
    return sent;
  }

  private static String only(List<SourceQueryLog.Entry> sent) {
    assertEquals(1, sent.size(), () -> "expected one source query, got " + sent);
    return sent.get(0).query();
  }

  @Test
  void filterAndProjectionRunInPostgreSql() throws Exception {
    String sql = only(sent("SELECT name FROM customers WHERE country = 'GB' AND vip"));
    assertTrue(sql.contains("WHERE \"country\" = 'GB' AND \"vip\""), sql);
    assertTrue(sql.startsWith("SELECT \"name\"\nFROM \"public\".\"customers\""), sql);
  }

  @Test
  void aggregationRunsInPostgreSql() throws Exception {
    String sql = only(sent("SELECT customer_id, sum(amount) AS total, count(*) AS n FROM orders GROUP BY customer_id"));
    assertTrue(sql.contains("GROUP BY \"customer_id\""), sql);
    assertTrue(sql.contains("SUM(\"amount\")"), sql);
    assertTrue(sql.contains("COUNT(*)"), sql);
  }

  @Test
  void sortAndLimitRunInPostgreSql() throws Exception {
    String sql = only(sent("SELECT id, amount FROM orders WHERE amount IS NOT NULL ORDER BY amount DESC, id LIMIT 5"));
    assertTrue(sql.contains("ORDER BY \"amount\" DESC"), sql);
    assertTrue(sql.contains("FETCH NEXT 5 ROWS ONLY") || sql.contains("LIMIT 5"), sql);
  }

  @Test
  void joinWithinOneSourceRunsThere() throws Exception {
    String sql = only(sent("SELECT c.name, sum(o.amount) FROM customers c JOIN orders o ON o.customer_id = c.id "
        + "WHERE c.vip GROUP BY c.name"));
    assertTrue(sql.contains("INNER JOIN"), sql);
    assertTrue(sql.contains("GROUP BY"), sql);
  }

  @Test
  void joinAcrossSourcesRunsInMeridianWithFiltersPushedToEach() throws Exception {
    String query = "SELECT s.segment, count(*) AS n, sum(o.amount) AS total FROM warehouse.orders o "
        + "JOIN crm.segments s ON s.customer_id = o.customer_id WHERE o.amount > 10 GROUP BY s.segment";
    List<SourceQueryLog.Entry> sent = sent(query);
    assertEquals(2, sent.size(), sent::toString);
    Map<String, String> bySource = new HashMap<>();
    sent.forEach(e -> bySource.put(e.source(), e.query()));
    assertTrue(bySource.get("warehouse").contains("WHERE \"amount\" > 10"), bySource::toString);
    assertFalse(bySource.get("warehouse").contains("segments"), bySource::toString);
    assertTrue(bySource.get("crm").contains("\"segments\""), bySource::toString);

    // The answer equals the same join computed by PostgreSQL itself (both databases are on one server).
    Map<String, BigDecimal> expected = new HashMap<>();
    try (Connection pg = warehouse.postgres.connect("sales"); Statement s = pg.createStatement()) {
      Map<Integer, String> segments = Map.of(1, "enterprise", 2, "smb", 3, "smb");
      ResultSet rs = s.executeQuery("SELECT customer_id, amount FROM orders WHERE amount > 10");
      while (rs.next()) {
        String segment = segments.get(rs.getInt(1));
        if (segment != null) {
          expected.merge(segment, rs.getBigDecimal(2), BigDecimal::add);
        }
      }
    }
    Map<String, BigDecimal> actual = new HashMap<>();
    try (Connection c = DriverManager.getConnection(warehouse.url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      while (rs.next()) {
        actual.put(rs.getString(1), rs.getBigDecimal(3));
      }
    }
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertEquals(0, v.compareTo(actual.get(k)), k));
  }

  @Test
  void explainShowsEachSourceQueryAndWhatRanInMeridian() throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR SELECT s.segment, count(*) FROM warehouse.orders o "
            + "JOIN crm.segments s ON s.customer_id = o.customer_id WHERE o.amount > 10 GROUP BY s.segment")) {
      assertTrue(rs.next());
      String plan = rs.getString(1);
      assertTrue(plan.contains("SourceQuery(source=[warehouse]"), plan);
      assertTrue(plan.contains("SourceQuery(source=[crm]"), plan);
      assertTrue(plan.contains("Join"), plan);
      assertTrue(plan.contains("warehouse: SELECT"), plan);
      assertTrue(plan.contains("WHERE \"amount\" > 10"), plan);
    }
  }
}
