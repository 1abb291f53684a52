package io.meridian.connector.lake;

import static java.util.Objects.requireNonNull;

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
final class LakeSchema extends JdbcSchema {
  private final LakeCatalog catalog;
  private final LakeScans scans;

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

  private LakeScanSpec pinned(LakeScanSpec spec, String pin) {
    if (pin.chars().allMatch(Character::isDigit) && !pin.isEmpty()) {
      return new LakeScanSpec(spec.table(), Optional.of(Long.parseLong(pin)), Optional.empty(), spec.filter());
    }
    try {
      return new LakeScanSpec(spec.table(), Optional.empty(), Optional.of(Instant.parse(pin).toEpochMilli()),
          spec.filter());
    } catch (DateTimeParseException e) {
      throw new MeridianException(ErrorCode.VALIDATION_ERROR, "table '" + spec.table() + "@" + pin + "': after @ "
          + "give a snapshot id or an instant such as 2024-06-01T00:00:00Z");
    }
  }
}
