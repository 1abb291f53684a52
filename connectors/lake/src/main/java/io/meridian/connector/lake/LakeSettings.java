package io.meridian.connector.lake;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a lake source needs: the Iceberg catalog's properties (passed to Iceberg's {@code CatalogUtil}: {@code type}
 * = {@code hadoop}, {@code jdbc} or {@code rest}, {@code warehouse}, {@code uri}, ...), the namespace whose tables
 * are exposed, a root folder of plain Parquet tables, and the embedded DuckDB's limits.
 */
public record LakeSettings(
    String name,
    Map<String, String> catalog,
    String namespace,
    Optional<Path> parquetRoot,
    int poolMaxSize,
    Duration connectionTimeout,
    String duckDbMemoryLimit,
    int duckDbThreads) {

  public LakeSettings {
    requireNonNull(name, "name is null");
    catalog = Map.copyOf(requireNonNull(catalog, "catalog is null"));
    requireNonNull(namespace, "namespace is null");
    requireNonNull(parquetRoot, "parquetRoot is null");
    requireNonNull(connectionTimeout, "connectionTimeout is null");
    requireNonNull(duckDbMemoryLimit, "duckDbMemoryLimit is null");
  }
}
