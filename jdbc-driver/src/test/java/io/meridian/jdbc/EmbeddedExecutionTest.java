package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.engine.MeridianEngine;
import java.math.BigDecimal;
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
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedExecutionTest {
  private final TestingWarehouse warehouse = TestingWarehouse.get();

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(warehouse.url());
  }

  @Test
  void typesMapFaithfully() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT id, customer_id, amount, ordered_at, paid_at, ship_date FROM orders WHERE id IN (1, 1001) ORDER BY id")) {
      ResultSetMetaData md = rs.getMetaData();
      assertEquals(Types.BIGINT, md.getColumnType(1));
      assertEquals(Types.INTEGER, md.getColumnType(2));
      assertEquals(Types.DECIMAL, md.getColumnType(3));
      assertEquals(12, md.getPrecision(3));
      assertEquals(2, md.getScale(3));
      assertEquals(Types.TIMESTAMP, md.getColumnType(4));
      assertEquals(Types.TIMESTAMP, md.getColumnType(5));
      assertEquals(Types.DATE, md.getColumnType(6));
      assertTrue(rs.next());
      assertEquals(1L, rs.getLong(1));
      assertEquals(new BigDecimal("1.25"), rs.getBigDecimal(3));
      // timestamp: the stored wall clock, whatever the JVM zone (tests run in Asia/Kolkata).
      assertEquals(LocalDateTime.of(2024, 1, 1, 1, 0), rs.getTimestamp(4).toLocalDateTime());
      // timestamptz: the instant's UTC wall clock.
      assertEquals(LocalDateTime.of(2024, 1, 1, 1, 0), rs.getTimestamp(5).toLocalDateTime());
      assertEquals(LocalDate.of(2024, 1, 2), rs.getDate(6).toLocalDate());
      assertTrue(rs.next());
      assertNull(rs.getBigDecimal(3));
      assertNull(rs.getTimestamp(4));
      assertNull(rs.getTimestamp(5));
      assertNull(rs.getDate(6));
    }
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, country, vip FROM customers WHERE id = 3")) {
      assertEquals(Types.CHAR, rs.getMetaData().getColumnType(2));
      assertEquals(Types.BOOLEAN, rs.getMetaData().getColumnType(3));
      assertTrue(rs.next());
      assertEquals("FI", rs.getString(2));
      rs.getBoolean(3);
      assertTrue(rs.wasNull());
    }
  }

  @Test
  void preparedStatementsReuseTheirPlan() throws SQLException {
    MeridianEngine engine = MeridianEngine.shared(warehouse.config);
    String sql = "SELECT count(*) FROM orders WHERE customer_id = ? AND amount > ?";
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 1);
      ps.setBigDecimal(2, new BigDecimal("50"));
      long first = count(ps);
      ps.setInt(1, 2);
      long second = count(ps);
      assertTrue(first > 0 && second > 0);
      try (Connection pg = warehouse.postgres.connect("sales");
          PreparedStatement direct = pg.prepareStatement("SELECT count(*) FROM orders WHERE customer_id = ? AND amount > 50")) {
        direct.setInt(1, 1);
        assertEquals(count(direct), first);
      }
    }
    var before = engine.planCacheStats();
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, 3);
      ps.setBigDecimal(2, BigDecimal.ONE);
      count(ps);
    }
    var after = engine.planCacheStats();
    assertEquals(before.size(), after.size(), "a repeated statement must not add a plan");
    assertEquals(before.hits() + 1, after.hits(), "a repeated statement must reuse its cached plan");
  }

  private static long count(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * {@code fails_late} raises division by zero at row 150,000. Rows before it arrive only if the result streams: a
   * buffered read would fail before the first row.
   */
  @Test
  void resultsStreamFromTheSource() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, q FROM fails_late")) {
      for (int i = 0; i < 10_000; i++) {
        assertTrue(rs.next());
      }
      SQLException e = assertThrows(SQLException.class, () -> {
        while (rs.next()) {
          // read on until the source fails
        }
      });
      assertTrue(e.getMessage().contains("warehouse"), e.getMessage());
      assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
    }
  }

  @Test
  void largeResultIsComplete() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM big")) {
      long n = 0;
      long sum = 0;
      while (rs.next()) {
        n++;
        sum += rs.getLong(1);
      }
      assertEquals(200_000, n);
      assertEquals(200_000L * 200_001L / 2, sum);
    }
  }

  /** A sum of 200,000 integers passes Integer.MAX_VALUE: the sum must widen, as PostgreSQL's does, not wrap. */
  @Test
  void sumsOfIntegersWiden() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sum(id), sum(CAST(id AS BIGINT) * 100000) FROM big")) {
      assertTrue(rs.next());
      assertEquals(Types.BIGINT, rs.getMetaData().getColumnType(1));
      assertEquals(200_000L * 200_001L / 2, rs.getLong(1));
      assertEquals(2_000_010_000_000_000L, rs.getLong(2));
    }
    // The same sums computed in Meridian itself (over VALUES, which no source runs).
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sum(x), sum(CAST(x AS BIGINT)) "
            + "FROM (VALUES (2000000000), (2000000000)) AS t(x)")) {
      assertTrue(rs.next());
      assertEquals(4_000_000_000L, rs.getLong(1));
      assertEquals(4_000_000_000L, rs.getLong(2));
    }
  }

  @Test
  void queryTimeoutStopsTheSourceQuery() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        s.setQueryTimeout(1);
        SQLException e = assertThrows(SQLException.class, () -> {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM slow")) {
            rs.next();
          }
        });
        assertEquals("57014", e.getSQLState(), e.getMessage());
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM customers")) {
          assertTrue(rs.next());
          assertEquals(4, rs.getInt(1));
        }
      }
    });
  }

  @Test
  void cancelStopsTheSourceQuery() {
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (Connection c = connect(); Statement s = c.createStatement()) {
        CompletableFuture<Void> cancel = CompletableFuture.runAsync(() -> {
          try {
            Thread.sleep(500);
            s.cancel();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        assertThrows(SQLException.class, () -> {
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM slow")) {
            rs.next();
          }
        });
        cancel.get(10, TimeUnit.SECONDS);
      }
      try (Connection c = connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM customers")) {
        assertTrue(rs.next());
      }
    });
  }

  @Test
  void errorsNameWhatIsWrongWithSqlState() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      SQLException syntax = assertThrows(SQLException.class, () -> s.executeQuery("SELECT id FROM orders WHERE"));
      assertEquals("42601", syntax.getSQLState());
      assertTrue(syntax.getMessage().contains("line 1, column"), syntax.getMessage());

      SQLException table = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM nope"));
      assertEquals("42P01", table.getSQLState());
      assertTrue(table.getMessage().contains("nope"), table.getMessage());
      assertTrue(table.getMessage().contains("line 1, column 15"), table.getMessage());

      SQLException column = assertThrows(SQLException.class, () -> s.executeQuery("SELECT bogus FROM orders"));
      assertEquals("42703", column.getSQLState());
      assertTrue(column.getMessage().contains("bogus"), column.getMessage());

      SQLException prepared = assertThrows(SQLException.class, () -> c.prepareStatement("SELECT FROM"));
      assertEquals("42601", prepared.getSQLState());
      assertTrue(prepared.getMessage().contains("line 1, column"), prepared.getMessage());

      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
        assertTrue(rs.next());
        assertEquals(1001, rs.getInt(1));
      }
    }
  }

  @Test
  void sourceThatIsDownIsNamedAndOthersKeepWorking(@TempDir Path dir) throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, """
        sources:
          - name: up
            kind: postgresql
            url: %s
            user: postgres
          - name: down
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1:%d/nothing
            user: postgres
            pool: { connection-timeout: 2s }
        """.formatted(warehouse.postgres.jdbcUrl("sales"), closedPort), StandardCharsets.UTF_8);
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      try (Connection c = DriverManager.getConnection("jdbc:meridian:config=" + config);
          Statement s = c.createStatement()) {
        SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM down.anything"));
        assertEquals("08001", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("'down'"), e.getMessage());
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM up.customers")) {
          assertTrue(rs.next());
          assertEquals(4, rs.getInt(1));
        }
      }
    });
  }

  @Test
  void badConfigurationNamesFileAndLine(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, """
        sources:
          - name: warehouse
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1:1/x
            pool: { max-size: 0 }
        """, StandardCharsets.UTF_8);
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:meridian:config=" + config));
    assertEquals("F0000", e.getSQLState());
    assertTrue(e.getMessage().contains("meridian.yaml:5"), e.getMessage());
    assertTrue(e.getMessage().contains("max-size must be between 1 and 1000"), e.getMessage());
  }

  /**
   * An eight-table join across two sources plans through the bounded join-order search. (The time it takes is a
   * benchmark figure, not asserted here; the preemptive bound only keeps a regression from hanging the build.)
   */
  @Test
  void manyWayJoinPlansWithBoundedSearch() {
    String sql = "EXPLAIN PLAN FOR SELECT c1.name, count(*) FROM customers c1 "
        + "JOIN orders o1 ON o1.customer_id = c1.id "
        + "JOIN customers c2 ON c2.id = o1.customer_id "
        + "JOIN orders o2 ON o2.customer_id = c2.id AND o2.id = o1.id "
        + "JOIN crm.segments s1 ON s1.customer_id = c1.id "
        + "JOIN crm.segments s2 ON s2.customer_id = c2.id "
        + "JOIN customers c3 ON c3.id = s2.customer_id "
        + "JOIN crm.segments s3 ON s3.customer_id = c3.id "
        + "WHERE c1.country = 'GB' GROUP BY c1.name";
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        assertTrue(rs.next());
        assertTrue(rs.getString(1).contains("SourceQuery"));
      }
    });
  }
}
