package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import io.meridian.pinot.testing.TestingPinot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The real-time part of the benchmark: for Meridian, {@code lineorder} is the hybrid table {@code hybrid.lineorder},
 * its history in the Iceberg table {@code ssb.lineorder_history} (read by the lake source) and its most recent days
 * in a Pinot REALTIME table fed through Kafka; the other engines read the whole {@code lineorder} as before.
 *
 * <p>Design notes.
 * <ul>
 *   <li>Window: the last {@value #FRESH_DAYS} days of order dates (1998-07-27 to 1998-08-02) are Meridian's fresh
 *   part. A real-time store keeps days, not months, before they are closed into the lake; a week is about 0.3 % of
 *   {@code lineorder} (about 17,500 rows at SF 1, 870 at SF 0.05): every query reads Pinot, queries over 1998 or all
 *   years need rows from it, and loading it through Kafka costs seconds.</li>
 *   <li>Overlap: Pinot holds the last {@value #PINOT_DAYS} days, a week more than the fresh part (as a real-time table
 *   keeps days after the lake has them), so the lake and Pinot overlap by a week. The hybrid must take those days from
 *   the lake only: a seam that is off by a day double-counts or loses a day's rows, and the answers, which must equal
 *   DuckDB's, say so.</li>
 *   <li>Boundary: Meridian derives it from the lake, each time a query is planned: the largest {@code lo_orderdate}
 *   in {@code lineorder_history}'s current snapshot (from the files' upper bounds), plus one. {@code lo_orderdate}
 *   is SSB's integer yyyymmdd key into {@code dates}; its order is the dates' order, so the hybrid splits on it
 *   directly ({@code lo_orderdate < 19980727} from the lake, {@code >= 19980727} from Pinot) and the table keeps
 *   SSB's columns in every store.</li>
 *   <li>Loading: REALTIME, through Kafka, because that is how fresh rows reach Pinot; the rows are produced in
 *   order-date order from a file of JSON lines that DuckDB writes from {@code lineorder}'s Parquet files (the same
 *   rows every run: deterministic). Pinot starts fresh on every run (a child JVM, in parallel with PostgreSQL and
 *   the data), so it is loaded on every run; the lake history is kept with the rest of the data.</li>
 * </ul>
 */
final class SsbHybrid implements AutoCloseable {
  /** Days of order dates Meridian reads from Pinot. */
  static final int FRESH_DAYS = 7;
  /** Days of order dates Pinot holds: the fresh days and as many before them, which the lake has too. */
  static final int PINOT_DAYS = 14;
  /** The last order date in the lake history; Meridian's boundary is the next date key. */
  static final LocalDate HISTORY_LAST_DAY = SsbGenerator.LAST_ORDER_DATE.minusDays(FRESH_DAYS);
  /** The first order date Pinot holds. */
  static final LocalDate PINOT_FIRST_DAY = SsbGenerator.LAST_ORDER_DATE.minusDays(PINOT_DAYS - 1);
  /** The Pinot table, its schema and its Kafka topic. */
  static final String TABLE = "lineorder";
  /** The hybrid table as Meridian's SQL names it. */
  static final String HYBRID_TABLE = SsbConfig.HYBRID + "." + TABLE;
  /** Rows per Pinot segment: at SF 10 or less every row stays in the consuming segment. */
  static final int FLUSH_ROWS = 500_000;
  /** The most a Pinot run may live, whatever happens to this JVM. */
  static final Duration PINOT_LIFETIME = Duration.ofHours(3);
  private static final List<String> METRICS = List.of("lo_quantity", "lo_extendedprice", "lo_ordtotalprice",
      "lo_discount", "lo_revenue", "lo_supplycost", "lo_tax");

  private final TestingPinot pinot;
  private final Path dir;
  private final long rows;
  private final double startSeconds;
  private final double loadSeconds;

  private SsbHybrid(TestingPinot pinot, Path dir, long rows, double startSeconds, double loadSeconds) {
    this.pinot = requireNonNull(pinot, "pinot is null");
    this.dir = requireNonNull(dir, "dir is null");
    this.rows = rows;
    this.startSeconds = startSeconds;
    this.loadSeconds = loadSeconds;
  }

  /** A started Pinot, its folder, and the seconds it took to start. */
  record Started(TestingPinot pinot, Path dir, double seconds) {
    /** Stops Pinot and deletes its folder (again, harmlessly, if that was done already). */
    void stop() {
      SsbHybrid.stop(pinot, dir);
    }
  }

  /** Starts Pinot in a new folder under {@code folder}, in the background. */
  static CompletableFuture<Started> start(Path folder) {
    return CompletableFuture.supplyAsync(() -> {
      long started = System.nanoTime();
      Path dir;
      try {
        Files.createDirectories(folder);
        dir = Files.createTempDirectory(folder, "pinot-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        return new Started(TestingPinot.start(dir, PINOT_LIFETIME), dir, (System.nanoTime() - started) / 1e9);
      } catch (IOException | RuntimeException e) {
        deleteQuietly(dir);
        throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
    });
  }

  /**
   * Loads the last {@value #PINOT_DAYS} days of {@code lineorder} into a new REALTIME table through Kafka and waits
   * until Pinot has ingested every row. On failure Pinot is stopped.
   */
  static SsbHybrid load(Started started, SsbData data, Consumer<String> progress) {
    TestingPinot pinot = started.pinot();
    long loading = System.nanoTime();
    try {
      Path events = started.dir().resolve("lineorder-events.json");
      long expected = writeEvents(data, events);
      pinot.createTopic(TABLE, 1);
      pinot.addSchema(schemaJson());
      pinot.addRealtimeTable(TABLE, "lo_orderdate", TABLE, FLUSH_ROWS, "24h");
      long produced = pinot.produceFile(TABLE, events, Duration.ofMinutes(10));
      if (produced != expected) {
        throw new IllegalStateException("produced " + produced + " events to Kafka, expected " + expected);
      }
      pinot.awaitRowCount(TABLE, expected, Duration.ofMinutes(10));
      SsbHybrid hybrid = new SsbHybrid(pinot, started.dir(), expected, started.seconds(),
          (System.nanoTime() - loading) / 1e9);
      progress.accept(String.format(Locale.ROOT, "Pinot started in %.1f s; %,d lineorder rows (order dates %s to %s)"
          + " produced to Kafka and ingested by a REALTIME table in %.1f s", hybrid.startSeconds, expected,
          PINOT_FIRST_DAY, SsbGenerator.LAST_ORDER_DATE, hybrid.loadSeconds));
      return hybrid;
    } catch (RuntimeException | InterruptedException | SQLException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      stop(pinot, started.dir());
      throw new IllegalStateException("loading Pinot failed: " + e.getMessage(), e);
    }
  }

  /** Writes Pinot's rows as JSON lines in order-date order; returns how many. */
  private static long writeEvents(SsbData data, Path file) throws SQLException {
    String files = data.lineorderFiles().stream().map(p -> "'" + p.toString().replace("'", "''") + "'")
        .collect(Collectors.joining(", "));
    String where = " WHERE lo_orderdate >= " + SsbGenerator.dateKey(PINOT_FIRST_DAY);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      s.execute("COPY (SELECT * FROM read_parquet([" + files + "])" + where + " ORDER BY lo_orderdate, lo_orderkey,"
          + " lo_linenumber) TO '" + file.toString().replace("'", "''") + "' (FORMAT JSON)");
      try (var rs = s.executeQuery("SELECT count(*) FROM read_parquet([" + files + "])" + where)) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Pinot's schema of {@code lineorder}: SSB's columns with SSB's types (INT, STRING); the numbers summed as metrics;
   * {@code lo_orderdate} the time column, an INT in {@code yyyyMMdd} form.
   */
  static String schemaJson() {
    List<String> dimensions = new ArrayList<>();
    List<String> metrics = new ArrayList<>();
    for (SsbSchema.Column c : SsbSchema.LINEORDER.columns()) {
      if (c.name().equals("lo_orderdate")) {
        continue;
      }
      String spec = "{\"name\": \"" + c.name() + "\", \"dataType\": \"" + (c.integer() ? "INT" : "STRING") + "\"}";
      (METRICS.contains(c.name()) ? metrics : dimensions).add(spec);
    }
    return "{\"schemaName\": \"" + TABLE + "\",\n \"dimensionFieldSpecs\": [" + String.join(", ", dimensions)
        + "],\n \"metricFieldSpecs\": [" + String.join(", ", metrics) + "],\n \"dateTimeFieldSpecs\": [{\"name\":"
        + " \"lo_orderdate\", \"dataType\": \"INT\", \"format\": \"1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd\","
        + " \"granularity\": \"1:DAYS\"}]}";
  }

  URI controller() {
    return pinot.controller();
  }

  URI broker() {
    return pinot.broker();
  }

  /** Rows in Pinot. */
  long rows() {
    return rows;
  }

  double startSeconds() {
    return startSeconds;
  }

  double loadSeconds() {
    return loadSeconds;
  }

  /** Stops Pinot and deletes its folder. */
  @Override
  public void close() {
    stop(pinot, dir);
  }

  private static void stop(TestingPinot pinot, Path dir) {
    try {
      pinot.close();
    } finally {
      deleteQuietly(dir);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover folder of a stopped Pinot is harmless; the next run makes a new one.
    }
  }
}
