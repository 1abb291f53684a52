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
  CANCEL
}
