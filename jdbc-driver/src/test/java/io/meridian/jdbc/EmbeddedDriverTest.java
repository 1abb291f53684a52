package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class EmbeddedDriverTest {
  private final TestingWarehouse warehouse = TestingWarehouse.get();

  @Test
  void queriesAndExplains() throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.url()); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT country, count(*) AS n FROM customers GROUP BY country ORDER BY n DESC, country");
      int rows = 0;
      while (rs.next()) {
        rows++;
      }
      assertEquals(4, rows);
      ResultSet explain = s.executeQuery("EXPLAIN PLAN FOR SELECT c.name, sum(o.amount) FROM customers c "
          + "JOIN orders o ON o.customer_id = c.id WHERE c.vip GROUP BY c.name");
      assertTrue(explain.next());
      String plan = explain.getString(1);
      System.out.println(plan);
      assertTrue(plan.contains("SourceQuery(source=[warehouse]"), plan);
    }
  }

  @Test
  void syntaxErrorHasSqlState() throws SQLException {
    try (Connection c = DriverManager.getConnection(warehouse.url()); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT FROM WHERE"));
      System.out.println(e.getSQLState() + " " + e.getMessage());
      assertEquals("42601", e.getSQLState());
    }
  }
}
