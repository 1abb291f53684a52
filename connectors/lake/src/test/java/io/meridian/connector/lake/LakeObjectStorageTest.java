package io.meridian.connector.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.lake.testing.IndependentReader;
import io.meridian.connector.lake.write.LakeWriter;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lake on S3-compatible object storage: a real S3 server (s3proxy, in memory, on loopback) behind Iceberg's
 * S3FileIO. DuckDB cannot read object storage here, so the files are staged locally; the answer must still be exact.
 */
class LakeObjectStorageTest {
  private static final String ACCESS_KEY = "meridian";
  private static final String SECRET_KEY = "meridian-secret";

  @Test
  void readsATableOnObjectStorage(@TempDir Path dir) throws Exception {
    // AWS SDK 2.30+ adds checksums to every request by default; S3-compatible stores such as s3proxy reject them.
    // The SDK reads these settings from system properties or the environment (AWS_REQUEST_CHECKSUM_CALCULATION).
    System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
    System.setProperty("aws.responseChecksumValidation", "WHEN_REQUIRED");
    Properties jclouds = new Properties();
    BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials(ACCESS_KEY, SECRET_KEY)
        .overrides(jclouds).build(BlobStoreContext.class);
    BlobStore store = context.getBlobStore();
    store.createContainerInLocation(null, "lake-bucket");
    S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(org.gaul.s3proxy.AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
    proxy.start();
    try {
      while (!proxy.getState().equals("STARTED")) {
        Thread.sleep(10);
      }
      Map<String, String> properties = new HashMap<>();
      properties.put("type", "jdbc");
      properties.put("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
      properties.put("warehouse", "s3://lake-bucket/warehouse");
      properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
      properties.put("s3.endpoint", "http://127.0.0.1:" + proxy.getPort());
      properties.put("s3.path-style-access", "true");
      properties.put("s3.access-key-id", ACCESS_KEY);
      properties.put("s3.secret-access-key", SECRET_KEY);
      properties.put("client.region", "us-east-1");
      Catalog catalog = CatalogUtil.buildIcebergCatalog("lake", properties, null);
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of("lake"));
      Schema schema = new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "ts", Types.TimestampType.withoutZone()));
      Table table = LakeWriter.create(catalog).createTable(TableIdentifier.of("lake", "remote_events"), schema,
          PartitionSpec.builderFor(schema).day("ts").build());
      List<Record> rows = new ArrayList<>();
      for (long i = 0; i < 500; i++) {
        GenericRecord r = GenericRecord.create(schema);
        r.setField("id", i);
        r.setField("ts", LocalDateTime.of(2024, 1, 1, 0, 0).plusHours(i));
        rows.add(r);
      }
      LakeWriter.create(catalog).appendRecords(table, rows);
      table.refresh();
      assertTrue(table.currentSnapshot().addedDataFiles(table.io()).iterator().next().location()
          .startsWith("s3://"), "data files are on object storage");

      List<String> sent = new ArrayList<>();
      try (JdbcConnector source = LakeConnector.create(new LakeSettings("lake", properties, "lake", Optional.empty(),
              2, Duration.ofSeconds(10), "1GB", 1), (s, q) -> sent.add(q));
          Connection c = LakeConnectorTest.connect(source); Statement s = c.createStatement()) {
        ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM lake.remote_events "
            + "WHERE ts >= TIMESTAMP '2024-01-05 00:00:00' AND ts < TIMESTAMP '2024-01-06 00:00:00'");
        rs.next();
        List<Record> expected = IndependentReader.read(table, org.apache.iceberg.expressions.Expressions.and(
            org.apache.iceberg.expressions.Expressions.greaterThanOrEqual("ts", "2024-01-05T00:00:00"),
            org.apache.iceberg.expressions.Expressions.lessThan("ts", "2024-01-06T00:00:00")));
        assertEquals(expected.size(), rs.getLong(1));
        assertEquals(expected.stream().mapToLong(r -> (Long) r.getField("id")).sum(), rs.getLong(2));
        assertTrue(String.join("\n", sent).contains(LakeScans.STAGING.toString()), "read from the staged copy");
      }
    } finally {
      proxy.stop();
      context.close();
    }
  }
}
