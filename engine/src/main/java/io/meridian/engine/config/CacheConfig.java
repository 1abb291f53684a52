package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkRange;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result cache ({@code cache:} in {@code meridian.yaml}). An answer is reused only while every source it read
 * still has the data version it had (an Iceberg snapshot, a version query's result), and only as stale as the caller
 * allows ({@code maxStaleness} connection property, default {@code max-staleness} here).
 *
 * @param enabled {@code enabled}: keep results at all (default true)
 * @param maxBytes {@code max-bytes}: memory the cached answers may take, estimated ({@code 256MB} default; {@code 0}
 *     keeps nothing)
 * @param maxEntryBytes {@code max-entry-bytes}: larger answers are streamed to the caller and not kept (default an
 *     eighth of {@code max-bytes}), so one large export cannot flush every dashboard's answers
 * @param maxStaleness {@code max-staleness}: how old a source's observed version may be when a cached answer is
 *     checked against it, for connections that do not say ({@code 0} default: versions are read at every
 *     execution, so an answer is never older than the last change of its sources)
 */
public record CacheConfig(Boolean enabled, String maxBytes, String maxEntryBytes, Duration maxStaleness) {
  // Before DEFAULT: static fields initialize in order, and DEFAULT's constructor reads this.
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?");

  public static final CacheConfig DEFAULT = new CacheConfig(null, null, null, null);

  public CacheConfig {
    enabled = enabled == null || enabled;
    long max = bytes("max-bytes", maxBytes == null ? "256MB" : maxBytes);
    maxBytes = String.valueOf(max);
    long entry = maxEntryBytes == null ? max / 8 : bytes("max-entry-bytes", maxEntryBytes);
    if (entry > max) {
      throw new IllegalArgumentException("max-entry-bytes (" + entry + ") must not exceed max-bytes (" + max + ")");
    }
    maxEntryBytes = String.valueOf(entry);
    maxStaleness = checkRange("max-staleness", maxStaleness == null ? Duration.ZERO : maxStaleness, Duration.ZERO,
        Duration.ofDays(7));
  }

  /** {@code max-bytes} in bytes. */
  public long maxBytesValue() {
    return Long.parseLong(maxBytes);
  }

  /** {@code max-entry-bytes} in bytes. */
  public long maxEntryBytesValue() {
    return Long.parseLong(maxEntryBytes);
  }

  /** Reads {@code 1048576}, {@code 512KB}, {@code 256MB} or {@code 2GB} (powers of 1024). */
  static long bytes(String key, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(key + " must be a size such as 512KB, 256MB or 2GB, got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    int shift = switch (unit) {
      case "kb" -> 10;
      case "mb" -> 20;
      case "gb" -> 30;
      default -> 0;
    };
    if (n > (Long.MAX_VALUE >> 1) >> shift || (n << shift) > (64L << 30)) {
      throw new IllegalArgumentException(key + " must be at most 64GB, got '" + text + "'");
    }
    return n << shift;
  }
}
