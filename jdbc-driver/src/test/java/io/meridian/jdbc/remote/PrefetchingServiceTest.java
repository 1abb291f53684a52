package io.meridian.jdbc.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PrefetchingService}'s ordering rules, against a stub server whose answers the test releases one at a time: a
 * real server cannot be made to answer a prefetch late on purpose, which is the case these rules are for.
 */
@Timeout(60)
class PrefetchingServiceTest {
  private static final String CONNECTION = "c1";
  private static final int STATEMENT = 7;
  private static final int ROWS = 10;
  /** A result of 35 rows: frames at offsets 0, 10, 20 and 30 (the last one done). */
  private static final int RESULT_ROWS = 35;

  /** Every request the stub received, in order, as text. */
  private final List<String> received = Collections.synchronizedList(new ArrayList<>());
  /** Released by the test to let the stub answer a fetch at an offset (all others answer at once). */
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile long gatedOffset = -1;
  private volatile long failingOffset = -1;
  /** Fetches the stub is answering now, and the most at once: a statement's rows must be read by one at a time. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final Service service = PrefetchingService.wrap(stub());

  @AfterEach
  void release() {
    gate.countDown();
  }

  private Service stub() {
    return (Service) Proxy.newProxyInstance(Service.class.getClassLoader(), new Class<?>[] {Service.class},
        (proxy, method, args) -> {
          Object request = args[0];
          if (request instanceof Service.FetchRequest f) {
            received.add("fetch " + f.offset);
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
              return answer(f);
            } finally {
              inFlight.decrementAndGet();
            }
          }
          if (request instanceof Service.ExecuteRequest) {
            received.add("execute");
            return new Service.ExecuteResponse(List.of(), false, null);
          }
          if (request instanceof Service.CloseStatementRequest) {
            received.add("close");
            return new Service.CloseStatementResponse(null);
          }
          throw new UnsupportedOperationException(method.toString());
        });
  }

  /** Rows {@code offset..} of a result of {@link #RESULT_ROWS} rows, once the test lets this offset through. */
  private Service.FetchResponse answer(Service.FetchRequest f) throws InterruptedException {
    if (f.offset == gatedOffset) {
      gate.await(30, TimeUnit.SECONDS);
    }
    if (f.offset == failingOffset) {
      throw new AvaticaClientRuntimeException("division by zero", 0, "22012", AvaticaSeverity.ERROR, List.of(), null);
    }
    List<Object> rows = new ArrayList<>();
    for (long i = f.offset; i < Math.min(RESULT_ROWS, f.offset + f.fetchMaxRowCount); i++) {
      rows.add(new Object[] {i});
    }
    boolean done = f.offset + f.fetchMaxRowCount >= RESULT_ROWS;
    return new Service.FetchResponse(new Meta.Frame(f.offset, done, rows), false, false, null);
  }

  private Service.FetchResponse fetch(long offset) {
    return service.apply(new Service.FetchRequest(CONNECTION, STATEMENT, offset, ROWS));
  }

  private static List<Long> ids(Service.FetchResponse response) {
    List<Long> ids = new ArrayList<>();
    for (Object row : response.frame.rows) {
      ids.add((Long) ((Object[]) row)[0]);
    }
    return ids;
  }

  private void awaitReceived(String request) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!received.contains(request)) {
      assertTrue(System.nanoTime() < deadline, "never received " + request + "; received " + received);
      Thread.sleep(5);
    }
  }

  @Test
  void fetchesTheNextFrameAheadAndHandsItOver() throws Exception {
    List<Long> all = new ArrayList<>();
    Service.FetchResponse response = fetch(0);
    all.addAll(ids(response));
    awaitReceived("fetch 10");
    for (long offset = 10; !response.frame.done; offset += ROWS) {
      response = fetch(offset);
      all.addAll(ids(response));
    }
    assertEquals(1, maxInFlight.get(), "fetches of one statement at the server at once");
    assertEquals(RESULT_ROWS, all.size());
    for (int i = 0; i < RESULT_ROWS; i++) {
      assertEquals(i, all.get(i));
    }
    // Each frame was asked for once, and nothing after the last.
    assertEquals(List.of("fetch 0", "fetch 10", "fetch 20", "fetch 30"), received);
  }

  @Test
  void executeWaitsForThePrefetchOfItsStatement() throws Exception {
    gatedOffset = 10;
    gate = new CountDownLatch(1);
    fetch(0);
    awaitReceived("fetch 10");
    CompletableFuture<Service.ExecuteResponse> execute = CompletableFuture.supplyAsync(
        () -> service.apply(new Service.ExecuteRequest(new Meta.StatementHandle(CONNECTION, STATEMENT, null),
            List.of(), 100)));
    Thread.sleep(300);
    assertFalse(execute.isDone(), "execute ran while the prefetch could still consume the new result's rows");
    assertFalse(received.contains("execute"));
    gate.countDown();
    execute.get(30, TimeUnit.SECONDS);
    assertEquals(List.of("fetch 0", "fetch 10", "execute"), received);
    // The new result's first fetch is sent, not answered from the dropped prefetch.
    fetch(10);
    assertEquals(List.of("fetch 0", "fetch 10", "execute", "fetch 10"), List.copyOf(received).subList(0, 4));
  }

  @Test
  void closeDoesNotWaitForThePrefetch() throws Exception {
    gatedOffset = 10;
    gate = new CountDownLatch(1);
    fetch(0);
    awaitReceived("fetch 10");
    service.apply(new Service.CloseStatementRequest(CONNECTION, STATEMENT));
    assertEquals(List.of("fetch 0", "fetch 10", "close"), received);
  }

  @Test
  void aFetchElsewhereDropsThePrefetch() throws Exception {
    fetch(0);
    awaitReceived("fetch 10");
    Service.FetchResponse response = service.apply(new Service.FetchRequest(CONNECTION, STATEMENT, 0, ROWS));
    assertEquals(0L, ids(response).get(0));
    // The second "fetch 0" went to the server, after the fetches ahead it dropped.
    List<String> requests = List.copyOf(received);
    assertEquals(2, Collections.frequency(requests, "fetch 0"), requests.toString());
  }

  @Test
  void asksAtMostTwoFramesAhead() throws Exception {
    fetch(0);
    awaitReceived("fetch 20");
    Thread.sleep(200);
    assertEquals(List.of("fetch 0", "fetch 10", "fetch 20"), received, "while the application reads frame 0");
    fetch(10);
    awaitReceived("fetch 30");
    assertEquals(1, maxInFlight.get(), "fetches of one statement at the server at once");
  }

  @Test
  void aFailedPrefetchFailsTheFetchThatWantsIt() throws Exception {
    failingOffset = 10;
    fetch(0);
    awaitReceived("fetch 10");
    AvaticaClientRuntimeException e = assertThrows(AvaticaClientRuntimeException.class, () -> fetch(10));
    assertEquals("22012", e.getSqlState());
  }

  @Test
  void theLastFrameStartsNoPrefetch() throws Exception {
    Service.FetchResponse last = fetch(30);
    assertTrue(last.frame.done);
    Thread.sleep(100);
    assertEquals(List.of("fetch 30"), received);
    assertSame(Service.FetchResponse.class, last.getClass());
  }
}
