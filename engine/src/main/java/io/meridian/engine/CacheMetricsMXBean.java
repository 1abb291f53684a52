package io.meridian.engine;

/**
 * The engine's cache statistics as JMX attributes ({@code io.meridian:type=Cache,engine=N}), for the server's metrics
 * tooling (JConsole, a JMX exporter); the same numbers as the {@code meridian.cache} table.
 */
public interface CacheMetricsMXBean {
  String getConfiguration();

  long getResultHits();

  long getResultMisses();

  long getResultEvictions();

  long getResultEntries();

  long getResultBytes();

  long getResultMaxBytes();

  long getUncacheableExecutions();

  long getOversizedAnswers();

  long getVersionReads();

  long getCacheOnlyMisses();

  long getPlanHits();

  long getPlanMisses();

  long getPlanEntries();
}
