package io.meridian.spi;

/**
 * Told of every query a connector sends to its source, with the exact text. Used by EXPLAIN ANALYZE-style
 * diagnostics, the query log and tests that assert what was pushed down.
 */
@FunctionalInterface
public interface SourceQueryListener {
  SourceQueryListener NONE = (source, query) -> {};

  void querySent(String source, String query);
}
