package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkName;
import static io.meridian.engine.config.Checks.checkRange;

import io.meridian.spi.SourceKind;
import java.util.Map;

/**
 * One source in {@code meridian.yaml}. Its tables appear in SQL under a schema named after the source.
 *
 * @param name {@code name}: lower-case identifier, also the SQL schema name
 * @param kind {@code kind}: {@code postgresql} or {@code jdbc}
 * @param url {@code url}: the JDBC URL of the source
 * @param user {@code user}
 * @param password {@code password}; use {@code ${ENV_VAR}} rather than a literal secret
 * @param schema {@code schema}: the schema in the source whose tables are exposed (PostgreSQL default {@code public})
 * @param dialect {@code dialect}: for {@code kind: jdbc}, the SQL dialect (a Calcite database product name, e.g.
 *     {@code snowflake}, {@code redshift}, {@code bigquery}, {@code duckdb}, {@code trino})
 * @param fetchSize {@code fetch-size}: rows per round trip when streaming from the source (1..100000, default 1000)
 * @param pool {@code pool}: the connection pool
 * @param properties {@code properties}: extra JDBC driver properties
 * @param catalog {@code catalog}: for {@code kind: lake}, the Iceberg catalog's properties ({@code type}: hadoop, jdbc
 *     or rest; {@code warehouse}; {@code uri}; any other Iceberg catalog property)
 * @param namespace {@code namespace}: for {@code kind: lake}, the Iceberg namespace whose tables are exposed
 *     (default {@code default})
 * @param parquetRoot {@code parquet-root}: for {@code kind: lake}, a folder whose subfolders are Parquet tables
 *     (Hive-style {@code key=value} partition folders inside); relative to the configuration file
 * @param memoryLimit {@code memory-limit}: for {@code kind: lake}, the embedded DuckDB's memory limit per connection
 *     (default {@code 2GB})
 * @param threads {@code threads}: for {@code kind: lake}, DuckDB threads per query (default 2)
 * @param freshness {@code freshness}: for JDBC sources, how the result cache learns that data changed (a version
 *     query or a time-to-live; with neither, nothing read from the source is cached)
 * @param pinot {@code pinot}: for {@code kind: pinot}, the controller, broker and limits ({@link PinotSourceConfig})
 * @param hybrid {@code hybrid}: for {@code kind: hybrid}, the hybrid tables ({@link HybridSourceConfig})
 */
public record SourceConfig(
    String name,
    SourceKind kind,
    String url,
    String user,
    String password,
    String schema,
    String dialect,
    Integer fetchSize,
    PoolConfig pool,
    Map<String, String> properties,
    Map<String, String> catalog,
    String namespace,
    String parquetRoot,
    String memoryLimit,
    Integer threads,
    FreshnessConfig freshness,
    PinotSourceConfig pinot,
    HybridSourceConfig hybrid) {

  public SourceConfig {
    checkName("name", name);
    if (RESERVED_NAMES.contains(name)) {
      throw new IllegalArgumentException("name '" + name + "' is reserved (" + String.join(", ", RESERVED_NAMES)
          + " are Meridian's own schemas)");
    }
    if (kind == null) {
      throw new IllegalArgumentException("kind is required (one of: postgresql, jdbc, lake, pinot, hybrid)");
    }
    if ((pinot != null) != (kind == SourceKind.PINOT)) {
      throw new IllegalArgumentException(kind == SourceKind.PINOT ? "a pinot source needs a 'pinot:' section "
          + "(controller, broker)" : "'pinot:' belongs to sources of kind pinot");
    }
    if ((hybrid != null) != (kind == SourceKind.HYBRID)) {
      throw new IllegalArgumentException(kind == SourceKind.HYBRID ? "a hybrid source needs a 'hybrid:' section "
          + "(tables)" : "'hybrid:' belongs to sources of kind hybrid");
    }
    if (kind == SourceKind.PINOT || kind == SourceKind.HYBRID) {
      if (url != null) {
        throw new IllegalArgumentException("a " + kind.configName() + " source has no url");
      }
    } else if (kind == SourceKind.LAKE) {
      if (url != null) {
        throw new IllegalArgumentException("a lake source has no url; give catalog (Iceberg) and/or parquet-root");
      }
      if ((catalog == null || catalog.isEmpty()) && parquetRoot == null) {
        throw new IllegalArgumentException("a lake source needs catalog (Iceberg catalog properties) or parquet-root");
      }
    } else if (url == null || !url.startsWith("jdbc:")) {
      throw new IllegalArgumentException("url must be a JDBC URL (jdbc:...), got "
          + (url == null ? "nothing" : "'" + url + "'"));
    }
    if (kind == SourceKind.JDBC && dialect == null) {
      throw new IllegalArgumentException("dialect is required for kind jdbc");
    }
    if (kind == SourceKind.POSTGRESQL && !url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("url of a postgresql source must start with jdbc:postgresql:, got '" + url + "'");
    }
    fetchSize = checkRange("fetch-size", fetchSize == null ? 1000 : fetchSize, 1, 100_000);
    pool = pool == null ? PoolConfig.DEFAULT : pool;
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    catalog = catalog == null ? Map.of() : Map.copyOf(catalog);
    namespace = namespace == null ? "default" : namespace;
    memoryLimit = memoryLimit == null ? "2GB" : memoryLimit;
    threads = checkRange("threads", threads == null ? 2 : threads, 1, 256);
    freshness = freshness == null ? FreshnessConfig.NONE : freshness;
    if (kind == SourceKind.LAKE && !freshness.equals(FreshnessConfig.NONE)) {
      throw new IllegalArgumentException("a lake source takes no freshness: its Iceberg snapshots are its versions");
    }
  }

  /** Schema names Meridian uses itself: semantic tables and system tables. */
  public static final java.util.List<String> RESERVED_NAMES = java.util.List.of("semantic", "meridian", "metadata",
      "meridian_rollups", "meridian_rollups_lake");

  @Override
  public String toString() {
    // Never print the password.
    return "SourceConfig[name=" + name + ", kind=" + kind.configName() + ", url=" + url + ", user=" + user
        + (pinot == null ? "" : ", " + pinot)
        + (catalog.isEmpty() ? "" : ", catalog type=" + catalog.get("type")) + "]";
  }
}
