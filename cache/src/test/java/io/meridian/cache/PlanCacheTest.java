package io.meridian.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanCacheTest {
  @Test
  void countsHitsAndMisses() {
    PlanCache<String, String> cache = new PlanCache<>(10);
    assertEquals(Optional.empty(), cache.get("a"));
    cache.put("a", "plan-a");
    assertEquals(Optional.of("plan-a"), cache.get("a"));
    assertEquals(new PlanCache.Stats(1, 1, 1, 0), cache.stats());
  }

  @Test
  void staysWithinItsBound() {
    PlanCache<Integer, Integer> cache = new PlanCache<>(5);
    for (int i = 0; i < 100; i++) {
      cache.put(i, i);
    }
    PlanCache.Stats stats = cache.stats();
    assertTrue(stats.size() <= 5, stats.toString());
    assertEquals(95, stats.evictions() + (5 - stats.size()), stats.toString());
  }

  @Test
  void sizeZeroDisablesCaching() {
    PlanCache<String, String> cache = new PlanCache<>(0);
    cache.put("a", "b");
    assertEquals(Optional.empty(), cache.get("a"));
    assertThrows(IllegalArgumentException.class, () -> new PlanCache<>(-1));
  }
}
