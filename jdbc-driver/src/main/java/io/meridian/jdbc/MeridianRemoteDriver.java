package io.meridian.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.NoSuchElementException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.NoSuchStatementException;

/**
 * Avatica's remote driver, with three client-side repairs.
 * <ul>
 *   <li>{@code Statement.cancel()} and {@code setQueryTimeout} stop the query on the server (see {@link #watch}).</li>
 *   <li>Server errors met while fetching rows become {@link SQLException}s. Avatica reports a server error as an
 *       unchecked {@link AvaticaClientRuntimeException}; on execute it wraps it, but {@code ResultSet.next()} fetching
 *       a later frame lets it through as is.</li>
 *   <li>{@code setMaxRows} on a {@code PreparedStatement} is honoured: Avatica's protocol sends it only with
 *       statements prepared and executed at once, so the rows are limited here as they are read.</li>
 * </ul>
 */
final class MeridianRemoteDriver extends org.apache.calcite.avatica.remote.Driver {
  /** Statements that can be cancelled while they execute (see {@code MeridianRemoteFactory}). */
  @Override
  protected String getFactoryClassName(JdbcVersion jdbcVersion) {
    return "org.apache.calcite.avatica.MeridianRemoteFactory";
  }

  @Override
  public Meta createMeta(AvaticaConnection connection) {
    Meta meta = super.createMeta(connection);
    InvocationHandler handler = (proxy, method, args) -> {
      ScheduledFuture<?> watch = EXECUTING.contains(method.getName()) ? watch(connection, meta,
          (Meta.StatementHandle) args[0]) : null;
      try {
        Object result = method.invoke(meta, args);
        if (method.getName().equals("createIterable") && result instanceof Iterable<?> rows) {
          AvaticaStatement statement = connection.statementMap.get(((Meta.StatementHandle) args[0]).id);
          long maxRows = statement == null ? 0 : statement.getLargeMaxRows();
          return new Rows(rows, maxRows);
        }
        return result;
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof AvaticaClientRuntimeException a && method.getName().equals("fetch")) {
          throw fetchFailed(a);
        }
        throw e.getCause();
      } finally {
        if (watch != null) {
          watch.cancel(false);
        }
      }
    };
    return (Meta) Proxy.newProxyInstance(Meta.class.getClassLoader(), new Class<?>[] {Meta.class}, handler);
  }

  private static final Set<String> EXECUTING = Set.of("prepareAndExecute", "execute", "prepareAndExecuteBatch",
      "executeBatch");
  private static final long POLL_MILLIS = 50;
  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "meridian-remote-cancel");
    t.setDaemon(true);
    return t;
  });

  /**
   * Watches a statement while the server executes it: when the client cancels it ({@code Statement.cancel()} from
   * another thread) or its query timeout passes, asks the server to close it, which cancels the query at its source.
   * Avatica has no cancel request, and the execute call blocks until the server answers.
   */
  private static ScheduledFuture<?> watch(AvaticaConnection connection, Meta meta, Meta.StatementHandle h) {
    AvaticaStatement statement = connection.statementMap.get(h.id);
    AtomicBoolean cancelFlag;
    try {
      cancelFlag = connection.getCancelFlag(h);
    } catch (NoSuchStatementException e) {
      return null;
    }
    long timeoutMillis = 0;
    try {
      timeoutMillis = statement == null ? 0 : statement.getQueryTimeout() * 1000L;
    } catch (SQLException e) {
      // A closed statement: no timeout to watch.
    }
    boolean alreadyCancelled = cancelFlag.get();
    long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000 : Long.MAX_VALUE;
    AtomicBoolean sent = new AtomicBoolean();
    return WATCHDOG.scheduleWithFixedDelay(() -> {
      boolean cancelled = !alreadyCancelled && cancelFlag.get();
      if ((cancelled || System.nanoTime() - deadline > 0) && sent.compareAndSet(false, true)) {
        try {
          meta.closeStatement(h);
        } catch (RuntimeException e) {
          // The server finished first, or cannot be reached; the execute call reports either.
        }
      }
    }, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Rows as fetched, at most {@code maxRows} (0: all), failures as SQLExceptions. */
  private record Rows(Iterable<?> rows, long maxRows) implements Iterable<Object> {
    @Override
    public Iterator<Object> iterator() {
      Iterator<?> inner = rows.iterator();
      return new Iterator<>() {
        private long read;

        @Override
        public boolean hasNext() {
          if (maxRows > 0 && read >= maxRows) {
            return false;
          }
          try {
            return inner.hasNext();
          } catch (AvaticaClientRuntimeException a) {
            throw fetchFailed(a);
          }
        }

        @Override
        public Object next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          read++;
          try {
            return inner.next();
          } catch (AvaticaClientRuntimeException a) {
            throw fetchFailed(a);
          }
        }
      };
    }
  }

  private static RuntimeException fetchFailed(AvaticaClientRuntimeException a) {
    return sneaky(new SQLException("Error while fetching rows: " + a.getMessage(), a.getSqlState(), a.getErrorCode(),
        a));
  }

  /** {@code Meta.fetch} does not declare SQLException, but the {@code ResultSet.next()} that calls it does. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
