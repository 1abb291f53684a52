package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.SourceQueryListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a running Pinot query needs besides its SQL: the client, the settings, the query listener, and a small record
 * of Pinot's statistics for the most recent queries (EXPLAIN shows them; the benchmark reads them).
 */
public final class PinotRuntime {
  private static final int KEPT_STATS = 256;

  private final PinotSettings settings;
  private final PinotClient client;
  private final SourceQueryListener listener;
  private final Map<String, PinotStats> recent = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PinotStats> eldest) {
          return size() > KEPT_STATS;
        }
      });

  PinotRuntime(PinotSettings settings, PinotClient client, SourceQueryListener listener) {
    this.settings = requireNonNull(settings, "settings is null");
    this.client = requireNonNull(client, "client is null");
    this.listener = requireNonNull(listener, "listener is null");
  }

  String source() {
    return settings.name();
  }

  PinotSettings settings() {
    return settings;
  }

  PinotClient client() {
    return client;
  }

  SourceQueryListener listener() {
    return listener;
  }

  void recordStats(String sql, PinotStats stats) {
    recent.put(sql, stats);
  }

  /** Pinot's statistics for the last run of exactly this SQL, if it ran recently. */
  public Optional<PinotStats> lastStats(String sql) {
    return Optional.ofNullable(recent.get(sql));
  }
}
