package io.meridian.spi;

/** An operation a source can run itself, so the planner may push it down. */
public enum Capability {
  FILTER,
  PROJECT,
  AGGREGATE,
  SORT,
  LIMIT,
  JOIN,
  /** Reads stream row by row (bounded memory) instead of buffering the whole result. */
  STREAMING,
  /** A running query can be cancelled at the source. */
  CANCEL,
  /**
   * Filters whose values are known only at execution: the keys of a join's build side, applied to the source's scan
   * before it is read ({@link RuntimeFilter}).
   */
  RUNTIME_FILTER
}
