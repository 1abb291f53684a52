package io.meridian.spi;

import java.util.List;

/**
 * A plan node where a source's part of a plan ends: EXPLAIN shows it as one leaf, with the exact query it sends to the
 * source and the source's own details. Implemented by each connector's converter node (JDBC sources, Pinot).
 */
public interface SourceQueryNode {
  /** The source this node reads from. */
  String sourceName();

  /** The query text sent to the source. */
  String sourceQuery();

  /** Lines EXPLAIN adds under the query {@link #sourceQuery()} returned. */
  List<String> sourceDetails(String sourceQuery);
}
