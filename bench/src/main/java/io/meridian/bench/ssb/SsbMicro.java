package io.meridian.bench.ssb;

import io.meridian.server.MeridianServer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The micro-benchmarks: planning time of a semantic query (first and repeated), remote fetch throughput against
 * PostgreSQL's own driver, and a bounded load run of concurrent remote clients.
 *
 * <p>A careful harness rather than JMH: each figure is a median (or a percentile) of many timed repetitions after a
 * warm-up, measured with {@link System#nanoTime()} in the same JVM that hosts the engine; JMH's forking would start
 * PostgreSQL and the engine again per fork, which this machine cannot afford within the run's 30 minutes.
 */
public final class SsbMicro {
  static final int PLAN_REPEATS = 300;
  static final int FETCH_ROWS = 1_000_000;
  static final int FETCH_RUNS = 3;
  static final int CLIENTS = 32;

  private SsbMicro() {}

  /** The load run's outcome. */
  record LoadRun(int clients, int seconds, long queries, long errors, long unfinished, List<String> errorSamples,
      double p50Millis, double p99Millis, double maxMillis, double perSecond, long heapBeforeBytes, long heapAfterBytes,
      List<String> mix) {}

  /** Every micro-benchmark figure. */
  record Results(String semanticQuery, double firstPlanMillis, double repeatedPlanMedianMillis,
      double repeatedPlanP90Millis, double uncachedPlanMedianMillis, int fetchRows, double remoteRowsPerSecond,
      double remoteLargeFrameRowsPerSecond, double embeddedRowsPerSecond, double pgRowsPerSecond, LoadRun load) {}

  /**
   * Runs every micro-benchmark; {@code tables} names the tables as Meridian's query runs do (so {@code lineorder} is
   * the hybrid table when the real-time part runs).
   */
  static Results run(SsbData data, Path warmConfig, Path coldConfig, MeridianServer server, int loadSeconds,
      UnaryOperator<String> tables, Consumer<String> progress) throws SQLException, InterruptedException {
    progress.accept("Micro-benchmarks ...");
    String semantic = SsbConfig.SEMANTIC_QUERY;
    double first;
    List<Double> repeated = new ArrayList<>();
    List<Double> uncached = new ArrayList<>();
    try (Connection warm = DriverManager.getConnection(MeridianServer.embeddedUrl(warmConfig));
        Connection cold = DriverManager.getConnection(MeridianServer.embeddedUrl(coldConfig))) {
      first = prepareMillis(warm, semantic);
      for (int i = 0; i < PLAN_REPEATS; i++) {
        repeated.add(prepareMillis(warm, semantic));
      }
      for (int i = 0; i < 10; i++) {
        prepareMillis(cold, semantic);
      }
      for (int i = 0; i < PLAN_REPEATS / 5; i++) {
        uncached.add(prepareMillis(cold, semantic));
      }
    }
    progress.accept(String.format(Locale.ROOT, "  semantic query planning: first %.1f ms, repeated median %.3f ms,"
        + " without plan cache %.1f ms", first, percentile(repeated, 50), percentile(uncached, 50)));

    String narrow = "SELECT id, v FROM pg.narrow";
    double remote;
    double remoteLarge;
    double embedded;
    double pg;
    try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
      remote = rowsPerSecond(c, narrow, 0);
      remoteLarge = rowsPerSecond(c, narrow, 10_000);
    }
    try (Connection c = DriverManager.getConnection(MeridianServer.embeddedUrl(warmConfig))) {
      embedded = rowsPerSecond(c, narrow, 0);
    }
    try (Connection c = data.connect("ssb")) {
      pg = rowsPerSecond(c, "SELECT id, v FROM narrow", 0);
    }
    progress.accept(String.format(Locale.ROOT, "  fetch of %,d rows: remote %,.0f rows/s (fetch size 10000: %,.0f),"
        + " embedded %,.0f rows/s, PgJDBC %,.0f rows/s", FETCH_ROWS, remote, remoteLarge, embedded, pg));

    LoadRun load = load(server, loadSeconds, tables, progress);
    return new Results(semantic, first, percentile(repeated, 50), percentile(repeated, 90),
        percentile(uncached, 50), FETCH_ROWS, remote, remoteLarge, embedded, pg, load);
  }

  private static double prepareMillis(Connection c, String sql) throws SQLException {
    long started = System.nanoTime();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      return (System.nanoTime() - started) / 1e6;
    }
  }

  /**
   * The fetch benchmark's table, {@code narrow}: 1,000,000 rows of two integers. Created before Meridian's engines
   * start, which read a source's table list once.
   */
  static void ensureNarrowTable(SsbData data) throws SQLException {
    try (Connection c = data.connect("ssb"); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'narrow'")) {
        rs.next();
        if (rs.getInt(1) == 1) {
          return;
        }
      }
      s.execute("CREATE TABLE narrow AS SELECT g AS id, g % 1000 AS v FROM generate_series(1, " + FETCH_ROWS
          + ") g");
      s.execute("ANALYZE narrow");
    }
  }

  /** The median over {@link #FETCH_RUNS} runs (after one warm-up) of rows per second, reading every value. */
  private static double rowsPerSecond(Connection c, String sql, int fetchSize) throws SQLException {
    List<Double> rates = new ArrayList<>();
    for (int run = 0; run <= FETCH_RUNS; run++) {
      long started = System.nanoTime();
      long rows = 0;
      try (Statement s = c.createStatement()) {
        if (fetchSize > 0) {
          s.setFetchSize(fetchSize);
        }
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            rs.getInt(1);
            rs.getInt(2);
            rows++;
          }
        }
      }
      if (rows != FETCH_ROWS) {
        throw new SQLException("expected " + FETCH_ROWS + " rows, read " + rows);
      }
      if (run > 0) {
        rates.add(rows / ((System.nanoTime() - started) / 1e9));
      }
    }
    return percentile(rates, 50);
  }

  /**
   * The load run's lighter semantic query: a measure of the lake table by one of its own dimensions, filtered. The
   * mix also runs the planning benchmark's query, which joins three dimensions. (Before runtime filters and hash
   * joins that build their smaller input, that query held every lineorder row in a hash table, and 32 of them at
   * once exhausted a 6 GB heap; see bench/RESULTS.md.)
   */
  static final String LOAD_SEMANTIC_QUERY = "SELECT lo_shipmode, revenue, lines FROM semantic.lineorder"
      + " WHERE lo_orderpriority = '1-URGENT' GROUP BY lo_shipmode";

  /** How long the load run waits, after its end, for queries still running before it cancels them. */
  static final int GRACE_SECONDS = 60;

  /**
   * The mixed query set of the load run: fast and slower queries over every source, semantic and plain; {@code tables}
   * names the tables as Meridian's query runs do.
   */
  static List<String> mix(int i, UnaryOperator<String> tables) {
    int key = 1 + (i * 7919) % 1000;
    return List.of(
        "SELECT c_name, c_city, c_mktsegment FROM pg.customer WHERE c_custkey = " + key,
        "SELECT p_category, count(*) FROM pg.part WHERE p_size = " + (1 + i % 50) + " GROUP BY p_category",
        LOAD_SEMANTIC_QUERY,
        SsbConfig.SEMANTIC_QUERY,
        "SELECT lo_shipmode, sum(lo_revenue) FROM " + tables.apply("lineorder")
            + " WHERE lo_orderdate BETWEEN 19970101 AND 19970131 GROUP BY lo_shipmode",
        SsbQuery.ALL.get(2).sql(tables));
  }

  static LoadRun load(MeridianServer server, int seconds, UnaryOperator<String> tables, Consumer<String> progress)
      throws SQLException, InterruptedException {
    long heapBefore = usedHeapAfterGc();
    List<Connection> connections = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) {
        connections.add(DriverManager.getConnection(server.jdbcUrl()));
      }
      List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
      AtomicLong errors = new AtomicLong();
      ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
      CountDownLatch done = new CountDownLatch(CLIENTS);
      Map<Integer, Statement> running = new ConcurrentHashMap<>();
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      progress.accept("  load run: " + CLIENTS + " remote clients for " + seconds + " s ...");
      for (int t = 0; t < CLIENTS; t++) {
        int client = t;
        Connection c = connections.get(t);
        Thread thread = new Thread(() -> {
          try {
            int i = client;
            while (System.nanoTime() < deadline) {
              List<String> queries = mix(i, tables);
              String sql = queries.get(i % queries.size());
              long started = System.nanoTime();
              try (Statement s = c.createStatement()) {
                running.put(client, s);
                s.setQueryTimeout(SsbBenchmark.QUERY_TIMEOUT_SECONDS);
                try (ResultSet rs = s.executeQuery(sql)) {
                  int columns = rs.getMetaData().getColumnCount();
                  while (rs.next()) {
                    for (int col = 1; col <= columns; col++) {
                      rs.getObject(col);
                    }
                  }
                }
                latencies.add((System.nanoTime() - started) / 1e6);
              } catch (SQLException | RuntimeException e) {
                if (System.nanoTime() > deadline + GRACE_SECONDS * 1_000_000_000L) {
                  break; // cancelled after the run: counted as unfinished, not as an error
                }
                errors.incrementAndGet();
                if (samples.size() < 5) {
                  samples.add(e.toString());
                }
              }
              i++;
            }
          } finally {
            done.countDown();
          }
        }, "ssb-load-" + t);
        thread.setDaemon(true);
        thread.start();
      }
      long unfinished = 0;
      if (!done.await(seconds + GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
        unfinished = done.getCount();
        progress.accept("  load run: " + unfinished + " queries still running " + GRACE_SECONDS
            + " s after the end; cancelling them");
        for (Statement s : running.values()) {
          try {
            s.cancel();
          } catch (SQLException e) {
            // Closed meanwhile.
          }
        }
        done.await(60, java.util.concurrent.TimeUnit.SECONDS);
      }
      long heapAfter = usedHeapAfterGc();
      List<Double> sorted = new ArrayList<>(latencies);
      LoadRun run = new LoadRun(CLIENTS, seconds, sorted.size(), errors.get(), unfinished, List.copyOf(samples),
          percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100), sorted.size() / (double) seconds,
          heapBefore, heapAfter, mix(0, tables));
      progress.accept(String.format(Locale.ROOT, "  load run: %,d queries (%.1f/s), p50 %.1f ms, p99 %.1f ms,"
          + " %d errors, %d unfinished, heap %,d MB -> %,d MB", run.queries(), run.perSecond(), run.p50Millis(),
          run.p99Millis(), run.errors(), run.unfinished(), heapBefore >> 20, heapAfter >> 20));
      return run;
    } finally {
      for (Connection c : connections) {
        try {
          c.close();
        } catch (SQLException e) {
          // Closing at the end of the run: nothing to do.
        }
      }
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    System.gc();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return heap.getUsed();
  }

  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    if (p >= 100) {
      return sorted.get(sorted.size() - 1);
    }
    if (p == 50) {
      int n = sorted.size();
      return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
    int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
