package io.meridian.connector.lake.write;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/**
 * Factories for the Iceberg catalogs Meridian writes to: a Hadoop catalog on a local folder, or a JDBC catalog whose
 * metadata lives in SQLite or PostgreSQL, with data files in a local warehouse folder.
 *
 * <p>Every catalog is built through {@link CatalogUtil#buildIcebergCatalog} with {@link HadoopConf#local()}. The
 * returned catalogs are {@link java.io.Closeable} (JDBC catalogs hold a connection pool): close them when done.
 */
public final class Catalogs {
  /** The catalog name used when none is given. */
  public static final String DEFAULT_NAME = "lake";

  private Catalogs() {}

  /** A Hadoop catalog (metadata in files beside the data) on a local warehouse folder, created if absent. */
  public static Catalog hadoop(Path warehouse) {
    return hadoop(DEFAULT_NAME, warehouse);
  }

  /** A named Hadoop catalog on a local warehouse folder, created if absent. */
  public static Catalog hadoop(String name, Path warehouse) {
    requireNonNull(name, "name is null");
    Map<String, String> properties = new HashMap<>();
    properties.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP);
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouseLocation(warehouse));
    return build(name, properties);
  }

  /** A JDBC catalog whose metadata lives in the SQLite file {@code dbFile}, with data under {@code warehouse}. */
  public static Catalog jdbcSqlite(Path dbFile, Path warehouse) {
    return jdbcSqlite(DEFAULT_NAME, dbFile, warehouse);
  }

  /** A named JDBC catalog in the SQLite file {@code dbFile} (created if absent), with data under {@code warehouse}. */
  public static Catalog jdbcSqlite(String name, Path dbFile, Path warehouse) {
    requireNonNull(dbFile, "dbFile is null");
    Path absolute = dbFile.toAbsolutePath().normalize();
    createDirectories(absolute.getParent());
    return jdbc(name, "jdbc:sqlite:" + absolute, Map.of(), warehouse);
  }

  /**
   * A JDBC catalog in any database with a JDBC driver on the class path (PostgreSQL, SQLite), with data under the
   * local {@code warehouse}. {@code connectionProperties} go to the driver (such as {@code user} and
   * {@code password}).
   */
  public static Catalog jdbc(String name, String jdbcUrl, Map<String, String> connectionProperties, Path warehouse) {
    requireNonNull(name, "name is null");
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    requireNonNull(connectionProperties, "connectionProperties is null");
    Map<String, String> properties = new HashMap<>();
    properties.put(CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC);
    properties.put(CatalogProperties.URI, jdbcUrl);
    properties.put(CatalogProperties.WAREHOUSE_LOCATION, warehouseLocation(warehouse));
    // V1 adds the record type column, so the same catalog tables can also hold views.
    properties.put("jdbc.schema-version", "V1");
    connectionProperties.forEach((key, value) -> properties.put("jdbc." + key, value));
    return build(name, properties);
  }

  private static Catalog build(String name, Map<String, String> properties) {
    try {
      return CatalogUtil.buildIcebergCatalog(name, properties, HadoopConf.local());
    } catch (RuntimeException e) {
      throw new MeridianException(ErrorCode.SOURCE_UNAVAILABLE,
          "Cannot open Iceberg catalog '" + name + "': " + e.getMessage(), name, null, e);
    }
  }

  private static String warehouseLocation(Path warehouse) {
    requireNonNull(warehouse, "warehouse is null");
    Path absolute = warehouse.toAbsolutePath().normalize();
    createDirectories(absolute);
    return absolute.toUri().toString();
  }

  private static void createDirectories(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION,
          "Cannot create lake folder " + directory + ": " + e.getMessage(), e);
    }
  }
}
