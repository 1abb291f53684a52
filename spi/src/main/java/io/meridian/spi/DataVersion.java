package io.meridian.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The version of a source's data as last observed: an Iceberg snapshot id, a Pinot ingestion watermark, or the result
 * of a JDBC source's version query. Two reads with equal versions see the same data; {@link #UNKNOWN} never equals
 * anything, so an answer tied to it is never reused.
 *
 * @param source the source name
 * @param version an opaque version token, comparable only for equality
 * @param observedAt when the version was read
 */
public record DataVersion(String source, String version, Instant observedAt) {
  public static final String UNKNOWN = "unknown";

  public DataVersion {
    requireNonNull(source, "source is null");
    requireNonNull(version, "version is null");
    requireNonNull(observedAt, "observedAt is null");
  }

  /** Whether this version can be used to decide that data did not change. */
  public boolean isKnown() {
    return !UNKNOWN.equals(version);
  }
}
