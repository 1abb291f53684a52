package io.meridian.jdbc.remote;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.remote.Service;

/**
 * A client {@link Service} that asks the server for a result's next frame while the application reads the current
 * one, so that the server's work (reading the source, encoding) and the client's (decoding, the application's own)
 * overlap instead of taking turns.
 *
 * <p>Design note (concurrency). At most one frame is fetched ahead per statement, and only after the application has
 * itself asked for a frame beyond the first (a result read only in part, the common "first rows" case, never triggers
 * one). The prefetched request is exactly the one Avatica's row iterator sends next (same statement, offset and row
 * count); any other fetch of that statement first waits for the prefetch and drops it. A request that replaces the
 * statement's result on the server (execute, prepare-and-execute, batch, sync) waits for the prefetch first, so that
 * a late fetch can never consume rows of the new result. Closing the statement or the connection does not wait: the
 * close cancels the statement on the server, the prefetch fails or finishes, and its frame is dropped. A failure of a
 * prefetch reaches the application exactly where the fetch would have failed. Memory: one extra frame per open result,
 * which the server bounds in bytes.
 */
public final class PrefetchingService implements InvocationHandler {
  private static final ExecutorService PREFETCH = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "meridian-remote-prefetch");
        t.setDaemon(true);
        return t;
      });

  private final Service delegate;
  private final Map<StatementKey, Pending> pending = new ConcurrentHashMap<>();

  private PrefetchingService(Service delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  /** {@code delegate}, fetching one frame ahead. */
  public static Service wrap(Service delegate) {
    return (Service) Proxy.newProxyInstance(Service.class.getClassLoader(), new Class<?>[] {Service.class},
        new PrefetchingService(delegate));
  }

  private record StatementKey(String connectionId, int statementId) {}

  private record Pending(long offset, int rows, CompletableFuture<Service.FetchResponse> response) {}

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Object request = args != null && args.length == 1 ? args[0] : null;
    if (request instanceof Service.FetchRequest fetch) {
      return fetch(fetch);
    }
    if (request instanceof Service.CloseStatementRequest close) {
      pending.remove(new StatementKey(close.connectionId, close.statementId));
    } else if (request instanceof Service.CloseConnectionRequest close) {
      pending.keySet().removeIf(k -> k.connectionId().equals(close.connectionId));
    } else {
      StatementKey replaced = replacesResult(request);
      if (replaced != null) {
        settle(pending.remove(replaced));
      }
    }
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The statement whose result on the server a request replaces, or null. */
  private static StatementKey replacesResult(Object request) {
    if (request instanceof Service.ExecuteRequest r && r.statementHandle != null) {
      return new StatementKey(r.statementHandle.connectionId, r.statementHandle.id);
    } else if (request instanceof Service.PrepareAndExecuteRequest r) {
      return new StatementKey(r.connectionId, r.statementId);
    } else if (request instanceof Service.SyncResultsRequest r) {
      return new StatementKey(r.connectionId, r.statementId);
    } else if (request instanceof Service.ExecuteBatchRequest r) {
      return new StatementKey(r.connectionId, r.statementId);
    } else if (request instanceof Service.PrepareAndExecuteBatchRequest r) {
      return new StatementKey(r.connectionId, r.statementId);
    }
    return null;
  }

  private Service.FetchResponse fetch(Service.FetchRequest request) {
    StatementKey key = new StatementKey(request.connectionId, request.statementId);
    Pending ahead = pending.remove(key);
    Service.FetchResponse response;
    if (ahead != null && ahead.offset() == request.offset && ahead.rows() == request.fetchMaxRowCount) {
      response = await(ahead.response());
    } else {
      settle(ahead);
      response = delegate.apply(request);
    }
    Service.FetchResponse r = response;
    if (r != null && !r.missingStatement && !r.missingResults && r.frame != null && !r.frame.done) {
      long rows = rows(r.frame.rows);
      if (rows > 0) {
        Service.FetchRequest next = new Service.FetchRequest(request.connectionId, request.statementId,
            request.offset + rows, request.fetchMaxRowCount);
        pending.put(key, new Pending(next.offset, next.fetchMaxRowCount,
            CompletableFuture.supplyAsync(() -> delegate.apply(next), PREFETCH)));
      }
    }
    return response;
  }

  private static long rows(Iterable<Object> rows) {
    if (rows instanceof Collection<?> c) {
      return c.size();
    }
    long n = 0;
    for (Object ignored : rows) {
      n++;
    }
    return n;
  }

  /** The prefetched response, or its failure as the fetch itself would have thrown it. */
  private static Service.FetchResponse await(CompletableFuture<Service.FetchResponse> response) {
    try {
      return response.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** Waits for a prefetch that will not be used; its result or failure is dropped. */
  private static void settle(Pending ahead) {
    if (ahead != null) {
      try {
        ahead.response().join();
      } catch (RuntimeException e) {
        // A frame nobody asked for: its failure is not the application's.
      }
    }
  }
}
