package io.meridian.cache;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Query results kept in memory, bounded by bytes, keyed by everything that changes an answer.
 *
 * <p>Design note. A {@link Key} holds the normalized statement, its parameter values, the caller's identity and
 * policy version, and the data version of every source the query read. So a commit to a source changes the key and
 * the next query misses: freshness comes from the sources' versions, not from a timer. An entry also records when it
 * was computed, so a caller can bound the age it accepts ({@code maxAge}); sources that have no version expose a
 * time bucket as their version, which bounds staleness the same way.
 *
 * <p>Concurrent identical queries run once: {@link #getOrCompute} lets the first caller compute, on its own thread
 * (where the query's context is bound), while the others wait for its future. A failed computation is not cached
 * (Caffeine drops failed futures); every waiter sees the failure, and the next call tries again. Entries are weighed by an estimate of their size in memory, and the least
 * valuable are evicted past {@code maxBytes} (W-TinyLFU).
 */
public final class ResultCache {
  /**
   * What makes two answers the same.
   *
   * @param statement the normalized statement (plan key)
   * @param parameters the parameter values, in order
   * @param identity the caller's identity, roles and policy version, as one string
   * @param dataVersions each source the query read, by name, with the version it had
   */
  public record Key(String statement, List<Object> parameters, String identity, SortedMap<String, String> dataVersions) {
    public Key {
      requireNonNull(statement, "statement is null");
      parameters = Collections.unmodifiableList(new ArrayList<>(requireNonNull(parameters, "parameters is null")));
      requireNonNull(identity, "identity is null");
      dataVersions = Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(dataVersions, "dataVersions is null")));
    }

    public static Key of(String statement, List<Object> parameters, String identity, Map<String, String> versions) {
      return new Key(statement, parameters, identity, new TreeMap<>(versions));
    }
  }

  /** A cached answer: its rows (immutable by convention), its estimated size, and when it was computed. */
  public record Entry(List<Object[]> rows, long bytes, Instant computedAt) {
    public Entry {
      rows = List.copyOf(requireNonNull(rows, "rows is null"));
      requireNonNull(computedAt, "computedAt is null");
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
      }
    }

    /** How old the answer is at {@code now}. */
    public Duration age(Instant now) {
      return Duration.between(computedAt, now);
    }
  }

  /** Counters since the cache was made, and its current size. */
  public record Stats(long hits, long misses, long evictions, long entries, long bytes, long maxBytes) {}

  private final AsyncCache<Key, Entry> cache;
  private final long maxBytes;
  private final Clock clock;

  public ResultCache(long maxBytes) {
    this(maxBytes, Clock.systemUTC());
  }

  public ResultCache(long maxBytes, Clock clock) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.clock = requireNonNull(clock, "clock is null");
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((Key k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.bytes() + estimateKey(k)))
        .recordStats()
        .buildAsync();
  }

  /** The cached answer, if there is one no older than {@code maxAge}. */
  public Optional<Entry> get(Key key, Duration maxAge) {
    requireNonNull(maxAge, "maxAge is null");
    CompletableFuture<Entry> future = cache.getIfPresent(requireNonNull(key, "key is null"));
    if (future == null || !future.isDone() || future.isCompletedExceptionally()) {
      return Optional.empty();
    }
    Entry entry = future.join();
    return entry.age(clock.instant()).compareTo(maxAge) > 0 ? Optional.empty() : Optional.of(entry);
  }

  /** Like {@link #get}, but not counted in the statistics: for EXPLAIN, which asks without answering. */
  public Optional<Entry> peek(Key key, Duration maxAge) {
    CompletableFuture<Entry> future = cache.asMap().get(requireNonNull(key, "key is null"));
    if (future == null || !future.isDone() || future.isCompletedExceptionally()) {
      return Optional.empty();
    }
    Entry entry = future.join();
    return entry.age(clock.instant()).compareTo(maxAge) > 0 ? Optional.empty() : Optional.of(entry);
  }

  /**
   * The cached answer no older than {@code maxAge}, or the one {@code compute} makes now (once, however many callers
   * ask at the same time). An entry too old is replaced. What {@code compute} throws reaches every waiting caller
   * and is not cached.
   */
  public Entry getOrCompute(Key key, Duration maxAge, Supplier<List<Object[]>> compute) {
    requireNonNull(compute, "compute is null");
    Optional<Entry> fresh = get(key, maxAge);
    if (fresh.isPresent()) {
      return fresh.get();
    }
    while (true) {
      CompletableFuture<Entry> mine = new CompletableFuture<>();
      CompletableFuture<Entry> existing = cache.asMap().putIfAbsent(key, mine);
      if (existing == null) {
        return computeInto(mine, key, compute);
      }
      Entry done;
      try {
        done = existing.join(); // another caller is computing, or has computed, this answer
      } catch (CompletionException e) {
        throw unwrap(e);
      }
      if (done.age(clock.instant()).compareTo(maxAge) <= 0) {
        return done;
      }
      if (cache.asMap().replace(key, existing, mine)) {
        return computeInto(mine, key, compute); // too old for this caller: recompute in its place
      }
    }
  }

  private Entry computeInto(CompletableFuture<Entry> future, Key key, Supplier<List<Object[]>> compute) {
    Instant started = clock.instant();
    try {
      List<Object[]> rows = compute.get();
      Entry entry = new Entry(rows, estimateBytes(rows), started);
      future.complete(entry);
      return entry;
    } catch (Throwable e) {
      // Throwable: a supplier may throw a checked exception sneakily, and waiters must never wait forever.
      cache.asMap().remove(key, future);
      future.completeExceptionally(e);
      throw e;
    }
  }

  private static RuntimeException unwrap(CompletionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return e;
  }

  public void invalidateAll() {
    cache.synchronous().invalidateAll();
  }

  public Stats stats() {
    var sync = cache.synchronous();
    sync.cleanUp();
    var s = sync.stats();
    long bytes = sync.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    return new Stats(s.hitCount(), s.missCount(), s.evictionCount(), sync.estimatedSize(), bytes, maxBytes);
  }

  /**
   * An estimate of the memory rows take: object and array headers, boxed numbers, strings at two bytes a character.
   * It need only be proportional and never zero for a non-empty result; the bound it enforces is approximate.
   */
  public static long estimateBytes(List<Object[]> rows) {
    long bytes = 16;
    for (Object[] row : rows) {
      bytes += estimateRowBytes(row);
    }
    return bytes;
  }

  /** One row's share of {@link #estimateBytes}. */
  public static long estimateRowBytes(Object[] row) {
    long bytes = 16 + 8L * row.length;
    for (Object v : row) {
      bytes += valueBytes(v);
    }
    return bytes;
  }

  private static long valueBytes(Object v) {
    if (v == null) {
      return 0;
    }
    if (v instanceof String s) {
      return 40 + 2L * s.length();
    }
    if (v instanceof BigDecimal d) {
      return 40 + d.unscaledValue().bitLength() / 8;
    }
    if (v instanceof byte[] b) {
      return 16 + b.length;
    }
    return 16;
  }

  private static long estimateKey(Key key) {
    return 64 + 2L * key.statement().length() + 16L * key.parameters().size() + 64L * key.dataVersions().size();
  }
}
