package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.cache.PlanCache;
import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.engine.MeridianEngine;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans over a hybrid table are reused while the history's snapshot stays the same, and made again when it moves:
 * the boundary in the plan always comes from the history's current snapshot. (Both sides are lake tables here; the
 * Pinot side is exercised by the server's PinotHybridIT.)
 */
class HybridPlanCacheTest {
  private static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "id", Types.LongType.get()),
      Types.NestedField.required(2, "day_key", Types.IntegerType.get()));

  @TempDir
  Path dir;

  @Test
  void aHybridPlanIsReusedUntilTheHistoryCommits() throws Exception {
    Path warehouse = dir.resolve("warehouse");
    Catalog catalog = Catalogs.hadoop(warehouse);
    Table history;
    LakeWriter writer = LakeWriter.create(catalog);
    Namespace ns = Namespace.of("ns");
    history = writer.createTable(TableIdentifier.of(ns, "history"), SCHEMA, PartitionSpec.unpartitioned());
    Table recent = writer.createTable(TableIdentifier.of(ns, "recent"), SCHEMA, PartitionSpec.unpartitioned());
    writer.appendRecords(history, rows(20240101, 20240110));
    // The recent side overlaps the history by five days, as a real-time store keeps days the lake already has.
    writer.appendRecords(recent, rows(20240106, 20240120));
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, """
        sources:
          - name: lake
            kind: lake
            catalog: { type: hadoop, warehouse: warehouse }
            namespace: ns
          - name: events
            kind: hybrid
            hybrid:
              tables:
                - name: t
                  history: lake.history
                  recent: lake.recent
                  time-column: day_key
        """, StandardCharsets.UTF_8);
    String sql = "SELECT count(*), sum(id), max(day_key) FROM events.t";
    MeridianEngine engine = MeridianEngine.shared(config);
    try (Connection c = DriverManager.getConnection("jdbc:meridian:config=" + config)) {
      assertEquals("20|" + sum(20240101, 20240120) + "|20240120", row(c, sql));
      PlanCache.Stats before = engine.planCacheStats();
      assertEquals("20|" + sum(20240101, 20240120) + "|20240120", row(c, sql));
      PlanCache.Stats reused = engine.planCacheStats();
      assertEquals(before.hits() + 1, reused.hits(), "the second run reuses the plan");

      // The nightly load: the history gains days 11 to 15; the boundary moves to day 16.
      writer.appendRecords(history, rows(20240111, 20240115));
      assertEquals("20|" + sum(20240101, 20240120) + "|20240120", row(c, sql));
      PlanCache.Stats after = engine.planCacheStats();
      assertEquals(reused.hits(), after.hits(), "a commit to the history makes the plan again");
      String plan = row(c, "EXPLAIN PLAN FOR " + sql);
      assertTrue(plan.contains("\"day_key\" >= 20240116"), plan);
    } finally {
      if (catalog instanceof Closeable closeable) {
        closeable.close();
      }
    }
  }

  /** One row per day key, id = day key, so sums tell which rows were read. */
  private static List<Record> rows(int from, int to) {
    List<Record> rows = new ArrayList<>();
    for (int day = from; day <= to; day++) {
      GenericRecord r = GenericRecord.create(SCHEMA);
      r.setField("id", (long) day);
      r.setField("day_key", day);
      rows.add(r);
    }
    return rows;
  }

  private static long sum(int from, int to) {
    long sum = 0;
    for (int day = from; day <= to; day++) {
      sum += day;
    }
    return sum;
  }

  private static String row(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      StringBuilder out = new StringBuilder();
      while (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          out.append(i > 1 ? "|" : "").append(rs.getString(i));
        }
        out.append('\n');
      }
      return out.toString().strip();
    }
  }
}
