package io.meridian.connector.pinot;

/**
 * Pinot's own statistics of one query, from the broker's response.
 *
 * @param rowsReturned rows Pinot sent back to Meridian
 * @param docsScanned rows Pinot read after filtering
 * @param totalDocs rows in the segments queried
 * @param segmentsQueried segments the broker asked for
 * @param segmentsProcessed segments the servers read (the rest were pruned)
 * @param segmentsMatched segments with at least one matching row
 * @param consumingSegmentsQueried real-time segments still consuming from the stream
 * @param serversQueried servers asked
 * @param serversResponded servers that answered
 * @param timeUsedMs time Pinot spent
 */
public record PinotStats(long rowsReturned, long docsScanned, long totalDocs, long segmentsQueried,
    long segmentsProcessed, long segmentsMatched, long consumingSegmentsQueried, int serversQueried,
    int serversResponded, long timeUsedMs) {

  @Override
  public String toString() {
    return "rows returned " + rowsReturned + ", docs scanned " + docsScanned + " of " + totalDocs + ", segments "
        + "queried " + segmentsQueried + " (processed " + segmentsProcessed + ", matched " + segmentsMatched
        + ", consuming " + consumingSegmentsQueried + "), servers " + serversResponded + "/" + serversQueried
        + ", " + timeUsedMs + " ms";
  }
}
