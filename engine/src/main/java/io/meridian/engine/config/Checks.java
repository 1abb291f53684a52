package io.meridian.engine.config;

import java.time.Duration;

/** Bound checks for configuration values; messages name the key so the loader can point at the line. */
final class Checks {
  private Checks() {}

  static int checkRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  static Duration checkRange(String key, Duration value, Duration min, Duration max) {
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(key + " must be between " + Durations.format(min) + " and "
          + Durations.format(max) + ", got " + Durations.format(value));
    }
    return value;
  }

  static String checkName(String key, String value) {
    if (value == null || !value.matches("[a-z][a-z0-9_]*")) {
      throw new IllegalArgumentException(key + " must be a lower-case identifier ([a-z][a-z0-9_]*), got "
          + (value == null ? "nothing" : "'" + value + "'"));
    }
    return value;
  }
}
