package io.meridian.server;

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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.BuiltInConnectionProperty;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.jdbc.StatementInfo;
import org.apache.calcite.avatica.jdbc.StatementInfos;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;

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
    if (wanted < 0 || wanted <= FIRST_CHUNK_ROWS) {
      return super.fetch(h, offset, wanted);
    }
    List<Object> rows = null;
    long bytes = 0;
    int chunk = FIRST_CHUNK_ROWS;
    while (true) {
      Frame part = super.fetch(h, offset + (rows == null ? 0 : rows.size()), chunk);
      if (rows == null) {
        if (part.done || !(part.rows instanceof List<?>)) {
          return part; // the whole result, or a frame this method does not know how to extend
        }
        rows = new ArrayList<>((List<?>) part.rows);
      } else {
        for (Object row : part.rows) {
          rows.add(row);
        }
      }
      for (Object row : part.rows) {
        bytes += estimatedBytes(row);
      }
      int room = wanted - rows.size();
      if (part.done || room <= 0 || bytes >= MAX_FRAME_BYTES) {
        return new Frame(offset, part.done, rows);
      }
      long perRow = Math.max(1, bytes / rows.size());
      chunk = (int) Math.max(1, Math.min(room, (MAX_FRAME_BYTES - bytes) / perRow));
    }
  }

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
