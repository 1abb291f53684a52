package io.meridian.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The running query as connectors see it: they register each source statement they start, so that cancelling the
 * query (by the client, or when its timeout passes) cancels the work at the source too.
 *
 * <p>Design note: Calcite pulls rows from connectors on the thread that executes or fetches, so the engine binds the
 * context to that thread for the duration of each call ({@link #bind}); connectors read it with {@link #current()}.
 * Registration and cancellation are synchronized on the context; a statement registered after cancellation is
 * cancelled at once.
 */
public final class QueryContext {
  private static final ThreadLocal<QueryContext> CURRENT = new ThreadLocal<>();

  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final List<Cancellable> running = new ArrayList<>();
  private volatile ErrorCode cancelReason;
  private final Map<Integer, RuntimeFilter> runtimeFilters = new ConcurrentHashMap<>();

  /** Something at a source that can be stopped, such as a JDBC statement. */
  @FunctionalInterface
  public interface Cancellable {
    void cancel() throws Exception;
  }

  /** The context bound to this thread, or null when none is (for example during planning or metadata calls). */
  public static QueryContext current() {
    return CURRENT.get();
  }

  /**
   * Binds this context to the current thread until the returned scope is closed. The engine binds once per row pulled,
   * so unbinding sets the previous value (null) rather than removing the thread's entry: a removed entry is created
   * again by the next row's {@code get} and {@code set}, which cost more than the row itself on narrow results.
   */
  public Scope bind() {
    QueryContext previous = CURRENT.get();
    CURRENT.set(this);
    return () -> CURRENT.set(previous);
  }

  /** Undoes a {@link #bind()}. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Registers source work; it is cancelled at once if the query already is. */
  public void register(Cancellable work) {
    synchronized (running) {
      if (!cancelled.get()) {
        running.add(work);
        return;
      }
    }
    cancelQuietly(work);
  }

  public void unregister(Cancellable work) {
    synchronized (running) {
      running.remove(work);
    }
  }

  /** Cancels the query and all registered source work; returns false if it was already cancelled. */
  public boolean cancel(ErrorCode reason) {
    if (!cancelled.compareAndSet(false, true)) {
      return false;
    }
    cancelReason = reason;
    List<Cancellable> toCancel;
    synchronized (running) {
      toCancel = new ArrayList<>(running);
      running.clear();
    }
    toCancel.forEach(QueryContext::cancelQuietly);
    return true;
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Why the query was cancelled ({@link ErrorCode#QUERY_CANCELLED} or {@link ErrorCode#QUERY_TIMEOUT}), or null. */
  public ErrorCode cancelReason() {
    return cancelReason;
  }

  /**
   * Publishes the values of a runtime filter, replacing those of an earlier execution of the same plan. Called by a
   * join's build side when it has read all its rows, before the probe side's source query starts.
   */
  public void publish(RuntimeFilter filter) {
    runtimeFilters.put(filter.id(), filter);
  }

  /** Forgets the values of runtime filter {@code id}: its build side is being read again. */
  public void withdraw(int id) {
    runtimeFilters.remove(id);
  }

  /** The values of runtime filter {@code id} of the running plan, or null when its build side has not published. */
  public RuntimeFilter runtimeFilter(int id) {
    return runtimeFilters.get(id);
  }

  private static void cancelQuietly(Cancellable work) {
    try {
      work.cancel();
    } catch (Exception ignored) {
      // The source may have finished or closed the statement already; cancellation is best effort by nature.
    }
  }
}
