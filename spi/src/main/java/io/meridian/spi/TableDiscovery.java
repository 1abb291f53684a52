package io.meridian.spi;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.lookup.IgnoreCaseLookup;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The tables of a source, discovered on first use and again when a name is not found, at most once per interval: a
 * table created at the source appears without a restart, and a misspelt name cannot become one metadata request per
 * lookup. For connectors whose {@link Connector#schema()} lists tables the source can add at any time (the JDBC
 * sources, Pinot).
 *
 * <p>Design note: the map is replaced whole (copy on write) under this object's lock, and read without it.
 *
 * @param <T> the source's table class
 */
public final class TableDiscovery<T extends Table> {
  private static final long REDISCOVER_AFTER_NANOS = 5_000_000_000L;

  private final UnaryOperator<Map<String, T>> discover;
  private volatile @Nullable Map<String, T> tables;
  private volatile long discoveredAt;

  /**
   * @param discover lists the source's tables now, given those found last time (empty the first time), so that a
   *     table still there can keep its instance and what it cached
   */
  public TableDiscovery(UnaryOperator<Map<String, T>> discover) {
    this.discover = requireNonNull(discover, "discover is null");
  }

  /** The lookup a Calcite schema returns from {@code tables()}. */
  public Lookup<Table> lookup() {
    return new IgnoreCaseLookup<>() {
      @Override
      public @Nullable Table get(String name) {
        Table table = discovered(false).get(name);
        if (table == null && System.nanoTime() - discoveredAt > REDISCOVER_AFTER_NANOS) {
          table = discovered(true).get(name);
        }
        return table;
      }

      @Override
      public Set<String> getNames(LikePattern pattern) {
        return discovered(false).keySet().stream().filter(pattern.matcher()::apply).collect(Collectors.toSet());
      }
    };
  }

  private Map<String, T> discovered(boolean refresh) {
    Map<String, T> current = tables;
    if (current != null && !refresh) {
      return current;
    }
    synchronized (this) {
      if (tables != null && !refresh) {
        return tables;
      }
      Map<String, T> found = Map.copyOf(discover.apply(tables == null ? Map.of() : tables));
      tables = found;
      discoveredAt = System.nanoTime();
      return found;
    }
  }
}
