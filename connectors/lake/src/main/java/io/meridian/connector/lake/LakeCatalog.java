package io.meridian.connector.lake;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The tables of one lake source: the Iceberg tables of one namespace of a catalog, and the Parquet folders under a
 * root folder (each subfolder one table, Hive-style {@code key=value} partition folders inside).
 */
final class LakeCatalog {
  private final String source;
  private final Optional<Catalog> catalog;
  private final Namespace namespace;
  private final Optional<Path> parquetRoot;

  LakeCatalog(String source, Optional<Catalog> catalog, Namespace namespace, Optional<Path> parquetRoot) {
    this.source = requireNonNull(source, "source is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.namespace = requireNonNull(namespace, "namespace is null");
    this.parquetRoot = requireNonNull(parquetRoot, "parquetRoot is null");
  }

  String source() {
    return source;
  }

  /** Names of the Iceberg tables and Parquet folders. */
  List<String> tableNames() {
    Stream<String> iceberg = catalog.map(c -> {
      try {
        return c.listTables(namespace).stream().map(TableIdentifier::name);
      } catch (NoSuchNamespaceException e) {
        if (c instanceof SupportsNamespaces) {
          return Stream.<String>empty();
        }
        throw e;
      }
    }).orElse(Stream.empty());
    Stream<String> folders = parquetRoot.map(root -> {
      try (Stream<Path> children = Files.list(root)) {
        return children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList().stream();
      } catch (java.io.IOException e) {
        throw new MeridianException(ErrorCode.SOURCE_UNAVAILABLE, "source '" + source + "': cannot list "
            + root + ": " + e.getMessage(), source, null, e);
      }
    }).orElse(Stream.empty());
    return Stream.concat(iceberg, folders).distinct().sorted().toList();
  }

  /** The Iceberg table, loaded fresh (its current snapshot), if there is one by that name. */
  Optional<Table> icebergTable(String name) {
    if (catalog.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(catalog.get().loadTable(TableIdentifier.of(namespace, name)));
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
  }

  /** The Parquet folder, if there is one by that name. */
  Optional<Path> parquetFolder(String name) {
    return parquetRoot.map(root -> root.resolve(name)).filter(Files::isDirectory);
  }
}
