package io.meridian.jdbc.remote;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * A client {@link Service} that asks the server for a result's next frames while the application reads the current
 * one, so that the server's work (reading the source, encoding) and the client's (decoding, the application's own)
 * overlap instead of taking turns.
 *
 * <p>Design note (concurrency). Fetching ahead starts only once the application has itself asked for a frame beyond
 * the first (a result read only in part, the common "first rows" case, never triggers it). From then on up to
 * {@link #DEPTH} frames are asked for ahead of the one the application reads: each fetch ahead, when its answer
 * arrives, asks for the next while fewer than {@code DEPTH} are waiting, so the server starts on a frame as soon as
 * it has sent the one before. Each request ahead is exactly the one Avatica's row iterator sends next (same statement,
 * offset and row count); a fetch of that statement at another offset or size first waits for those ahead and drops
 * them. A request that replaces the statement's result on the server (execute, prepare-and-execute, batch, sync) also
 * waits for them first, so that a late fetch can never consume rows of the new result. Closing the statement or the
 * connection does not wait: the close cancels the statement on the server, the fetches ahead fail or finish, and
 * their frames are dropped. A failure of a fetch ahead reaches the application exactly where its own fetch would have
 * failed. Memory: at most {@code DEPTH} frames per open result beyond the one being read; the server bounds frames in
 * bytes. The state of each statement ({@code Ahead}) is guarded by its own monitor; no lock is held while waiting for
 * the server. A fetch ahead is asked for only when the one before it has been answered, so the server never reads one
 * statement's rows for two requests at once.
 */
public final class PrefetchingService implements InvocationHandler {
  private static final ExecutorService PREFETCH = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "meridian-remote-prefetch");
        t.setDaemon(true);
        return t;
      });

  private final Service delegate;
  private final Map<StatementKey, Ahead> pending = new ConcurrentHashMap<>();

  private PrefetchingService(Service delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  /** {@code delegate}, fetching frames ahead. */
  public static Service wrap(Service delegate) {
    return (Service) Proxy.newProxyInstance(Service.class.getClassLoader(), new Class<?>[] {Service.class},
        new PrefetchingService(delegate));
  }

  private record StatementKey(String connectionId, int statementId) {}

  private record Pending(long offset, CompletableFuture<Service.FetchResponse> response) {}

  /** Frames to fetch ahead of the one the application reads. */
  static final int DEPTH = 2;

  /** The fetches ahead of one statement's reader, in offset order; guarded by its own monitor. */
  private final class Ahead {
    private final StatementKey key;
    private final int rows;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>(DEPTH);
    private boolean dropped;

    Ahead(StatementKey key, int rows) {
      this.key = key;
      this.rows = rows;
    }

    /** Asks for the frame at {@code offset} unless the statement was dropped or {@link #DEPTH} are ahead. */
    void extend(long offset) {
      assert Thread.holdsLock(this);
      if (dropped || queue.size() >= DEPTH) {
        return;
      }
      Pending p = new Pending(offset, new CompletableFuture<>());
      queue.addLast(p);
      Service.FetchRequest request = new Service.FetchRequest(key.connectionId(), key.statementId(), offset, rows);
      PREFETCH.execute(() -> {
        Service.FetchResponse response;
        try {
          response = delegate.apply(request);
        } catch (Throwable t) {
          p.response().completeExceptionally(t);
          return;
        }
        p.response().complete(response);
        synchronized (this) {
          if (queue.peekLast() == p) {
            long next = next(p.offset(), response);
            if (next >= 0) {
              extend(next);
            }
          }
        }
      });
    }

    /** After the application took a frame: keeps the pipeline full from the last frame known. */
    void topUp(long offsetAfterTaken) {
      assert Thread.holdsLock(this);
      Pending tail = queue.peekLast();
      if (tail == null) {
        extend(offsetAfterTaken);
      } else if (tail.response().isDone() && !tail.response().isCompletedExceptionally()) {
        long next = next(tail.offset(), tail.response().join());
        if (next >= 0) {
          extend(next);
        }
      }
    }

    /** Stops asking; the fetches already asked for, which the caller may wait for. */
    List<Pending> drop() {
      assert Thread.holdsLock(this);
      dropped = true;
      List<Pending> all = new ArrayList<>(queue);
      queue.clear();
      return all;
    }
  }

  /** The offset of the frame after a response's, or -1 when there is none to ask for. */
  private static long next(long offset, Service.FetchResponse r) {
    if (r == null || r.missingStatement || r.missingResults || r.frame == null || r.frame.done) {
      return -1;
    }
    long rows = rows(r.frame.rows);
    return rows > 0 ? offset + rows : -1;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    Object request = args != null && args.length == 1 ? args[0] : null;
    if (request instanceof Service.FetchRequest fetch) {
      return fetch(fetch);
    }
    if (request instanceof Service.CloseStatementRequest close) {
      drop(pending.remove(new StatementKey(close.connectionId, close.statementId)));
    } else if (request instanceof Service.CloseConnectionRequest close) {
      for (StatementKey key : List.copyOf(pending.keySet())) {
        if (key.connectionId().equals(close.connectionId)) {
          drop(pending.remove(key));
        }
      }
    } else {
      StatementKey replaced = replacesResult(request);
      if (replaced != null) {
        settle(drop(pending.remove(replaced)));
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

  private static List<Pending> drop(Ahead ahead) {
    if (ahead == null) {
      return List.of();
    }
    synchronized (ahead) {
      return ahead.drop();
    }
  }

  private Service.FetchResponse fetch(Service.FetchRequest request) {
    StatementKey key = new StatementKey(request.connectionId, request.statementId);
    Ahead ahead = pending.get(key);
    Pending head = null;
    if (ahead != null) {
      List<Pending> unused = List.of();
      synchronized (ahead) {
        Pending first = ahead.queue.peekFirst();
        if (first != null && first.offset() == request.offset && ahead.rows == request.fetchMaxRowCount) {
          head = ahead.queue.pollFirst();
        } else {
          unused = ahead.drop();
          pending.remove(key, ahead);
        }
      }
      settle(unused);
    }
    Service.FetchResponse response = head != null ? await(head.response()) : delegate.apply(request);
    long next = next(request.offset, response);
    if (next >= 0) {
      Ahead a = pending.computeIfAbsent(key, k -> new Ahead(k, request.fetchMaxRowCount));
      synchronized (a) {
        if (a.rows == request.fetchMaxRowCount) {
          a.topUp(next);
        }
      }
    } else {
      drop(pending.remove(key)); // the last frame (nothing is ahead of it): forget the statement
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

  /** Waits for fetches that will not be used; their results or failures are dropped. */
  private static void settle(List<Pending> unused) {
    for (Pending p : unused) {
      try {
        p.response().join();
      } catch (RuntimeException e) {
        // A frame nobody asked for: its failure is not the application's.
      }
    }
  }
}
