package io.meridian.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole demo: PostgreSQL from jars, the data set, the lake, the server; every example query runs remotely, a
 * one-day query over the lake reads one day's files, and a second start reuses the lake.
 */
class DemoTest {
  private static final Pattern FILES_READ = Pattern.compile("files read: (\\d+) of (\\d+)");

  @TempDir
  Path dir;

  @Test
  void examplesRunThroughTheServer() throws Exception {
    String postgresUrl;
    long snapshotId;
    try (Demo demo = Demo.start(dir, 0, 1)) {
      postgresUrl = demo.postgresUrl();
      assertTrue(Files.isRegularFile(dir.resolve("meridian.yaml")));
      String yaml = Files.readString(dir.resolve("meridian.yaml"), StandardCharsets.UTF_8);
      assertTrue(yaml.contains("model:\n  path: model\n"), yaml);
      assertTrue(yaml.contains("  - name: lake\n    kind: lake\n"), yaml);
      for (String file : Demo.MODEL_FILES) {
        assertTrue(Files.isRegularFile(dir.resolve("model").resolve(file)), file);
      }
      DemoLake.State lake = demo.lake();
      assertFalse(lake.reused(), "first start writes the lake");
      assertEquals(demo.summary().rows("plays"), lake.rows());
      assertEquals(dir.resolve(DemoLake.WAREHOUSE).toAbsolutePath().normalize(), lake.warehouse());
      snapshotId = lake.snapshotId();
      String text = demo.describe();
      assertTrue(text.contains(demo.server().jdbcUrl()), text);
      assertTrue(text.contains(demo.embeddedUrl()), text);
      assertTrue(text.contains("Lake (Iceberg):     lake.plays " + lake.rows() + " rows"), text);
      assertTrue(demo.server().jdbcUrl().startsWith("jdbc:meridian:remote:url=http://127.0.0.1:"));
      assertTrue(Demo.EXAMPLES.stream().anyMatch(e -> e.title().contains("lake")), "an example reads the lake");
      try (Connection c = DriverManager.getConnection(demo.server().jdbcUrl())) {
        for (Demo.Example example : Demo.EXAMPLES) {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(example.sql())) {
            int rows = 0;
            while (rs.next()) {
              rows++;
            }
            assertTrue(rows > 0, example.title());
          }
        }
        // Dashboards repeat their queries: the second time, every example is answered from the result cache
        // (the warehouse's version query and the lake's snapshots say nothing changed).
        long hits = cacheHits(c);
        for (Demo.Example example : Demo.EXAMPLES) {
          String plan = plan(c, example.sql());
          assertTrue(plan.contains("Result cache: hit"), example.title() + "\n" + plan);
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(example.sql())) {
            assertTrue(rs.next(), example.title());
          }
        }
        assertEquals(hits + Demo.EXAMPLES.size(), cacheHits(c));
        assertEquals(demo.summary().rows("payments"), count(c, "SELECT COUNT(*) FROM payments"));
        assertEquals(demo.summary().rows("plays"), count(c, "SELECT COUNT(*) FROM lake.plays"));
        // The lake joins the warehouse: plays in the lake by a dimension of accounts in PostgreSQL, as PostgreSQL
        // counts its own copy of the plays.
        assertEquals(groups(c, "SELECT a.country, COUNT(*) FROM warehouse.plays p "
                + "JOIN warehouse.accounts a ON a.account_id = p.account_id GROUP BY a.country"),
            groups(c, "SELECT country, plays FROM semantic.plays GROUP BY country"));

        // One day of plays: Iceberg plans the scan down to that day's file.
        String oneDay = "SELECT COUNT(*) FROM lake.plays "
            + "WHERE played_at >= TIMESTAMP '2025-06-01 00:00:00' AND played_at < TIMESTAMP '2025-06-02 00:00:00'";
        Matcher m = FILES_READ.matcher(plan(c, oneDay));
        assertTrue(m.find(), "EXPLAIN names the files read");
        int read = Integer.parseInt(m.group(1));
        int total = Integer.parseInt(m.group(2));
        assertEquals(1, read);
        assertEquals(lake.dataFiles(), total);
        assertTrue(read < total);
        assertEquals(count(c, "SELECT COUNT(*) FROM warehouse.plays "
            + "WHERE played_at >= TIMESTAMP '2025-06-01 00:00:00' AND played_at < TIMESTAMP '2025-06-02 00:00:00'"),
            count(c, oneDay));
        // Through the semantic table, a week of plays reads seven days' files.
        try (Connection direct = DriverManager.getConnection(demo.embeddedUrl() + ";useRollups=false")) {
          m = FILES_READ.matcher(plan(direct, Demo.EXAMPLES.get(1).sql()));
          assertTrue(m.find(), "EXPLAIN of the lake example names the files read");
          assertEquals(7, Integer.parseInt(m.group(1)));
        }
        // With rollups (the default), the dashboard-style examples are answered from the demo's rollups, and agree.
        String week = plan(c, Demo.EXAMPLES.get(1).sql());
        assertTrue(week.contains("rollup plays_daily answered"), week);
        String segments = plan(c, Demo.EXAMPLES.get(0).sql());
        assertTrue(segments.contains("rollup plays_by_segment answered"), segments);
        try (Connection direct = DriverManager.getConnection(demo.embeddedUrl() + ";useRollups=false")) {
          for (Demo.Example example : Demo.EXAMPLES.subList(0, 2)) {
            assertEquals(rows(direct, example.sql()), rows(c, example.sql()), example.title());
          }
        }
      }
    }
    // PostgreSQL is gone, and its data folder with it; the lake stays for the next start.
    assertThrows(SQLException.class, () -> DriverManager.getConnection(postgresUrl, "postgres", "").close());
    try (var files = Files.list(dir)) {
      assertEquals(List.of("lake", "meridian.yaml", "model", "rollups"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "meridian.yaml, the model, the lake and the rollups");
    }

    // A second start in the same folder reuses the lake as it is.
    try (Demo demo = Demo.start(dir, 0, 1)) {
      assertTrue(demo.lake().reused(), "second start reuses the lake");
      assertEquals(snapshotId, demo.lake().snapshotId());
      assertTrue(demo.describe().contains("(reused, checked in "), demo.describe());
      try (Connection c = DriverManager.getConnection(demo.server().jdbcUrl())) {
        assertEquals(demo.summary().rows("plays"), count(c, "SELECT COUNT(*) FROM lake.plays"));
      }
    }
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new java.util.ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          // Sums of doubles in another order differ in the last bits.
          row.append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.9g", d) : String.valueOf(v))
              .append(" | ");
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertTrue(rs.next());
      return rs.getLong(1);
    }
  }

  private static Map<String, Long> groups(Connection c, String sql) throws SQLException {
    Map<String, Long> groups = new TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        groups.put(rs.getString(1), rs.getLong(2));
      }
    }
    assertTrue(groups.size() > 10, "plays of many countries: " + groups);
    return groups;
  }

  private static String plan(Connection c, String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private static long cacheHits(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT hits FROM meridian.cache WHERE cache = 'result'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
