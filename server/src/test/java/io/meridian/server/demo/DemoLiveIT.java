package io.meridian.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's live part: Pinot starts beside PostgreSQL, plays stream in, the model's plays read the hybrid table,
 * and a repeated metric query shows the numbers move.
 */
class DemoLiveIT {
  @Test
  void liveNumbersMoveAndTheHistoryIsAllThere(@TempDir Path dir) throws Exception {
    try (Demo demo = Demo.start(dir, 0, 1, true)) {
      assertTrue(demo.live().isPresent(), "live part did not start: " + demo.liveFailure().orElse(""));
      assertTrue(demo.describe().contains("Live (Pinot 0.11)"), demo.describe());
      try (Connection c = DriverManager.getConnection(demo.server().jdbcUrl()); Statement s = c.createStatement()) {
        long lakeRows = demo.lake().rows();
        long first = count(s, "SELECT COUNT(*) FROM events.plays");
        assertTrue(first >= lakeRows, first + " < " + lakeRows);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long later = first;
        while (later == first && System.nanoTime() < deadline) {
          Thread.sleep(200);
          later = count(s, "SELECT COUNT(*) FROM events.plays");
        }
        assertTrue(later > first, "the hybrid count did not move: " + first);
        // History below the boundary is exactly the lake's; the rest comes from Pinot.
        assertEquals(lakeRows, count(s, "SELECT COUNT(*) FROM events.plays WHERE played_at < TIMESTAMP "
            + "'2025-07-01 00:00:00'"));
        long semantic = count(s, "SELECT plays FROM semantic.plays");
        assertTrue(semantic >= later, semantic + " < " + later);
      }
    }
  }

  private static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
