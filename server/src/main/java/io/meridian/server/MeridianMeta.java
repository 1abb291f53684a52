package io.meridian.server;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.meridian.jdbc.MeridianDriver;
import io.meridian.spi.ErrorCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.BuiltInConnectionProperty;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.jdbc.StatementInfo;
import org.apache.calcite.avatica.jdbc.StatementInfos;
import org.apache.calcite.avatica.proto.Requests;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.TypedValue;

/**
 * Avatica's {@link JdbcMeta} over embedded Meridian connections, with a hard limit on client connections and
 * without the client's transport properties.
 *
 * <p>A remote client sends every property of its connect string (its server URL, serialization, TLS and HTTP
 * settings) with the request that opens a connection; those mean nothing to the embedded driver and are dropped,
 * as are the server's own {@code avatica.*} cache settings. {@code schema}, {@code timeZone}, {@code user} and any
 * Meridian property pass through.
 *
 * <p>Avatica's connection cache evicts the least recently used connection when it is full, which would close a
 * working client's connection under another's feet; so a connection beyond {@code max-connections} is refused with
 * SQLSTATE 53300 instead, and the cache bound only guards against a race between two opens.
 */
final class MeridianMeta extends JdbcMeta {

  private static final Set<String> CLIENT_ONLY_PROPERTIES = Stream.of(BuiltInConnectionProperty.values())
      .filter(p -> p != BuiltInConnectionProperty.SCHEMA && p != BuiltInConnectionProperty.TIME_ZONE)
      .map(p -> p.camelName().toLowerCase(Locale.ROOT))
      .collect(Collectors.toUnmodifiableSet());

  private final int maxConnections;

  MeridianMeta(String url, Properties info, int maxConnections) throws SQLException {
    super(url, info);
    this.maxConnections = maxConnections;
  }

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> info) {
    if (openConnections() >= maxConnections) {
      throw new AvaticaRuntimeException("too many client connections: the server allows " + maxConnections
          + " (server.max-connections); close unused connections or raise the limit",
          ErrorCode.TOO_MANY_CONNECTIONS.code(), ErrorCode.TOO_MANY_CONNECTIONS.sqlState(),
          AvaticaSeverity.ERROR);
    }
    super.openConnection(ch, info);
  }

  /**
   * A frame of at most {@code fetchMaxRowCount} rows and about {@link #MAX_FRAME_BYTES} encoded bytes, whichever comes
   * first; a frame cut short says it is not the last ({@code done} false), and every Avatica client then fetches on
   * from the next offset. So a client's fetch size (Meridian's remote driver asks for
   * {@code MeridianDriver.REMOTE_FETCH_SIZE} rows when the application sets none) cannot make the server hold, or the
   * client receive, a frame of unbounded size.
   *
   * <p>A fetch of zero rows is what clients with a fetch size of 0 (Spark's default, for one) send, meaning "driver's
   * choice"; Avatica would answer with no rows and "done", silently truncating the result (CALCITE-1806). Such a
   * fetch gets {@link #DEFAULT_FRAME_ROWS} instead.
   *
   * <p>The frame is read in chunks through Avatica's own {@code fetch} (which reads the result set forward, whatever
   * the offset), so values are converted exactly as before; each chunk is sized from the bytes per row seen so far.
   */
  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    int wanted = fetchMaxRowCount == 0 ? DEFAULT_FRAME_ROWS : fetchMaxRowCount;
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    ReadAhead ahead = info == null ? null : readAhead.asMap().remove(info);
    if (wanted < 0) {
      // Every row in one frame (Avatica's meaning of a negative count): the rows read ahead, then the rest.
      List<Object> rows = new ArrayList<>();
      if (ahead != null) {
        Frame read = await(ahead.frame());
        read.rows.forEach(rows::add);
        if (read.done) {
          return new Frame(offset, true, rows);
        }
      }
      Frame rest = super.fetch(h, offset, wanted);
      rest.rows.forEach(rows::add);
      return new Frame(offset, rest.done, rows);
    }
    Frame frame;
    if (ahead != null) {
      frame = take(info, h, offset, wanted, await(ahead.frame()));
    } else {
      frame = read(h, offset, wanted, new ArrayList<>(), NEVER);
    }
    if (!frame.done && info != null && wanted > FIRST_CHUNK_ROWS && !readAhead.asMap().containsKey(info)) {
      AtomicBoolean stop = new AtomicBoolean();
      readAhead.put(info, new ReadAhead(h.connectionId, stop, CompletableFuture.supplyAsync(() -> {
        try {
          return read(h, -1, wanted, new ArrayList<>(), stop);
        } catch (NoSuchStatementException | MissingResultsException e) {
          throw new CompletionException(e);
        }
      }, READ_AHEAD)));
    }
    return frame;
  }

  /**
   * The next frame from rows already read ahead: at most {@code wanted} of them (a client that changed its fetch size
   * leaves the rest for its next fetch), topped up from the result set when fewer were read.
   */
  private Frame take(StatementInfo info, StatementHandle h, long offset, int wanted, Frame read)
      throws NoSuchStatementException, MissingResultsException {
    List<Object> rows = new ArrayList<>();
    read.rows.forEach(rows::add);
    if (rows.size() > wanted) {
      List<Object> rest = new ArrayList<>(rows.subList(wanted, rows.size()));
      readAhead.put(info, new ReadAhead(h.connectionId, new AtomicBoolean(),
          CompletableFuture.completedFuture(new Frame(offset + wanted, read.done, rest))));
      return new Frame(offset, false, new ArrayList<>(rows.subList(0, wanted)));
    }
    if (read.done || rows.size() == wanted) {
      return new Frame(offset, read.done, rows);
    }
    return read(h, offset, wanted, rows, NEVER);
  }

  /**
   * Reads on from the result set until {@code rows} holds {@code wanted} rows or about {@link #MAX_FRAME_BYTES}, the
   * result ends, or {@code stop} is set (between chunks): in chunks of at most {@link #MAX_CHUNK_ROWS} rows through
   * Avatica's own {@code fetch}, which reads forward whatever the offset and converts values as Avatica always has;
   * each chunk is sized from the bytes per row seen so far.
   */
  private Frame read(StatementHandle h, long offset, int wanted, List<Object> rows, AtomicBoolean stop)
      throws NoSuchStatementException, MissingResultsException {
    long bytes = 0;
    for (Object row : rows) {
      bytes += estimatedBytes(row);
    }
    int chunk = rows.isEmpty() ? Math.min(wanted, FIRST_CHUNK_ROWS) : chunk(wanted - rows.size(), bytes, rows.size());
    while (true) {
      Frame part = super.fetch(h, offset, chunk);
      for (Object row : part.rows) {
        rows.add(row);
        bytes += estimatedBytes(row);
      }
      int room = wanted - rows.size();
      if (part.done || room <= 0 || bytes >= MAX_FRAME_BYTES || stop.get()) {
        return new Frame(offset, part.done, rows);
      }
      chunk = chunk(room, bytes, rows.size());
    }
  }

  private static int chunk(int room, long bytes, int rows) {
    if (rows == 0) {
      return Math.min(room, FIRST_CHUNK_ROWS);
    }
    long perRow = Math.max(1, bytes / rows);
    return (int) Math.max(1, Math.min(Math.min(room, MAX_CHUNK_ROWS), (MAX_FRAME_BYTES - bytes) / perRow));
  }

  private static final AtomicBoolean NEVER = new AtomicBoolean();

  /** The frame read ahead, or its failure as the fetch itself would have thrown it. */
  private static Frame await(CompletableFuture<Frame> frame) throws NoSuchStatementException,
      MissingResultsException {
    try {
      return frame.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof NoSuchStatementException n) {
        throw n;
      }
      if (cause instanceof MissingResultsException m) {
        throw m;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * Stops the statement's read ahead, if any, after the chunk it is reading, waits for it, and drops its rows: the
   * statement's result is about to change or go.
   */
  private void settle(StatementHandle h) {
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    ReadAhead ahead = info == null ? null : readAhead.asMap().remove(info);
    if (ahead != null) {
      ahead.stop().set(true);
      try {
        ahead.frame().join();
      } catch (RuntimeException e) {
        // Rows nobody will ask for: their failure is nobody's.
      }
    }
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame,
      PrepareCallback callback) throws NoSuchStatementException {
    settle(h);
    return super.prepareAndExecute(h, sql, maxRowCount, maxRowsInFirstFrame, callback);
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
      throws NoSuchStatementException {
    settle(h);
    return super.execute(h, parameterValues, maxRowsInFirstFrame);
  }

  @Override
  public boolean syncResults(StatementHandle sh, QueryState state, long offset) throws NoSuchStatementException {
    settle(sh);
    return super.syncResults(sh, state, offset);
  }

  @Override
  public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues)
      throws NoSuchStatementException {
    settle(h);
    return super.executeBatch(h, parameterValues);
  }

  @Override
  public ExecuteBatchResult executeBatchProtobuf(StatementHandle h, List<Requests.UpdateBatch> updateBatches)
      throws NoSuchStatementException {
    settle(h);
    return super.executeBatchProtobuf(h, updateBatches);
  }

  @Override
  public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
      throws NoSuchStatementException {
    settle(h);
    return super.prepareAndExecuteBatch(h, sqlCommands);
  }

  /** Closing a connection first stops and waits for the reads ahead of its statements (see {@link #readAhead}). */
  @Override
  public void closeConnection(ConnectionHandle ch) {
    for (Map.Entry<StatementInfo, ReadAhead> e : List.copyOf(readAhead.asMap().entrySet())) {
      if (e.getValue().connectionId().equals(ch.id) && readAhead.asMap().remove(e.getKey(), e.getValue())) {
        e.getValue().stop().set(true);
        cancelQuietly(StatementInfos.statement(e.getKey()));
        try {
          e.getValue().frame().join();
        } catch (RuntimeException ignored) {
          // Cancelled: its rows are nobody's.
        }
      }
    }
    super.closeConnection(ch);
  }

  private static void cancelQuietly(java.sql.Statement statement) {
    if (statement != null) {
      try {
        statement.cancel();
      } catch (SQLException e) {
        // Already finished or closed.
      }
    }
  }

  /**
   * Reading ahead. After answering a fetch whose frame is not the last (for clients that ask for more than
   * {@link #FIRST_CHUNK_ROWS} rows a frame, as Meridian's remote driver does), the server reads the statement's next
   * frame on another thread while the client receives and decodes the one just sent; the next fetch takes it. Without
   * it, the server is idle for the client's share of every frame (measured: each side about half busy).
   *
   * <p>Design note (concurrency): at most one read ahead per statement, started only at the end of a fetch, and every
   * request that touches the statement's result waits for it first: a fetch takes its rows; execute,
   * prepare-and-execute, batches and sync drop them; a close cancels the statement (so the read stops at its source)
   * and then waits; the others stop it after the chunk it is reading (at most {@link #MAX_CHUNK_ROWS} rows) and wait
   * for that. So a result set is never read by two threads at once, and a re-executed statement never loses rows to a
   * late read. Rows are served forward whatever the offset, as Avatica's own fetch does; a failure of the
   * read is thrown by the fetch that asks for those rows. Memory: one frame, bounded in bytes, per open statement;
   * entries are weakly keyed by Avatica's statement, so a statement Avatica expires leaves nothing behind.
   */
  private final Cache<StatementInfo, ReadAhead> readAhead = CacheBuilder.newBuilder().weakKeys().build();

  private record ReadAhead(String connectionId, AtomicBoolean stop, CompletableFuture<Frame> frame) {}

  private static final ExecutorService READ_AHEAD = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "meridian-read-ahead");
    t.setDaemon(true);
    return t;
  });

  /** About the bytes a row's values take in a protobuf frame (UTF-8 of text counted as one byte a character). */
  static long estimatedBytes(Object row) {
    long n = 2;
    if (row instanceof Object[] values) {
      for (Object value : values) {
        n += estimatedValueBytes(value);
      }
    } else if (row instanceof Iterable<?> values) {
      for (Object value : values) {
        n += estimatedValueBytes(value);
      }
    } else {
      n += estimatedValueBytes(row);
    }
    return n;
  }

  private static long estimatedValueBytes(Object value) {
    if (value == null || value instanceof Integer || value instanceof Long || value instanceof Boolean
        || value instanceof Double) {
      return 12;
    }
    if (value instanceof String s) {
      return 6 + s.length();
    }
    if (value instanceof java.math.BigDecimal d) {
      return 8 + d.precision();
    }
    if (value instanceof byte[] b) {
      return 6 + b.length * 7L / 3; // sent as bytes and as base64 text
    }
    if (value instanceof Object[] || value instanceof Iterable<?>) {
      return estimatedBytes(value);
    }
    return 16;
  }

  /**
   * Closing a statement first cancels it, so a query still running stops at its source. Avatica's protocol has no
   * cancel request; Meridian's remote driver sends a close when the client calls {@code Statement.cancel()} or the
   * statement's query timeout passes (the client then reopens the statement transparently).
   */
  @Override
  public void closeStatement(StatementHandle h) {
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    java.sql.Statement statement = info == null ? null : StatementInfos.statement(info);
    if (statement != null) {
      try {
        statement.cancel();
        closedWhileRunning.put(h.id, Boolean.TRUE);
      } catch (SQLException e) {
        // Already finished or closed: nothing runs that could be cancelled.
      }
    }
    settle(h);
    super.closeStatement(h);
  }

  /**
   * Whether the statement was closed by its client, so that a failure of its execution reads "cancelled" (57014)
   * rather than whatever the close made the execution trip over ("Statement closed").
   */
  boolean closedByClient(int statementId) {
    return closedWhileRunning.getIfPresent(statementId) != null;
  }

  /** Statements closed by their clients, remembered briefly (an execution fails within moments of its close). */
  private final com.google.common.cache.Cache<Integer, Boolean> closedWhileRunning =
      com.google.common.cache.CacheBuilder.newBuilder().expireAfterWrite(java.time.Duration.ofMinutes(1))
          .maximumSize(10_000).build();

  /** Rows in a frame when the client leaves it to the server (fetch size 0); as Meridian's remote driver asks. */
  static final int DEFAULT_FRAME_ROWS = MeridianDriver.REMOTE_FETCH_SIZE;
  /** Most encoded bytes of a frame, about (the frame ends with the row that passes it). */
  static final long MAX_FRAME_BYTES = 4L << 20;
  /** Rows read before the bytes per row are known (Avatica's own default frame). */
  static final int FIRST_CHUNK_ROWS = 100;
  /** Most rows read at once into a frame: a read ahead stops between chunks when asked. */
  static final int MAX_CHUNK_ROWS = 1_000;

  @Override
  protected Connection createConnection(String url, Properties info) throws SQLException {
    return DriverManager.getConnection(url, embeddedProperties(info));
  }

  /** The properties of a client's connect request that the embedded driver should see. */
  static Properties embeddedProperties(Properties info) {
    Properties embedded = new Properties();
    for (String key : info.stringPropertyNames()) {
      String k = key.toLowerCase(Locale.ROOT);
      if (!k.startsWith("avatica.") && !CLIENT_ONLY_PROPERTIES.contains(k)) {
        embedded.setProperty(key, info.getProperty(key));
      }
    }
    return embedded;
  }

  /** Client connections open now (expired ones are closed first). */
  int openConnections() {
    getConnectionCache().cleanUp();
    return Math.toIntExact(getConnectionCache().size());
  }

  /** Closes every statement and connection; the cache's removal listeners do the closing. */
  void closeAll() {
    getStatementCache().invalidateAll();
    getConnectionCache().invalidateAll();
    getStatementCache().cleanUp();
    getConnectionCache().cleanUp();
  }
}
