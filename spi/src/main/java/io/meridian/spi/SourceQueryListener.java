package io.meridian.spi;

/**
 * Told of every query a connector sends to its source, with the exact text. Used by EXPLAIN ANALYZE-style
 * diagnostics, the query log and tests that assert what was pushed down.
 */
@FunctionalInterface
public interface SourceQueryListener {
  SourceQueryListener NONE = (source, query) -> {};

  void querySent(String source, String query);

  /**
   * Told, when a result of {@code query} is closed, how many rows the source returned for it (rows read with
   * {@code next()}, not rows the source could have sent). Benchmarks compare this with the rows a query needs.
   */
  default void rowsReturned(String source, String query, long rows) {}
}
