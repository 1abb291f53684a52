package io.meridian.engine;

import java.util.Locale;

/** How a connection uses the result cache ({@code cacheMode} connection property). */
public enum CacheMode {
  /** Answers come from the cache when fresh enough for the caller, and new answers are kept (the default). */
  ON,
  /** The cache is neither read nor written: every statement runs at its sources. */
  OFF,
  /** Only cached answers are given; a statement with no fresh enough answer fails with SQLSTATE 55000. */
  ONLY;

  /** The connection property's spelling. */
  public String propertyValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads {@code on}, {@code off} or {@code only}, in any case. */
  public static CacheMode parse(String text) {
    for (CacheMode mode : values()) {
      if (mode.propertyValue().equalsIgnoreCase(text.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException("expected on, off or only, got '" + text + "'");
  }
}
