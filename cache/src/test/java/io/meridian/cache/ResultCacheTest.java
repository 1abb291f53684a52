package io.meridian.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResultCacheTest {
  private static final Duration FOREVER = Duration.ofDays(365);

  private static ResultCache.Key key(String sql, String version) {
    return ResultCache.Key.of(sql, List.of(1), "alice;analyst;policy=1", Map.of("warehouse", version));
  }

  private static List<Object[]> rows(int n) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {i, "row " + i});
    }
    return rows;
  }

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @Test
  void aChangedDataVersionOrIdentityMisses() {
    ResultCache cache = new ResultCache(1 << 20);
    AtomicInteger computed = new AtomicInteger();
    cache.getOrCompute(key("q", "v1"), FOREVER, () -> { computed.incrementAndGet(); return rows(3); });
    cache.getOrCompute(key("q", "v1"), FOREVER, () -> { computed.incrementAndGet(); return rows(3); });
    assertEquals(1, computed.get(), "same key: computed once");
    cache.getOrCompute(key("q", "v2"), FOREVER, () -> { computed.incrementAndGet(); return rows(3); });
    assertEquals(2, computed.get(), "a new data version misses");
    ResultCache.Key otherCaller = ResultCache.Key.of("q", List.of(1), "bob;;policy=1", Map.of("warehouse", "v2"));
    assertNotEquals(key("q", "v2"), otherCaller);
    assertTrue(cache.get(otherCaller, FOREVER).isEmpty(), "another identity never sees this answer");
  }

  @Test
  void maxAgeBoundsStaleness() {
    TestClock clock = new TestClock();
    ResultCache cache = new ResultCache(1 << 20, clock);
    ResultCache.Entry first = cache.getOrCompute(key("q", "ttl"), Duration.ofMinutes(5), () -> rows(1));
    clock.advance(Duration.ofMinutes(3));
    assertSame(first, cache.getOrCompute(key("q", "ttl"), Duration.ofMinutes(5), () -> rows(2)));
    assertTrue(cache.get(key("q", "ttl"), Duration.ZERO).isEmpty(), "max age 0: nothing cached is fresh enough");
    clock.advance(Duration.ofMinutes(3));
    ResultCache.Entry second = cache.getOrCompute(key("q", "ttl"), Duration.ofMinutes(5), () -> rows(2));
    assertEquals(2, second.rows().size(), "older than 5 minutes: recomputed");
  }

  @Test
  void concurrentIdenticalQueriesRunOnce() throws Exception {
    ResultCache cache = new ResultCache(1 << 20);
    AtomicInteger computed = new AtomicInteger();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<ResultCache.Entry>> futures = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        futures.add(pool.submit(() -> cache.getOrCompute(key("slow", "v1"), FOREVER, () -> {
          computed.incrementAndGet();
          started.countDown();
          try {
            assertTrue(release.await(10, TimeUnit.SECONDS));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return rows(5);
        })));
      }
      assertTrue(started.await(10, TimeUnit.SECONDS));
      release.countDown();
      ResultCache.Entry first = futures.get(0).get(10, TimeUnit.SECONDS);
      for (Future<ResultCache.Entry> f : futures) {
        assertSame(first, f.get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, computed.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailureIsNotCached() {
    ResultCache cache = new ResultCache(1 << 20);
    assertThrows(IllegalStateException.class, () -> cache.getOrCompute(key("bad", "v1"), FOREVER, () -> {
      throw new IllegalStateException("source failed");
    }));
    assertEquals(Optional.empty(), cache.get(key("bad", "v1"), FOREVER));
    assertEquals(3, cache.getOrCompute(key("bad", "v1"), FOREVER, () -> rows(3)).rows().size());
  }

  @Test
  void boundedByBytes() {
    ResultCache cache = new ResultCache(200_000);
    for (int i = 0; i < 100; i++) {
      cache.getOrCompute(key("q" + i, "v1"), FOREVER, () -> rows(500));
    }
    ResultCache.Stats stats = cache.stats();
    assertTrue(stats.bytes() <= 200_000, stats.toString());
    assertTrue(stats.evictions() > 0, stats.toString());
    assertTrue(ResultCache.estimateBytes(rows(500)) > ResultCache.estimateBytes(rows(5)));
  }
}
