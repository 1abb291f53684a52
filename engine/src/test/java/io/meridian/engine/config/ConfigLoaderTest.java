package io.meridian.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.SourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private static final Path FILE = Path.of("/etc/meridian/meridian.yaml");
  private final ConfigLoader loader = new ConfigLoader(Map.of("PG_PASSWORD", "s3cret", "PG_PORT", "5433")::get);

  private MeridianConfig parse(String yaml) {
    return loader.parse(FILE, yaml);
  }

  private ConfigException fails(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml));
  }

  @Test
  void readsAFullFileWithEnvironmentVariables() {
    MeridianConfig config = parse("""
        sources:
          - name: warehouse
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1:${PG_PORT}/music
            user: meridian
            password: ${PG_PASSWORD}
            schema: sales
            fetch-size: 5000
            pool: { max-size: 16, connection-timeout: 2s, idle-timeout: 5m, max-lifetime: 1h }
            properties: { sslmode: disable }
          - name: lake_db
            kind: jdbc
            dialect: duckdb
            url: jdbc:duckdb:/tmp/x.db
            password: ${MISSING:-fallback}
        server: { host: 0.0.0.0, port: 9999, serialization: json, connection-idle-timeout: 30s, max-connections: 10 }
        planner: { plan-cache-size: 10, exhaustive-join-limit: 2, query-timeout: 5m, runtime-filter-max-keys: 50 }
        model: { path: models }
        default-schema: lake_db
        """);
    SourceConfig pg = config.sources().get(0);
    assertEquals("jdbc:postgresql://127.0.0.1:5433/music", pg.url());
    assertEquals("s3cret", pg.password());
    assertEquals(SourceKind.POSTGRESQL, pg.kind());
    assertEquals("sales", pg.schema());
    assertEquals(5000, pg.fetchSize());
    assertEquals(new PoolConfig(16, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofHours(1)), pg.pool());
    assertEquals(Map.of("sslmode", "disable"), pg.properties());
    assertEquals("fallback", config.sources().get(1).password());
    assertEquals(new ServerConfig("0.0.0.0", 9999, ServerConfig.Serialization.JSON, Duration.ofSeconds(30), 10),
        config.server());
    assertEquals(new PlannerConfig(10, 2, Duration.ofMinutes(5), 50), config.planner());
    assertEquals(Optional.of(Path.of("/etc/meridian/models")), config.modelPath());
    assertEquals("lake_db", config.defaultSchema());
    assertTrue(!pg.toString().contains("s3cret"), "toString must not print the password");
  }

  /** Pins the documented defaults. */
  @Test
  void defaults() {
    MeridianConfig config = parse("""
        sources:
          - name: warehouse
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/music
        """);
    assertEquals(new ServerConfig("127.0.0.1", 8765, ServerConfig.Serialization.PROTOBUF, Duration.ofMinutes(10), 200),
        config.server());
    assertEquals(new PlannerConfig(1000, 1, Duration.ZERO, 100_000), config.planner());
    SourceConfig s = config.sources().get(0);
    assertEquals(1000, s.fetchSize());
    assertEquals(new PoolConfig(8, Duration.ofSeconds(10), Duration.ofMinutes(10), Duration.ofMinutes(30)), s.pool());
    assertEquals("warehouse", config.defaultSchema());
    assertEquals(Optional.empty(), config.modelPath());
  }

  @Test
  void unknownKeyNamesLineColumnAndTheKnownKeys() {
    ConfigException e = fails("""
        sources:
          - name: warehouse
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/music
            pool_size: 3
        """);
    assertEquals(5, e.line());
    assertEquals(ErrorCode.INVALID_CONFIGURATION, e.errorCode());
    assertTrue(e.getMessage().startsWith("/etc/meridian/meridian.yaml:5:"), e.getMessage());
    assertTrue(e.getMessage().contains("unknown key 'pool_size'"), e.getMessage());
    assertTrue(e.getMessage().contains("fetch-size"), e.getMessage());
  }

  @Test
  void outOfRangeValueNamesTheLine() {
    ConfigException e = fails("""
        sources:
          - name: warehouse
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/music
            pool:
              max-size: 0
        """);
    assertTrue(e.line() >= 5 && e.line() <= 6, e.getMessage());
    assertTrue(e.getMessage().contains("max-size must be between 1 and 1000, got 0"), e.getMessage());
  }

  @Test
  void badEnumListsTheChoices() {
    ConfigException e = fails("""
        sources:
          - name: warehouse
            kind: oracle
            url: jdbc:oracle:thin:@x
        """);
    assertEquals(3, e.line());
    assertTrue(e.getMessage().contains("unknown value 'oracle'; expected one of: postgresql, jdbc"), e.getMessage());
  }

  @Test
  void badDuration() {
    ConfigException e = fails("""
        sources:
          - name: warehouse
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/music
            pool: { connection-timeout: soon }
        """);
    assertEquals(5, e.line());
    assertTrue(e.getMessage().contains("expected a duration"), e.getMessage());
  }

  @Test
  void missingEnvironmentVariable() {
    ConfigException e = fails("""
        sources:
          - name: warehouse
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/music
            password: ${NOT_SET}
        """);
    assertEquals(5, e.line());
    assertEquals(15, e.column());
    assertTrue(e.getMessage().contains("environment variable NOT_SET is not set"), e.getMessage());
  }

  @Test
  void duplicateSourceAndMissingSourcesAndBadYaml() {
    ConfigException dup = fails("""
        sources:
          - name: a
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/music
          - name: a
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/other
        """);
    assertTrue(dup.getMessage().contains("duplicate source name 'a'"), dup.getMessage());
    assertEquals(5, dup.line());

    assertTrue(fails("server: { port: 1 }\n").getMessage().contains("expected 'sources:'"));
    ConfigException syntax = fails("sources:\n  - name: [unclosed\n");
    assertTrue(syntax.line() > 0, syntax.getMessage());

    ConfigException kindless = fails("""
        sources:
          - name: a
            url: jdbc:postgresql://127.0.0.1/music
        """);
    assertTrue(kindless.getMessage().contains("kind is required"), kindless.getMessage());
    ConfigException badName = fails("""
        sources:
          - name: Bad-Name
            kind: postgresql
            url: jdbc:postgresql://127.0.0.1/music
        """);
    assertTrue(badName.getMessage().contains("lower-case identifier"), badName.getMessage());
  }

  @Test
  void durations() {
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("PT30S"));
    assertEquals(Duration.ZERO, Durations.parse("0"));
    for (String s : new String[] {"250ms", "5s", "2m", "1h", "1d", "0"}) {
      assertEquals(s, Durations.format(Durations.parse(s)));
    }
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 parsecs"));
  }

  @Test
  void cacheAndFreshness() {
    MeridianConfig defaults = parse("""
        sources:
          - { name: pg, kind: postgresql, url: "jdbc:postgresql://h/db" }
        """);
    assertEquals(true, defaults.cache().enabled());
    assertEquals(256L << 20, defaults.cache().maxBytesValue());
    assertEquals(32L << 20, defaults.cache().maxEntryBytesValue(), "an eighth of max-bytes");
    assertEquals(Duration.ZERO, defaults.cache().maxStaleness(), "versions are read at every execution by default");
    assertEquals(FreshnessConfig.NONE, defaults.sources().get(0).freshness(), "no version: nothing cached");

    MeridianConfig set = parse("""
        sources:
          - name: pg
            kind: postgresql
            url: "jdbc:postgresql://h/db"
            freshness: { version-query: "SELECT max(updated_at) FROM t" }
          - { name: pg2, kind: postgresql, url: "jdbc:postgresql://h/db", freshness: { ttl: 5m } }
        cache: { max-bytes: 1GB, max-entry-bytes: 512KB, max-staleness: 30s }
        """);
    assertEquals("SELECT max(updated_at) FROM t", set.sources().get(0).freshness().versionQuery());
    assertEquals(Duration.ofMinutes(5), set.sources().get(1).freshness().ttl());
    assertEquals(1L << 30, set.cache().maxBytesValue());
    assertEquals(512L << 10, set.cache().maxEntryBytesValue());
    assertEquals(Duration.ofSeconds(30), set.cache().maxStaleness());

    ConfigException both = fails("""
        sources:
          - name: pg
            kind: postgresql
            url: "jdbc:postgresql://h/db"
            freshness: { version-query: "SELECT 1", ttl: 5m }
        """);
    assertTrue(both.getMessage().contains("version-query or ttl, not both"), both.getMessage());
    assertTrue(both.getMessage().contains(":5:"), "points at the freshness line: " + both.getMessage());
    ConfigException size = fails("""
        sources:
          - { name: pg, kind: postgresql, url: "jdbc:postgresql://h/db" }
        cache:
          max-bytes: lots
        """);
    assertTrue(size.getMessage().contains("max-bytes must be a size"), size.getMessage());
    ConfigException lake = fails("""
        sources:
          - { name: l, kind: lake, parquet-root: p, freshness: { ttl: 1m } }
        """);
    assertTrue(lake.getMessage().contains("snapshots are its versions"), lake.getMessage());
  }

  @Test
  void theExampleFileIsValid() {
    MeridianConfig example = new ConfigLoader(name -> null).load(Path.of("../examples/meridian.yaml"));
    assertEquals(2, example.sources().size());
    assertTrue(example.sources().get(0).freshness().versionQuery() != null);
    assertEquals(Duration.ofMinutes(15), example.sources().get(1).freshness().ttl());
    assertEquals(512L << 20, example.cache().maxBytesValue());
  }
}
