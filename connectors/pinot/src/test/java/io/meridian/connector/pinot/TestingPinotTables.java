package io.meridian.connector.pinot;

import io.meridian.pinot.testing.TestingPinot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables the Pinot tests read, loaded once per JVM into the shared {@link TestingPinot}: {@code orders}, an
 * OFFLINE table loaded from two CSV files (two segments), and {@code events}, a REALTIME table fed through Kafka.
 * The rows are generated here, and tests compute expected answers from {@link #orders()} themselves.
 */
final class TestingPinotTables {
  static final int ORDERS = 30_000;
  static final int CITIES = 12_000;
  static final String[] COUNTRIES = {"GB", "US", "FR", "DE", "IN", "JP", "BR"};
  static final long BASE = Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
  static final String EVENTS_TOPIC = "events";

  private static TestingPinotTables shared;

  private final TestingPinot pinot;

  /** One generated order. */
  record Order(long id, String country, String city, long amount, int qty, double price, List<String> tags, long ts) {}

  private TestingPinotTables(TestingPinot pinot) {
    this.pinot = pinot;
  }

  static synchronized TestingPinotTables shared() throws IOException, InterruptedException {
    if (shared == null) {
      TestingPinot pinot = TestingPinot.shared();
      TestingPinotTables tables = new TestingPinotTables(pinot);
      tables.load();
      shared = tables;
    }
    return shared;
  }

  TestingPinot pinot() {
    return pinot;
  }

  static Order order(long i) {
    return new Order(i, COUNTRIES[(int) (i % COUNTRIES.length)], "c" + (i * 7919 % CITIES), i * 37 % 1000 + 1,
        (int) (i % 5) + 1, (i % 100) / 4.0, i % 3 == 0 ? List.of("a", "b") : List.of("c"), BASE + i * 60_000);
  }

  static List<Order> orders() {
    List<Order> orders = new ArrayList<>(ORDERS);
    for (long i = 0; i < ORDERS; i++) {
      orders.add(order(i));
    }
    return orders;
  }

  private void load() throws IOException, InterruptedException {
    pinot.addSchema("""
        {"schemaName": "orders",
         "dimensionFieldSpecs": [
           {"name": "id", "dataType": "LONG"},
           {"name": "country", "dataType": "STRING"},
           {"name": "city", "dataType": "STRING"},
           {"name": "tags", "dataType": "STRING", "singleValueField": false}],
         "metricFieldSpecs": [
           {"name": "amount", "dataType": "LONG"},
           {"name": "qty", "dataType": "INT"},
           {"name": "price", "dataType": "DOUBLE"}],
         "dateTimeFieldSpecs": [
           {"name": "ts", "dataType": "TIMESTAMP", "format": "1:MILLISECONDS:EPOCH", "granularity": "1:MILLISECONDS"}]}
        """);
    pinot.addTable("""
        {"tableName": "orders", "tableType": "OFFLINE",
         "segmentsConfig": {"timeColumnName": "ts", "replication": "1", "schemaName": "orders"},
         "tableIndexConfig": {}, "tenants": {}, "metadata": {}}
        """);
    Path dir = Files.createTempDirectory("meridian-pinot-data");
    List<Order> orders = orders();
    int half = orders.size() / 2;
    writeCsv(dir.resolve("orders-1.csv"), orders.subList(0, half));
    writeCsv(dir.resolve("orders-2.csv"), orders.subList(half, orders.size()));
    pinot.ingestFile("orders", dir.resolve("orders-1.csv"), "csv");
    pinot.ingestFile("orders", dir.resolve("orders-2.csv"), "csv");
    pinot.awaitRowCount("orders", ORDERS, Duration.ofSeconds(60));
    for (String f : List.of("orders-1.csv", "orders-2.csv")) {
      Files.delete(dir.resolve(f));
    }
    Files.delete(dir);

    pinot.createTopic(EVENTS_TOPIC, 1);
    pinot.addSchema("""
        {"schemaName": "events",
         "dimensionFieldSpecs": [{"name": "user", "dataType": "STRING"}],
         "metricFieldSpecs": [{"name": "n", "dataType": "INT"}],
         "dateTimeFieldSpecs": [
           {"name": "ts", "dataType": "TIMESTAMP", "format": "1:MILLISECONDS:EPOCH", "granularity": "1:MILLISECONDS"}]}
        """);
    pinot.addRealtimeTable("events", "ts", EVENTS_TOPIC, 100_000, "24h");
  }

  private static void writeCsv(Path file, List<Order> orders) {
    StringBuilder csv = new StringBuilder("id,country,city,tags,amount,qty,price,ts\n");
    for (Order o : orders) {
      csv.append(o.id()).append(',').append(o.country()).append(',').append(o.city()).append(',')
          .append(String.join(";", o.tags())).append(',').append(o.amount()).append(',').append(o.qty()).append(',')
          .append(o.price()).append(',').append(o.ts()).append('\n');
    }
    try {
      Files.writeString(file, csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
