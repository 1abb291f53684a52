package io.meridian.connector.lake;

import static java.util.Objects.requireNonNull;

import io.meridian.connector.jdbc.VersionedSchema;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.lookup.IgnoreCaseLookup;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;
import org.apache.calcite.sql.SqlDialect;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The tables of a lake source. A table name may pin a snapshot: {@code "plays@5728341927"} reads snapshot
 * 5728341927, {@code "plays@2024-06-01T00:00:00Z"} the snapshot current at that instant (time travel).
 */
final class LakeSchema extends JdbcSchema implements VersionedSchema {
  private final LakeCatalog catalog;
  private final LakeScans scans;
  /** Tables whose versions were asked for, kept so that asking again only refreshes them. */
  private final java.util.Map<String, org.apache.iceberg.Table> versioned =
      new java.util.concurrent.ConcurrentHashMap<>();

  LakeSchema(DataSource dataSource, SqlDialect dialect, JdbcConvention convention, LakeCatalog catalog,
      LakeScans scans) {
    super(dataSource, dialect, convention, null, null);
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.scans = requireNonNull(scans, "scans is null");
  }

  LakeCatalog catalog() {
    return catalog;
  }

  @Override
  public Lookup<Table> tables() {
    return new IgnoreCaseLookup<>() {
      @Override
      public @Nullable Table get(String name) {
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        boolean exists = catalog.icebergTable(base).isPresent() || catalog.parquetFolder(base).isPresent();
        if (!exists) {
          return null;
        }
        LakeScanSpec spec = LakeScanSpec.of(base);
        if (at >= 0) {
          spec = pinned(spec, name.substring(at + 1));
        }
        return new LakeTable(LakeSchema.this, catalog, scans, spec);
      }

      /** Pinned names ({@code plays@...}) are not listed, so they are looked up as written. */
      @Override
      public @Nullable Named<Table> getIgnoreCase(String name) {
        if (name.indexOf('@') >= 0) {
          Table table = get(name);
          return table == null ? null : new Named<>(name, table);
        }
        return super.getIgnoreCase(name);
      }

      @Override
      public Set<String> getNames(LikePattern pattern) {
        return catalog.tableNames().stream().filter(pattern.matcher()::apply).collect(Collectors.toSet());
      }
    };
  }

  /**
   * The current snapshot id of each Iceberg table, read from the catalog now: a commit changes it, so a cached answer
   * misses after any commit. A pinned name ({@code t@id}, {@code t@instant}) always reads the same snapshot and is
   * its own version. A Parquet folder has no version (files can change under it unseen), so answers read from one
   * are never reused.
   */
  @Override
  public Optional<String> version(Set<String> tables) {
    StringBuilder version = new StringBuilder();
    for (String name : new java.util.TreeSet<>(tables)) {
      String token;
      if (name.indexOf('@') >= 0) {
        token = name;
      } else {
        Optional<String> current = currentSnapshot(name);
        if (current.isEmpty()) {
          return Optional.empty();
        }
        token = name + "@" + current.get();
      }
      version.append(version.length() == 0 ? "" : ",").append(token);
    }
    return Optional.of(version.toString());
  }

  /**
   * The id of the table's current snapshot ({@code empty} for a table without one), or nothing when there is no such
   * Iceberg table (or the catalog cannot tell). The table is loaded once and then refreshed, which reads only the
   * catalog's pointer to the current metadata and parses the metadata again only when that pointer moved: a version
   * check costs a small read, not a metadata parse.
   */
  private Optional<String> currentSnapshot(String name) {
    org.apache.iceberg.Table table = versioned.get(name);
    try {
      if (table == null) {
        Optional<org.apache.iceberg.Table> loaded = catalog.icebergTable(name);
        if (loaded.isEmpty()) {
          return Optional.empty();
        }
        table = loaded.get();
        versioned.put(name, table);
      } else {
        synchronized (table) {
          table.refresh();
        }
      }
    } catch (RuntimeException e) {
      versioned.remove(name); // dropped, or the catalog failed: unknown, so nothing is reused
      return Optional.empty();
    }
    org.apache.iceberg.Snapshot current = table.currentSnapshot();
    return Optional.of(current == null ? "empty" : String.valueOf(current.snapshotId()));
  }

  private LakeScanSpec pinned(LakeScanSpec spec, String pin) {
    if (pin.chars().allMatch(Character::isDigit) && !pin.isEmpty()) {
      return new LakeScanSpec(spec.table(), Optional.of(Long.parseLong(pin)), Optional.empty(), spec.filter(),
          spec.runtimeFilters());
    }
    try {
      return new LakeScanSpec(spec.table(), Optional.empty(), Optional.of(Instant.parse(pin).toEpochMilli()),
          spec.filter(), spec.runtimeFilters());
    } catch (DateTimeParseException e) {
      throw new MeridianException(ErrorCode.VALIDATION_ERROR, "table '" + spec.table() + "@" + pin + "': after @ "
          + "give a snapshot id or an instant such as 2024-06-01T00:00:00Z");
    }
  }
}
