package io.meridian.engine;

import io.meridian.spi.SourceQueryListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The most recent queries Meridian sent to its sources, with their exact text, and a fan-out to listeners. Used by
 * diagnostics and by tests that assert what was pushed down.
 */
public final class SourceQueryLog implements SourceQueryListener {
  /** One query sent to a source. */
  public record Entry(String source, String query, Instant sentAt) {}

  private static final int CAPACITY = 1000;

  private final ConcurrentLinkedDeque<Entry> recent = new ConcurrentLinkedDeque<>();
  private final AtomicInteger size = new AtomicInteger();
  private final List<SourceQueryListener> listeners = new CopyOnWriteArrayList<>();

  @Override
  public void querySent(String source, String query) {
    recent.addLast(new Entry(source, query, Instant.now()));
    if (size.incrementAndGet() > CAPACITY) {
      recent.pollFirst();
      size.decrementAndGet();
    }
    for (SourceQueryListener listener : listeners) {
      listener.querySent(source, query);
    }
  }

  @Override
  public void rowsReturned(String source, String query, long rows) {
    for (SourceQueryListener listener : listeners) {
      listener.rowsReturned(source, query, rows);
    }
  }

  /** The recent entries, oldest first. */
  public List<Entry> recent() {
    return new ArrayList<>(recent);
  }

  /** Adds a listener until the returned handle is closed. */
  public AutoCloseable listen(SourceQueryListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }
}
