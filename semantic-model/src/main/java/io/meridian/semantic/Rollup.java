package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A materialized rollup of one semantic table: its measures pre-aggregated by a set of dimensions and, optionally, a
 * time dimension at a grain. Meridian builds it as a table of its own and answers the queries it can from it.
 *
 * @param name lower-case identifier, unique among rollups; also the name of the table it is stored in
 * @param table the semantic table whose measures it aggregates
 * @param dimensions the dimensions it groups by, of {@code table} or of a table {@code table} reaches without fan-out
 * @param time the time dimension it groups by at {@code grain}, if any
 * @param grain the grain of {@code time}; present exactly when {@code time} is
 * @param measures names of measures of {@code table}, in declaration order
 * @param refresh when it is rebuilt
 * @param metadata description, owner, tags, certification
 * @param position where the rollup is declared
 */
public record Rollup(String name, String table, List<DimensionRef> dimensions, Optional<DimensionRef> time,
    Optional<TimeGrain> grain, List<String> measures, Refresh refresh, Metadata metadata, SourcePosition position) {
  public Rollup {
    requireNonNull(name, "name is null");
    requireNonNull(table, "table is null");
    dimensions = List.copyOf(requireNonNull(dimensions, "dimensions is null"));
    requireNonNull(time, "time is null");
    requireNonNull(grain, "grain is null");
    measures = List.copyOf(requireNonNull(measures, "measures is null"));
    requireNonNull(refresh, "refresh is null");
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
    if (time.isPresent() != grain.isPresent()) {
      throw new IllegalArgumentException("a rollup has a grain exactly when it has a time dimension: " + name);
    }
  }

  /** Every dimension it groups by: {@link #dimensions()} then {@link #time()}. */
  public List<DimensionRef> allDimensions() {
    List<DimensionRef> all = new ArrayList<>(dimensions);
    time.ifPresent(all::add);
    return List.copyOf(all);
  }

  /** A dimension of a semantic table, named {@code table.dimension}. */
  public record DimensionRef(String table, String dimension) {
    public DimensionRef {
      requireNonNull(table, "table is null");
      requireNonNull(dimension, "dimension is null");
    }

    @Override
    public String toString() {
      return table + "." + dimension;
    }
  }

  /**
   * When a rollup is rebuilt.
   *
   * @param policy what triggers a rebuild
   * @param every {@code schedule}: the rebuild interval; otherwise how often sources are checked for changes. Data of
   *     a source that cannot tell its data version (a JDBC source) is trusted for this long after a build
   */
  public record Refresh(Policy policy, Duration every) {
    public Refresh {
      requireNonNull(policy, "policy is null");
      requireNonNull(every, "every is null");
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("every must be positive");
      }
    }

    /** The default: rebuild when a source changes; unversioned sources trusted for an hour. */
    public static final Refresh DEFAULT = new Refresh(Policy.ON_SOURCE_CHANGE, Duration.ofHours(1));
  }

  /** What triggers a rebuild. */
  public enum Policy {
    /** Every {@link Refresh#every()}, whether the sources changed or not. */
    SCHEDULE,
    /** Whenever a source's data version changes (a full rebuild). */
    ON_SOURCE_CHANGE,
    /** Whenever a source changes, rebuilding only the time partitions from the earliest changed one on. */
    INCREMENTAL;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
