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

/** A first end-to-end read of an Iceberg table through the driver; the connector's own suite covers the rest. */
class LakeSmokeTest {
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
      System.out.println(plan);
      assertTrue(plan.contains("files read: 1 of 3"), plan);
      rs = s.executeQuery("SELECT ts FROM lake.events WHERE id = 201");
      rs.next();
      assertEquals("2024-01-03T00:01", rs.getTimestamp(1).toLocalDateTime().toString());
    }
  }
}
