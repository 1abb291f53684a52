package io.meridian.engine.rollup;

/**
 * An engine's rollup statistics as JMX attributes ({@code io.meridian:type=Rollups,engine=N}), for the server's
 * metrics tooling; the same numbers as the {@code meridian.rollups} table, summed over the model's rollups.
 */
public interface RollupMetricsMXBean {
  /** Rollups the model declares. */
  int getRollups();

  /** Rollups that answer everything they can (fresh). */
  int getFreshRollups();

  /** Rollups behind their source, answering up to a seam. */
  int getBehindRollups();

  /** Rollups not used: stale or not built. */
  int getUnusableRollups();

  /** Builds and refreshes run by this engine. */
  long getBuilds();

  /** Queries answered from in-memory rollups by this engine. */
  long getHits();

  /** The longest last build time here, in milliseconds. */
  long getMaxBuildMillis();

  /** The most any rollup is behind its sources, in seconds (0 when all are fresh). */
  long getMaxStalenessSeconds();
}
