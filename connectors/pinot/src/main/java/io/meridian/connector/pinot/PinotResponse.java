package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** One answer of Pinot's broker: the result table and the statistics and flags that come with it. */
final class PinotResponse {
  private final JsonNode json;
  private volatile String partial;

  PinotResponse(JsonNode json) {
    this.json = requireNonNull(json, "json is null");
  }

  JsonNode json() {
    return json;
  }

  JsonNode rows() {
    return json.path("resultTable").path("rows");
  }

  boolean hasRows() {
    return json.path("resultTable").isObject();
  }

  /** Whether some server's groups were cut at Pinot's {@code numGroupsLimit}: the groups would be incomplete. */
  boolean numGroupsLimitReached() {
    return json.path("numGroupsLimitReached").asBoolean(false);
  }

  long numDocsScanned() {
    return json.path("numDocsScanned").asLong();
  }

  void markPartial(String why) {
    this.partial = why;
  }

  /** Why this answer is partial, when Pinot's partial answers are accepted ({@code partial-results: warn}). */
  Optional<String> partial() {
    return Optional.ofNullable(partial);
  }

  /** Pinot's statistics, as EXPLAIN and the benchmark report them. */
  PinotStats stats() {
    return new PinotStats(json.path("numRowsResultSet").asLong(rows().size()), json.path("numDocsScanned").asLong(),
        json.path("totalDocs").asLong(), json.path("numSegmentsQueried").asLong(),
        json.path("numSegmentsProcessed").asLong(), json.path("numSegmentsMatched").asLong(),
        json.path("numConsumingSegmentsQueried").asLong(), json.path("numServersQueried").asInt(),
        json.path("numServersResponded").asInt(), json.path("timeUsedMs").asLong());
  }
}
