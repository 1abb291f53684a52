package io.meridian.jdbc;

import io.meridian.testing.TestingPostgreSql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two PostgreSQL databases on one real server, {@code sales} and {@code crm}, served by Meridian as the sources
 * {@code warehouse} and {@code crm}; started once per JVM.
 */
final class TestingWarehouse {
  private static TestingWarehouse instance;

  final TestingPostgreSql postgres;
  final Path config;

  private TestingWarehouse() {
    postgres = TestingPostgreSql.start();
    postgres.createDatabase("sales");
    postgres.createDatabase("crm");
    postgres.execute("sales", """
        CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, country char(2), vip boolean);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int REFERENCES customers, amount numeric(12,2),
          ordered_at timestamp, paid_at timestamptz, ship_date date);
        INSERT INTO customers VALUES (1, 'Ada', 'GB', true), (2, 'Grace', 'US', false), (3, 'Linus', 'FI', NULL),
          (4, 'Mary', NULL, false);
        INSERT INTO orders SELECT g, 1 + g % 4, (g % 100) * 1.25, timestamp '2024-01-01 00:00:00' + g * interval '1 hour',
          timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour', date '2024-01-01' + g % 30
          FROM generate_series(1, 1000) g;
        INSERT INTO orders VALUES (1001, 2, NULL, NULL, NULL, NULL);
        CREATE TABLE big AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 200000) g;
        CREATE VIEW fails_late AS SELECT g AS id, 1000000 / (g - 150000) AS q FROM generate_series(1, 200000) g;
        CREATE VIEW slow AS SELECT g AS id, pg_sleep(0.2)::text AS pause FROM generate_series(1, 50) g;
        ANALYZE;
        """);
    postgres.execute("crm", """
        CREATE TABLE segments (customer_id int PRIMARY KEY, segment text);
        INSERT INTO segments VALUES (1, 'enterprise'), (2, 'smb'), (3, 'smb');
        """);
    try {
      Path dir = Files.createTempDirectory("meridian-test");
      config = dir.resolve("meridian.yaml");
      Files.writeString(config, """
          sources:
            - name: warehouse
              kind: postgresql
              url: %s
              user: postgres
              password: ""
              fetch-size: 500
              pool: { max-size: 4, connection-timeout: 5s }
            - name: crm
              kind: postgresql
              url: %s
              user: postgres
              password: ""
          default-schema: warehouse
          model: { path: model }
          """.formatted(postgres.jdbcUrl("sales"), postgres.jdbcUrl("crm")), StandardCharsets.UTF_8);
      Files.createDirectories(dir.resolve("model"));
      try (var in = TestingWarehouse.class.getResourceAsStream("/semantic-model/sales.yaml")) {
        Files.copy(in, dir.resolve("model/sales.yaml"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(postgres::close));
  }

  static synchronized TestingWarehouse get() {
    if (instance == null) {
      instance = new TestingWarehouse();
    }
    return instance;
  }

  String url() {
    return "jdbc:meridian:config=" + config;
  }
}
