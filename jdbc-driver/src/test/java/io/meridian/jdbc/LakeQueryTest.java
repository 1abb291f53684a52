package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake through the driver: reads, pruning in EXPLAIN, snapshot pinning and time travel by name, and a join with
 * PostgreSQL. The connector's own suite (connectors/lake) covers transforms, deletes, evolution and types.
 */
class LakeQueryTest {
  @Test
  void readsAnIcebergTable(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.defaultFS", "file:///");
    HadoopCatalog catalog = new HadoopCatalog(conf, dir.resolve("warehouse").toString());
    catalog.createNamespace(Namespace.of("lake"));
    Schema schema = new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "country", Types.StringType.get()),
        Types.NestedField.optional(3, "ts", Types.TimestampType.withZone()));
    Table table = catalog.createTable(TableIdentifier.of("lake", "events"), schema, PartitionSpec.unpartitioned(),
        Map.of("format-version", "2"));
    for (int f = 0; f < 3; f++) {
      OutputFile out = table.io().newOutputFile(table.location() + "/data/f" + f + "-" + UUID.randomUUID() + ".parquet");
      DataWriter<Record> writer = Parquet.writeData(out).schema(schema).createWriterFunc(GenericParquetWriter::create)
          .overwrite().withSpec(PartitionSpec.unpartitioned()).build();
      try (writer) {
        for (int i = 0; i < 100; i++) {
          GenericRecord r = GenericRecord.create(schema);
          r.setField("id", (long) (f * 100 + i));
          r.setField("country", i % 3 == 0 ? null : (i % 2 == 0 ? "GB" : "US"));
          r.setField("ts", OffsetDateTime.of(2024, 1, 1 + f, 0, 0, 0, 0, ZoneOffset.UTC).plusMinutes(i));
          writer.write(r);
        }
      }
      DataFile file = writer.toDataFile();
      table.newAppend().appendFile(file).commit();
    }
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, """
        sources:
          - name: lake
            kind: lake
            catalog: { type: hadoop, warehouse: warehouse }
            namespace: lake
        """, StandardCharsets.UTF_8);
    try (Connection c = DriverManager.getConnection("jdbc:meridian:config=" + config);
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT country, count(*), max(id) FROM lake.events WHERE id >= 100 "
          + "GROUP BY country ORDER BY country NULLS LAST");
      List<String> rows = new java.util.ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getLong(3));
      }
      assertEquals(List.of("GB|66|298", "US|66|297", "null|68|299"), rows);
      rs = s.executeQuery("EXPLAIN PLAN FOR SELECT count(*) FROM lake.events WHERE id >= 250");
      rs.next();
      String plan = rs.getString(1);
      assertTrue(plan.contains("files read: 1 of 3 (1 partition of 1)"), plan);
      rs = s.executeQuery("SELECT ts FROM lake.events WHERE id = 201");
      rs.next();
      assertEquals("2024-01-03T00:01", rs.getTimestamp(1).toLocalDateTime().toString());

      // Pinned snapshots and time travel, by name; each append added 100 rows.
      List<org.apache.iceberg.Snapshot> snapshots = new java.util.ArrayList<>();
      table.refresh();
      table.snapshots().forEach(snapshots::add);
      for (int i = 0; i < snapshots.size(); i++) {
        rs = s.executeQuery("SELECT count(*) FROM lake.\"events@" + snapshots.get(i).snapshotId() + "\"");
        rs.next();
        assertEquals(100L * (i + 1), rs.getLong(1));
      }
      String asOf = java.time.Instant.ofEpochMilli(snapshots.get(0).timestampMillis()).toString();
      rs = s.executeQuery("SELECT count(*) FROM lake.\"events@" + asOf + "\"");
      rs.next();
      assertEquals(100L, rs.getLong(1));

      // A commit is seen by the next query: the plan is cached, the files are planned afresh.
      OutputFile out = table.io().newOutputFile(table.location() + "/data/late-" + UUID.randomUUID() + ".parquet");
      DataWriter<Record> writer = Parquet.writeData(out).schema(schema).createWriterFunc(GenericParquetWriter::create)
          .overwrite().withSpec(PartitionSpec.unpartitioned()).build();
      try (writer) {
        GenericRecord r = GenericRecord.create(schema);
        r.setField("id", 1000L);
        r.setField("country", "FR");
        r.setField("ts", OffsetDateTime.of(2024, 2, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        writer.write(r);
      }
      table.newAppend().appendFile(writer.toDataFile()).commit();
      rs = s.executeQuery("SELECT count(*) FROM lake.events");
      rs.next();
      assertEquals(301L, rs.getLong(1));
    }
  }

  /** The lake joins the warehouse: lake rows counted per PostgreSQL customer attribute, checked against plain Java. */
  @Test
  void joinsPostgreSql(@TempDir Path dir) throws Exception {
    TestingWarehouse warehouse = TestingWarehouse.get();
    Configuration conf = new Configuration(false);
    conf.set("fs.defaultFS", "file:///");
    HadoopCatalog catalog = new HadoopCatalog(conf, dir.resolve("warehouse").toString());
    catalog.createNamespace(Namespace.of("lake"));
    Schema schema = new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "customer_id", Types.IntegerType.get()));
    Table table = catalog.createTable(TableIdentifier.of("lake", "visits"), schema, PartitionSpec.unpartitioned());
    OutputFile out = table.io().newOutputFile(table.location() + "/data/v.parquet");
    DataWriter<Record> writer = Parquet.writeData(out).schema(schema).createWriterFunc(GenericParquetWriter::create)
        .overwrite().withSpec(PartitionSpec.unpartitioned()).build();
    Map<Integer, Long> visitsPerCustomer = new java.util.HashMap<>();
    try (writer) {
      for (int i = 0; i < 1000; i++) {
        GenericRecord r = GenericRecord.create(schema);
        r.setField("id", (long) i);
        int customer = 1 + i % 5; // customer 5 does not exist in PostgreSQL
        r.setField("customer_id", customer);
        visitsPerCustomer.merge(customer, 1L, Long::sum);
        writer.write(r);
      }
    }
    table.newAppend().appendFile(writer.toDataFile()).commit();
    Path config = dir.resolve("meridian.yaml");
    Files.writeString(config, """
        sources:
          - name: warehouse
            kind: postgresql
            url: %s
            user: postgres
          - name: lake
            kind: lake
            catalog: { type: hadoop, warehouse: warehouse }
            namespace: lake
        """.formatted(warehouse.postgres.jdbcUrl("sales")), StandardCharsets.UTF_8);
    Map<String, Long> expected = new java.util.TreeMap<>();
    try (Connection pg = warehouse.postgres.connect("sales"); Statement s = pg.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, name FROM customers")) {
      while (rs.next()) {
        expected.put(rs.getString(2), visitsPerCustomer.getOrDefault(rs.getInt(1), 0L));
      }
    }
    expected.values().removeIf(v -> v == 0);
    Map<String, Long> actual = new java.util.TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:meridian:config=" + config);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT c.name, count(*) FROM lake.visits v "
            + "JOIN warehouse.customers c ON c.id = v.customer_id GROUP BY c.name")) {
      while (rs.next()) {
        actual.put(rs.getString(1), rs.getLong(2));
      }
    }
    assertEquals(expected, actual);
  }
}
