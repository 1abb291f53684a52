package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Governed metrics through SQL: every expected value is computed by PostgreSQL from plain SQL. */
class SemanticQueryTest {
  private final TestingWarehouse warehouse = TestingWarehouse.get();

  private List<List<String>> meridian(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    }
  }

  private List<List<String>> postgres(String db, String sql) throws SQLException {
    try (Connection c = warehouse.postgres.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    }
  }

  private static List<List<String>> rows(ResultSet rs) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    ResultSetMetaData md = rs.getMetaData();
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        Object v = rs.getObject(i);
        row.add(v == null ? null : v instanceof Number n && !(v instanceof Long || v instanceof Integer)
            ? new java.math.BigDecimal(n.toString()).stripTrailingZeros().toPlainString() : v.toString());
      }
      rows.add(row);
    }
    return rows;
  }

  @Test
  void measureByDimensionInEveryForm() throws SQLException {
    List<List<String>> expected = postgres("sales",
        "SELECT c.country, sum(o.amount) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
            + "GROUP BY c.country ORDER BY c.country NULLS LAST");
    for (String form : List.of("revenue", "SUM(revenue)", "AGGREGATE(revenue)", "MEASURE(revenue)")) {
      assertEquals(expected, meridian("SELECT country, " + form + " FROM semantic.orders GROUP BY country "
          + "ORDER BY country NULLS LAST"), form);
    }
  }

  @Test
  void functionsWithoutParenthesesAreNotColumns() throws SQLException {
    // CURRENT_DATE and CURRENT_TIMESTAMP are calls, not columns of the semantic table.
    List<List<String>> expected = postgres("sales", "SELECT c.country, sum(o.amount) FROM orders o "
        + "LEFT JOIN customers c ON c.id = o.customer_id WHERE o.ordered_at < CURRENT_TIMESTAMP "
        + "GROUP BY c.country ORDER BY c.country NULLS LAST");
    assertEquals(expected, meridian("SELECT country, revenue FROM semantic.orders "
        + "WHERE ordered_at < CURRENT_TIMESTAMP GROUP BY country ORDER BY country NULLS LAST"));
  }

  @Test
  void singleSourceMetricQueryIsOneAggregateQueryInPostgreSql() throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR SELECT country, revenue, order_count "
            + "FROM semantic.orders WHERE vip GROUP BY country")) {
      rs.next();
      String plan = rs.getString(1);
      assertTrue(plan.contains("SourceQuery(source=[warehouse]"), plan);
      assertEquals(1, plan.split("SourceQuery\\(").length - 1, plan);
      assertTrue(plan.contains("GROUP BY"), plan);
      assertTrue(plan.contains("SUM(\"t_orders\".\"amount\")") || plan.contains("SUM("), plan);
    }
  }

  @Test
  void noFanOutAcrossOneToMany() throws SQLException {
    // customer_count lives on customers; revenue on orders (many orders per customer). Each is aggregated at its
    // own grain before they meet, so customers are not counted once per order.
    List<List<String>> expected = postgres("sales", """
        SELECT c.country, r.revenue, c.n
        FROM (SELECT country, count(*) AS n FROM customers GROUP BY country) c
        FULL JOIN (SELECT cu.country, sum(o.amount) AS revenue FROM orders o LEFT JOIN customers cu ON cu.id = o.customer_id
                   GROUP BY cu.country) r ON coalesce(c.country, '~') = coalesce(r.country, '~')
        ORDER BY c.country NULLS LAST""");
    assertEquals(expected, meridian("SELECT country, revenue, customer_count FROM semantic.orders "
        + "GROUP BY country ORDER BY country NULLS LAST"));
  }

  @Test
  void ratioAcrossTablesAndDerivedMetrics() throws SQLException {
    List<List<String>> expected = postgres("sales", """
        SELECT c.vip, (r.revenue::float8 / nullif(c.n, 0)), (r.big::float8 / r.n)
        FROM (SELECT vip, count(*) AS n FROM customers GROUP BY vip) c
        FULL JOIN (SELECT cu.vip, sum(o.amount) AS revenue, count(*) FILTER (WHERE o.amount >= 100) AS big, count(*) AS n
                   FROM orders o LEFT JOIN customers cu ON cu.id = o.customer_id GROUP BY cu.vip) r
          ON coalesce(c.vip::text, '~') = coalesce(r.vip::text, '~')
        ORDER BY c.vip NULLS LAST""");
    List<List<String>> actual = meridian("SELECT vip, AGGREGATE(revenue_per_customer), big_share "
        + "FROM semantic.orders GROUP BY vip ORDER BY vip NULLS LAST");
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).get(0), actual.get(i).get(0));
      for (int j = 1; j < 3; j++) {
        String e = expected.get(i).get(j);
        String a = actual.get(i).get(j);
        if (e == null || a == null) {
          assertEquals(e, a);
        } else {
          assertEquals(Double.parseDouble(e), Double.parseDouble(a), 1e-9);
        }
      }
    }
  }

  @Test
  void wrongAggregatesNeverGiveADifferentNumber() throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.url()); Statement s = c.createStatement()) {
      SQLException distinct = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT country, SUM(buyers) FROM semantic.orders GROUP BY country"));
      assertTrue(distinct.getMessage().contains("distinct count"), distinct.getMessage());
      SQLException ratio = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT country, SUM(revenue_per_customer) FROM semantic.orders GROUP BY country"));
      assertTrue(ratio.getMessage().contains("ratio"), ratio.getMessage());
      SQLException avg = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT AVG(revenue) FROM semantic.orders"));
      assertTrue(avg.getMessage().contains("governed value"), avg.getMessage());
      SQLException fanOut = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT ship_date__month, customer_count FROM semantic.customers GROUP BY ship_date__month"));
      assertTrue(fanOut.getMessage().contains("more than once"), fanOut.getMessage());
      SQLException unknown = assertThrows(SQLException.class,
          () -> s.executeQuery("SELECT nope FROM semantic.orders GROUP BY nope"));
      assertEquals("42703", unknown.getSQLState(), unknown.getMessage());
      // The connection still works.
      assertEquals(List.of(List.of("1001")), rows(s.executeQuery("SELECT order_count FROM semantic.orders")));
    }
  }

  @Test
  void filtersSegmentsTimeGrainsAndComposition() throws SQLException {
    List<List<String>> expected = postgres("sales", """
        SELECT date_trunc('month', o.ordered_at), count(*), max(o.amount)
        FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
        WHERE o.amount >= 50 AND c.country IN ('GB', 'US')
        GROUP BY 1 HAVING count(*) > 10 ORDER BY 1 LIMIT 3""");
    List<List<String>> actual = meridian("SELECT ordered_at__month, order_count, MAX(max_amount) "
        + "FROM semantic.orders WHERE big_ticket AND country IN ('GB', 'US') GROUP BY ordered_at__month "
        + "HAVING order_count > 10 ORDER BY ordered_at__month LIMIT 3");
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).subList(1, 3), actual.get(i).subList(1, 3));
    }
    // A CTE and a window function over the governed result, joined to an ordinary table.
    List<List<String>> ranked = meridian("""
        WITH by_country AS (SELECT country, revenue FROM semantic.orders GROUP BY country)
        SELECT b.country, RANK() OVER (ORDER BY b.revenue DESC) AS r, s.segment
        FROM by_country b JOIN crm.segments s ON s.customer_id = (SELECT min(id) FROM warehouse.customers c
          WHERE c.country = b.country)
        ORDER BY r""");
    assertTrue(!ranked.isEmpty());
    assertEquals("1", ranked.get(0).get(1));
  }

  /** orders (warehouse) -> customers (warehouse) -> segments (crm): the fact query joins across sources in Meridian. */
  @Test
  void measuresGroupedByADimensionOfAnotherSource() throws SQLException {
    java.util.Map<String, java.math.BigDecimal> expected = new java.util.TreeMap<>();
    java.util.Map<Integer, String> segments = new java.util.HashMap<>();
    for (List<String> row : postgres("crm", "SELECT customer_id, segment FROM segments")) {
      segments.put(Integer.parseInt(row.get(0)), row.get(1));
    }
    for (List<String> row : postgres("sales", "SELECT customer_id, amount FROM orders WHERE amount IS NOT NULL")) {
      String segment = segments.getOrDefault(Integer.parseInt(row.get(0)), "NULL");
      expected.merge(segment, new java.math.BigDecimal(row.get(1)), java.math.BigDecimal::add);
    }
    java.util.Map<String, java.math.BigDecimal> actual = new java.util.TreeMap<>();
    for (List<String> row : meridian("SELECT segment, revenue FROM semantic.orders GROUP BY segment")) {
      actual.put(row.get(0) == null ? "NULL" : row.get(0), new java.math.BigDecimal(row.get(1)));
    }
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((k, v) -> assertEquals(0, v.compareTo(actual.get(k)), k));
  }

  @Test
  void runningTotalOverMonths() throws SQLException {
    List<List<String>> expected = postgres("sales", """
        SELECT m, sum(revenue) OVER (ORDER BY m) FROM (
          SELECT date_trunc('month', ordered_at) AS m, sum(amount) AS revenue FROM orders
          WHERE ordered_at IS NOT NULL GROUP BY 1) x ORDER BY m""");
    List<List<String>> actual = meridian("SELECT ordered_at__month, running_revenue FROM semantic.orders "
        + "WHERE ordered_at__month IS NOT NULL GROUP BY ordered_at__month ORDER BY ordered_at__month");
    assertEquals(expected.stream().map(r -> r.get(1)).toList(), actual.stream().map(r -> r.get(1)).toList());
  }

  @Test
  void metadataDescribesColumnsAndTheCatalogListsMetrics() throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.url())) {
      try (ResultSet rs = c.getMetaData().getColumns(null, "semantic", "orders", "revenue")) {
        assertTrue(rs.next());
        assertTrue(rs.getString("REMARKS").contains("measure"), rs.getString("REMARKS"));
        assertTrue(rs.getString("REMARKS").contains("Sum of order amounts."), rs.getString("REMARKS"));
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT name, kind, definition, groupable_by FROM meridian.metrics WHERE name = 'revenue_per_customer'")) {
        assertTrue(rs.next());
        assertEquals("metric", rs.getString(2));
        assertEquals("orders.revenue / customers.customer_count", rs.getString(3));
        assertEquals("customers,segments", rs.getString(4));
      }
    }
  }
}
