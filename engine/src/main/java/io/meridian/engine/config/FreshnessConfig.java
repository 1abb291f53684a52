package io.meridian.engine.config;

import java.time.Duration;

/**
 * How the result cache learns that a JDBC source's data changed ({@code freshness:} of a source). A warehouse has no
 * portable data version, so with neither key nothing read from it is cached. Lake sources need neither: each Iceberg
 * table's snapshot is its version.
 *
 * @param versionQuery {@code version-query}: a cheap query whose first row changes whenever data Meridian reads
 *     changes, such as {@code SELECT max(updated_at) FROM orders}; run at every cacheable execution (or as often as
 *     the caller's {@code maxStaleness} requires)
 * @param ttl {@code ttl}: answers are reused up to this age whatever happens at the source
 */
public record FreshnessConfig(String versionQuery, Duration ttl) {
  public static final FreshnessConfig NONE = new FreshnessConfig(null, null);

  public FreshnessConfig {
    if (versionQuery != null && ttl != null) {
      throw new IllegalArgumentException("freshness: give version-query or ttl, not both");
    }
    if (versionQuery != null && versionQuery.isBlank()) {
      throw new IllegalArgumentException("freshness: version-query is blank");
    }
    if (ttl != null) {
      Checks.checkRange("ttl", ttl, Duration.ofMillis(1), Duration.ofDays(7));
    }
  }
}
