package io.meridian.connector.lake;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.jdbc.JdbcSourceSettings;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.spi.SourceKind;
import io.meridian.spi.SourceQueryListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;

/** Entry point of the lake connector: the generic JDBC connector over embedded DuckDB, with Iceberg planning scans. */
public final class LakeConnector {
  private LakeConnector() {}

  public static JdbcConnector create(LakeSettings settings, SourceQueryListener listener) {
    Optional<Catalog> catalog = settings.catalog().isEmpty() ? Optional.empty() : Optional.of(catalog(settings));
    LakeCatalog lake = new LakeCatalog(settings.name(), catalog, Namespace.of(settings.namespace().split("\\.")),
        settings.parquetRoot());
    LakeDialectSupport dialect = new LakeDialectSupport();
    Map<String, String> duckDb = Map.of(
        "memory_limit", settings.duckDbMemoryLimit(),
        "threads", String.valueOf(settings.duckDbThreads()));
    JdbcSourceSettings jdbc = new JdbcSourceSettings(settings.name(), "jdbc:duckdb:", null, null, null, 2048,
        settings.poolMaxSize(), settings.connectionTimeout(), Duration.ofMinutes(10), Duration.ofMinutes(30), duckDb);
    return new JdbcConnector(SourceKind.LAKE, jdbc, dialect, listener, (s, dataSource, convention, failure) -> {
      LakeScans scans = new LakeScans(lake, dataSource);
      dialect.scans(scans);
      return new LakeSchema(dataSource, dialect.sqlDialect(), convention, lake, scans);
    });
  }

  /** Iceberg's catalog from its properties; the catalog's name is the source's. */
  static Catalog catalog(LakeSettings settings) {
    Map<String, String> properties = new HashMap<>(settings.catalog());
    Configuration hadoop = new Configuration(false);
    hadoop.set("fs.defaultFS", "file:///");
    hadoop.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
    try {
      return CatalogUtil.buildIcebergCatalog(settings.name(), properties, hadoop);
    } catch (RuntimeException e) {
      throw new MeridianException(ErrorCode.SOURCE_UNAVAILABLE, "source '" + settings.name()
          + "': cannot open the Iceberg catalog " + properties.getOrDefault("type", "") + ": " + e.getMessage(),
          settings.name(), null, e);
    }
  }
}
