package io.meridian.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;

/**
 * Prepared plans by statement key, bounded by count, with hit and miss statistics. Keys must hold everything that
 * changes a plan (the engine's {@code PlanKey}); values are immutable prepared statements shared by all connections.
 *
 * <p>Caffeine does the work (W-TinyLFU eviction keeps the hot dashboard statements); this class fixes the policy
 * and exposes statistics in Meridian's terms. A size of 0 disables caching.
 */
public final class PlanCache<K, V> {
  private final Cache<K, V> cache;
  private final long maximumSize;

  public PlanCache(long maximumSize) {
    if (maximumSize < 0) {
      throw new IllegalArgumentException("maximumSize must be >= 0, got " + maximumSize);
    }
    this.maximumSize = maximumSize;
    this.cache = Caffeine.newBuilder().maximumSize(maximumSize).recordStats().build();
  }

  public Optional<V> get(K key) {
    return Optional.ofNullable(cache.getIfPresent(requireNonNull(key, "key is null")));
  }

  public void put(K key, V value) {
    if (maximumSize > 0) {
      cache.put(requireNonNull(key, "key is null"), requireNonNull(value, "value is null"));
    }
  }

  public void invalidateAll() {
    cache.invalidateAll();
  }

  /** A snapshot of the statistics. */
  public Stats stats() {
    cache.cleanUp();
    var s = cache.stats();
    return new Stats(cache.estimatedSize(), s.hitCount(), s.missCount(), s.evictionCount());
  }

  /** Counters since the cache was made. */
  public record Stats(long size, long hits, long misses, long evictions) {}
}
