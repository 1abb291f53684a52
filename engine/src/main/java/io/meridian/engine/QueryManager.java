package io.meridian.engine;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.QueryContext;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches running queries and stops them at their source when they are cancelled or run past their timeout.
 *
 * <p>Design note: Avatica's {@code Statement.cancel()} only raises a flag, and Calcite's JDBC adapter never looks at
 * it while a source query is blocked. One daemon thread polls the flags and deadlines of the running queries every
 * {@link #POLL_MILLIS} ms and cancels each one's {@link QueryContext}, which cancels the source statements it
 * registered. Polling costs nothing when no query runs, and bounds the reaction time without a timer per query.
 */
public final class QueryManager implements AutoCloseable {
  static final long POLL_MILLIS = 50;

  private final Set<RunningQuery> running = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog;

  QueryManager() {
    watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "meridian-query-watchdog");
      t.setDaemon(true);
      return t;
    });
    watchdog.scheduleWithFixedDelay(this::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** A query being executed. */
  public final class RunningQuery implements AutoCloseable {
    private final QueryContext context = new QueryContext();
    private final AtomicBoolean cancelFlag;
    private final long deadlineNanos;
    private final Duration timeout;

    private RunningQuery(AtomicBoolean cancelFlag, Duration timeout) {
      this.cancelFlag = cancelFlag;
      this.timeout = timeout;
      this.deadlineNanos = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    }

    public QueryContext context() {
      return context;
    }

    public Duration timeout() {
      return timeout;
    }

    @Override
    public void close() {
      running.remove(this);
    }

    void check(long now) {
      if (cancelFlag != null && cancelFlag.get()) {
        context.cancel(ErrorCode.QUERY_CANCELLED);
      } else if (now - deadlineNanos > 0) {
        context.cancel(ErrorCode.QUERY_TIMEOUT);
      }
    }
  }

  /**
   * Starts watching a query.
   *
   * @param cancelFlag the statement's cancel flag, or null
   * @param timeout the query timeout, zero for none
   */
  public RunningQuery start(AtomicBoolean cancelFlag, Duration timeout) {
    RunningQuery query = new RunningQuery(cancelFlag, timeout);
    running.add(query);
    return query;
  }

  private void check() {
    long now = System.nanoTime();
    for (RunningQuery q : running) {
      q.check(now);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
