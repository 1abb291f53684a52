package io.meridian.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The version of a source's data as last observed: an Iceberg snapshot id, a Pinot ingestion watermark, or the result
 * of a JDBC source's version query. Two reads with equal versions see the same data; {@link #UNKNOWN} never equals
 * anything, so an answer tied to it is never reused.
 *
 * <p>A source that cannot observe changes but accepts answers up to a fixed age (a JDBC source configured with a
 * time-to-live, a real-time store with a short bound) reports a constant version with {@link #validFor}: an answer
 * read from it may then be reused only while it is younger than that bound.
 *
 * @param source the source name
 * @param version an opaque version token, comparable only for equality
 * @param observedAt when the version was read
 * @param validFor how long an answer tied to this version may be reused, or null when equality of versions alone
 *     proves the answer current
 */
public record DataVersion(String source, String version, Instant observedAt, Duration validFor) {
  public static final String UNKNOWN = "unknown";

  public DataVersion {
    requireNonNull(source, "source is null");
    requireNonNull(version, "version is null");
    requireNonNull(observedAt, "observedAt is null");
    if (validFor != null && validFor.isNegative()) {
      throw new IllegalArgumentException("validFor must not be negative, got " + validFor);
    }
  }

  /** A version that, while equal, proves the data unchanged. */
  public DataVersion(String source, String version, Instant observedAt) {
    this(source, version, observedAt, null);
  }

  /** A source that cannot tell its version. */
  public static DataVersion unknown(String source, Instant observedAt) {
    return new DataVersion(source, UNKNOWN, observedAt, null);
  }

  /** A source without versions whose answers may be reused up to {@code ttl} after they were computed. */
  public static DataVersion timeToLive(String source, Duration ttl, Instant observedAt) {
    return new DataVersion(source, "ttl:" + ttl, observedAt, requireNonNull(ttl, "ttl is null"));
  }

  /** Whether this version can be used to decide that data did not change. */
  public boolean isKnown() {
    return !UNKNOWN.equals(version);
  }

  /** The age bound of answers tied to this version, if there is one. */
  public Optional<Duration> maxAge() {
    return Optional.ofNullable(validFor);
  }
}
