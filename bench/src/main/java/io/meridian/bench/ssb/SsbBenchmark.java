package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import io.meridian.bench.ResultRows;
import io.meridian.engine.MeridianEngine;
import io.meridian.server.MeridianServer;
import io.meridian.spi.MeridianException;
import io.meridian.spi.SourceQueryListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Star Schema Benchmark across Meridian's sources, side by side with DuckDB, PostgreSQL and Trino on the same data
 * (see {@code bench/README.md}).
 *
 * <p>For each of the 13 queries, each engine runs once as a warm-up, whose answer is compared with DuckDB's (a
 * difference is a failure: the report says so and the exit code is 1), then {@code --runs} timed runs, engines in
 * turn. A run is timed in two parts: {@code prepareStatement} (planning, for Meridian; the other drivers prepare
 * lazily or on the client) and {@code executeQuery} until every value of every row was read with {@code getObject}.
 */
public final class SsbBenchmark {
  static final String DUCKDB = "DuckDB";
  static final String POSTGRESQL = "PostgreSQL";
  static final String TRINO = "Trino";
  static final String WARM = "Meridian embedded (warm)";
  static final String COLD = "Meridian embedded (cold)";
  static final String REMOTE = "Meridian remote (warm)";
  /** The real-time part, as the report names it when skipped. */
  static final String HYBRID = "Hybrid lineorder (lake history + Pinot)";
  static final int QUERY_TIMEOUT_SECONDS = 900;

  private SsbBenchmark() {}

  /** An engine under test: a connection and how it names the five tables. */
  record Engine(String name, Connection connection, UnaryOperator<String> tables) {
    Engine {
      requireNonNull(name, "name is null");
      requireNonNull(connection, "connection is null");
      requireNonNull(tables, "tables is null");
    }
  }

  /**
   * Rows Meridian's sources returned for a query, against the rows the query needs from each (-1: unknown, or, for
   * Pinot, not read: the real-time part was skipped). With the hybrid, the lake is needed for the rows up to the
   * boundary and Pinot for those after it.
   */
  record SourceRows(long lakeReturned, long lakeNeeded, long pinotReturned, long pinotNeeded, long pgReturned,
      long pgNeeded) {
    SourceRows unknownReturned() {
      return new SourceRows(-1, lakeNeeded, -1, pinotNeeded, -1, pgNeeded);
    }

    /** Every source returned exactly the rows needed from it. */
    boolean exact() {
      return lakeReturned == lakeNeeded && pinotReturned == pinotNeeded && pgReturned == pgNeeded;
    }
  }

  /** The outcome of one query on every engine. */
  record QueryOutcome(SsbQuery query, String duckDbSql, int rows, Map<String, EngineRun> runs, SourceRows sources) {}

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(SsbOptions.USAGE);
      return 0;
    }
    SsbOptions options;
    try {
      options = SsbOptions.parse(args);
    } catch (MeridianException e) {
      err.println("error: " + e.getMessage());
      err.print(SsbOptions.USAGE);
      return 2;
    }
    try {
      SsbReport report = run(options, out);
      report.writeInto(options.out());
      out.println();
      out.print(report.markdown());
      out.println("\nWrote the SSB section of " + options.out().toAbsolutePath().normalize());
      if (!report.allCorrect()) {
        err.println("error: an engine returned a different answer from DuckDB's or failed; see the report");
        return 1;
      }
      return 0;
    } catch (SQLException | IOException | InterruptedException | RuntimeException e) {
      err.println("error: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  static SsbReport run(SsbOptions options, PrintStream out) throws SQLException, IOException, InterruptedException {
    Consumer<String> progress = line -> {
      out.println(line);
      out.flush();
    };
    String loadBefore = SsbReport.loadAverage();
    Path folder = options.data().resolve("sf-" + SsbReport.number(options.scaleFactor())).toAbsolutePath()
        .normalize();
    progress.accept("SSB benchmark: SF " + options.scaleFactor() + ", " + options.runs() + " runs, data in " + folder);
    List<AutoCloseable> resources = new ArrayList<>();
    Thread hook = new Thread(() -> closeAll(resources));
    Runtime.getRuntime().addShutdownHook(hook);
    // Pinot takes 15-25 s to start: in the background, while PostgreSQL starts and the data is made or found.
    CompletableFuture<SsbHybrid.Started> pinotStart = options.runs("hybrid")
        ? SsbHybrid.start(folder.resolve("pinot")) : null;
    try {
      SsbData data = SsbData.open(folder, options.scaleFactor(), progress);
      resources.add(data);
      progress.accept(String.format(Locale.ROOT, "lineorder: %,d rows, %,d files in %d partitions, %.1f MB",
          data.lineorderRows(), data.lineorderFiles().size(), data.partitions(), data.lineorderBytes() / 1e6));
      Map<String, String> skipped = new LinkedHashMap<>();
      SsbHybrid hybrid = null;
      if (pinotStart != null) {
        progress.accept("Waiting for Pinot ...");
        SsbHybrid.Started started = null;
        try {
          started = pinotStart.join();
        } catch (CompletionException | CancellationException e) {
          String why = e.getCause() == null ? e.toString() : e.getCause().getMessage();
          skipped.put(HYBRID, "Pinot could not start: " + firstLine(why) + "; Meridian read lineorder from the lake");
          progress.accept("Hybrid lineorder skipped: Pinot could not start: " + why);
        }
        if (started != null) {
          try {
            hybrid = SsbHybrid.load(started, data, progress);
            resources.add(0, hybrid);
          } catch (RuntimeException e) {
            skipped.put(HYBRID, "could not start: " + firstLine(e.getMessage())
                + "; Meridian read lineorder from the lake");
            progress.accept("Hybrid lineorder skipped: " + e.getMessage());
          }
        }
      } else {
        skipped.put(HYBRID, "skipped on request (--skip hybrid); Meridian read lineorder from the lake");
      }
      if (hybrid != null) {
        progress.accept(String.format(Locale.ROOT, "Meridian's lineorder: %s = lake.%s (%,d rows, order dates up to"
            + " %s) + pinot.%s (%,d rows from %s; the boundary is read from the lake)", SsbHybrid.HYBRID_TABLE,
            SsbData.LINEORDER_HISTORY.name(), data.historyRows(), SsbHybrid.HISTORY_LAST_DAY, SsbHybrid.TABLE,
            hybrid.rows(), SsbHybrid.PINOT_FIRST_DAY));
      }
      SsbMicro.ensureNarrowTable(data);
      Path warmConfig = SsbConfig.write(folder, data, "meridian-warm.yaml", true, hybrid);
      Path coldConfig = SsbConfig.write(folder, data, "meridian-cold.yaml", false, hybrid);

      List<Engine> engines = new ArrayList<>();
      Engine duckDb = duckDb(data);
      resources.add(0, duckDb.connection());
      engines.add(duckDb);
      if (options.runs("postgresql")) {
        Connection pg = data.connect("ssb");
        resources.add(0, pg);
        engines.add(new Engine(POSTGRESQL, pg, UnaryOperator.identity()));
      } else {
        skipped.put(POSTGRESQL, "skipped on request (--skip postgresql)");
      }
      TrinoServer trino = null;
      if (options.runs("trino")) {
        try {
          trino = TrinoServer.start(options.cache(), folder, TrinoServer.javaHome(options.trinoJava()), data,
              progress);
          resources.add(0, trino);
          Connection c = trino.connect();
          resources.add(0, c);
          engines.add(new Engine(TRINO, c, t -> t.equals("lineorder") ? "iceberg.ssb.lineorder"
              : "postgresql.public." + t));
        } catch (IOException | SQLException | RuntimeException e) {
          skipped.put(TRINO, "could not start: " + e.getMessage().lines().findFirst().orElse(""));
          progress.accept("Trino skipped: " + e.getMessage());
        }
      } else {
        skipped.put(TRINO, "skipped on request (--skip trino)");
      }
      UnaryOperator<String> meridianTables = meridianTables(hybrid != null);
      long opening = System.nanoTime();
      Connection warm = DriverManager.getConnection(MeridianServer.embeddedUrl(warmConfig));
      resources.add(0, warm);
      double engineStartMillis = (System.nanoTime() - opening) / 1e6;
      engines.add(new Engine(WARM, warm, meridianTables));
      if (options.runs("cold")) {
        // Cold: no plan cache (the configuration) and no result cache (the connection).
        Connection cold = DriverManager.getConnection(MeridianServer.embeddedUrl(coldConfig) + ";cacheMode=off");
        resources.add(0, cold);
        engines.add(new Engine(COLD, cold, meridianTables));
      } else {
        skipped.put(COLD, "skipped on request (--skip cold)");
      }
      MeridianServer server = null;
      if (options.runs("remote") || options.runs("micro")) {
        server = MeridianServer.start(warmConfig, "127.0.0.1", 0);
        resources.add(0, server);
      }
      if (options.runs("remote")) {
        Connection remote = DriverManager.getConnection(server.jdbcUrl());
        resources.add(0, remote);
        engines.add(new Engine(REMOTE, remote, meridianTables));
      } else {
        skipped.put(REMOTE, "skipped on request (--skip remote)");
      }

      MeridianEngine warmEngine = MeridianEngine.shared(warmConfig);
      Seam seam = null;
      if (hybrid != null) {
        seam = seamCheck(duckDb, warm, warmEngine, meridianTables);
        progress.accept("Seam check (rows and revenue per order date, Meridian's hybrid against DuckDB): "
            + (seam.difference().isEmpty() ? "same answer as DuckDB" : seam.difference())
            + "; Meridian read lo_orderdate >= " + seam.boundary() + " from Pinot");
      }
      List<QueryOutcome> outcomes = new ArrayList<>();
      for (SsbQuery query : SsbQuery.ALL) {
        outcomes.add(runQuery(query, engines, duckDb, warm, warmEngine, options.runs(), hybrid != null, progress));
      }
      SsbMicro.Results micro = null;
      String microFailure = null;
      if (options.runs("micro")) {
        try {
          micro = SsbMicro.run(data, warmConfig, coldConfig, server, options.loadSeconds(), meridianTables,
              progress);
        } catch (SQLException | RuntimeException e) {
          // The query results stand; the report says the micro-benchmarks failed, and the exit code is 1.
          microFailure = e.toString();
          progress.accept("Micro-benchmarks failed: " + e);
        }
      }
      String loadAfter = SsbReport.loadAverage();
      return new SsbReport(options, SsbReport.Environment.current(duckDbVersion(duckDb.connection())), data,
          engineStartMillis, engines.stream().map(Engine::name).toList(), skipped, outcomes, micro, loadBefore,
          loadAfter, trino != null ? TrinoServer.VERSION : null, microFailure, hybrid, seam);
    } finally {
      closeAll(resources);
      if (pinotStart != null) {
        // A Pinot that started after the run failed (or was never loaded) is stopped too; stopping twice is harmless.
        pinotStart.thenAccept(SsbHybrid.Started::stop);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down already.
      }
    }
  }

  /** The seam check's outcome: "" when the answers agreed, else how they differ; the boundary seen, or -1. */
  record Seam(String difference, long boundary) {}

  private static final Pattern PINOT_BOUNDARY = Pattern.compile("\"lo_orderdate\" >= (\\d+)");

  /**
   * The hybrid's seam, checked day by day: rows and revenue per order date, every date, through Meridian's hybrid
   * table and through DuckDB. Days the lake and Pinot both hold must be counted once, and no day may be lost, so the
   * answers must be equal. (The SSB queries check the seam only through their sums; this checks every day.) Also
   * reads the boundary Meridian used from the SQL it sent to Pinot (the only filter on {@code lo_orderdate} there).
   */
  static Seam seamCheck(Engine duckDb, Connection meridian, MeridianEngine engine,
      UnaryOperator<String> meridianTables) {
    UnaryOperator<String> sql = table -> "SELECT lo_orderdate, count(*) AS line_count, sum(lo_revenue) AS revenue"
        + " FROM " + table + " GROUP BY lo_orderdate";
    List<String> sentToPinot = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      ResultRows reference = rows(duckDb.connection(), sql.apply(duckDb.tables().apply("lineorder")));
      ResultRows answer;
      try (AutoCloseable ignored = engine.queryLog().listen((source, query) -> {
        if (source.equals(SsbConfig.PINOT)) {
          sentToPinot.add(query);
        }
      })) {
        answer = rows(meridian, sql.apply(meridianTables.apply("lineorder")));
      }
      long boundary = -1;
      for (String query : sentToPinot) {
        Matcher m = PINOT_BOUNDARY.matcher(query);
        if (m.find()) {
          boundary = Long.parseLong(m.group(1));
        }
      }
      String difference = reference.difference(answer);
      return new Seam(difference.isEmpty() ? "" : "WRONG ANSWER: " + difference, boundary);
    } catch (SQLException e) {
      return new Seam("failed: " + e.getSQLState() + " " + firstLine(e.getMessage()), -1);
    } catch (Exception e) {
      return new Seam("failed: " + e, -1);
    }
  }

  /** How Meridian's runs name the five tables: {@code lineorder} is the hybrid table, or the lake's without it. */
  static UnaryOperator<String> meridianTables(boolean hybrid) {
    String lineorder = hybrid ? SsbHybrid.HYBRID_TABLE : SsbConfig.LAKE + ".lineorder";
    return t -> t.equals("lineorder") ? lineorder : SsbConfig.PG + "." + t;
  }

  private static String firstLine(String text) {
    return text == null ? "" : text.lines().findFirst().orElse("");
  }

  private static void closeAll(List<AutoCloseable> resources) {
    synchronized (resources) {
      for (AutoCloseable r : resources) {
        try {
          r.close();
        } catch (Exception e) {
          // Best effort: every resource is closed, whatever the others do.
        }
      }
      resources.clear();
    }
  }

  static Engine duckDb(SsbData data) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement s = c.createStatement()) {
      s.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      s.execute("SET memory_limit = '" + SsbConfig.MEMORY_LIMIT + "'");
      s.execute("SET TimeZone = 'UTC'");
      for (SsbSchema.Table table : SsbSchema.DIMENSIONS) {
        s.execute("CREATE TABLE " + table.name() + " AS SELECT * FROM read_csv('"
            + data.dimensionFile(table).toString().replace("'", "''") + "', delim = '|', header = false, quote = '',"
            + " escape = '', columns = " + table.duckDbColumns() + ")");
      }
      s.execute("CREATE VIEW lineorder AS SELECT * FROM read_parquet([" + data.lineorderFiles().stream()
          .map(p -> "'" + p.toString().replace("'", "''") + "'").collect(Collectors.joining(", ")) + "])");
    }
    return new Engine(DUCKDB, c, UnaryOperator.identity());
  }

  private static String duckDbVersion(Connection c) {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      return "unknown";
    }
  }

  static QueryOutcome runQuery(SsbQuery query, List<Engine> engines, Engine duckDb, Connection warm,
      MeridianEngine warmEngine, int runs, boolean hybrid, Consumer<String> progress) {
    progress.accept("Query " + query.id() + " ...");
    String duckDbSql = query.sql(duckDb.tables());
    ResultRows reference;
    try {
      reference = rows(duckDb.connection(), duckDbSql);
    } catch (SQLException e) {
      Map<String, EngineRun> failed = new LinkedHashMap<>();
      for (Engine engine : engines) {
        failed.put(engine.name(), EngineRun.failed(engine.name(), "DuckDB (the reference) failed: " + e.getMessage()));
      }
      return new QueryOutcome(query, duckDbSql, 0, failed, new SourceRows(-1, -1, -1, -1, -1, -1));
    }
    Map<String, String> differences = new LinkedHashMap<>();
    Map<String, List<Double>> plans = new LinkedHashMap<>();
    Map<String, List<Double>> execs = new LinkedHashMap<>();
    SourceRows sources = null;
    for (Engine engine : engines) {
      String sql = query.sql(engine.tables());
      try {
        ResultRows answer;
        if (engine == duckDb) {
          answer = reference;
        } else if (engine.connection() == warm) {
          // The warm-up of warm embedded Meridian also counts the rows each source returns.
          SourceRowCounter counter = new SourceRowCounter();
          try (AutoCloseable ignored = warmEngine.queryLog().listen(counter)) {
            answer = rows(engine.connection(), sql);
          }
          sources = counter.against(query, duckDb, hybrid);
        } else {
          answer = rows(engine.connection(), sql);
        }
        String difference = reference.difference(answer);
        differences.put(engine.name(), difference.isEmpty() ? "" : "WRONG ANSWER: " + difference);
      } catch (SQLException e) {
        differences.put(engine.name(), "failed: " + e.getSQLState() + " " + e.getMessage().lines().findFirst()
            .orElse(""));
      } catch (Exception e) {
        differences.put(engine.name(), "failed: " + e);
      }
      plans.put(engine.name(), new ArrayList<>());
      execs.put(engine.name(), new ArrayList<>());
    }
    for (int i = 0; i < runs; i++) {
      for (Engine engine : engines) {
        if (differences.get(engine.name()).startsWith("failed")) {
          continue;
        }
        try {
          double[] t = time(engine.connection(), query.sql(engine.tables()));
          plans.get(engine.name()).add(t[0]);
          execs.get(engine.name()).add(t[1]);
        } catch (SQLException e) {
          differences.put(engine.name(), "failed in a timed run: " + e.getSQLState() + " " + e.getMessage());
        }
      }
    }
    Map<String, EngineRun> result = new LinkedHashMap<>();
    for (Engine engine : engines) {
      EngineRun run = new EngineRun(engine.name(), plans.get(engine.name()), execs.get(engine.name()),
          differences.get(engine.name()));
      result.put(engine.name(), run);
      progress.accept(String.format(Locale.ROOT, "  %-26s %10.1f ms (planning %.1f ms) %s", engine.name(),
          run.totalMedian(), run.planMedian(), run.correct() ? "same answer as DuckDB" : run.difference()));
    }
    if (sources == null) {
      sources = new SourceRowCounter().against(query, duckDb, hybrid).unknownReturned();
    }
    progress.accept(String.format(Locale.ROOT, "  rows to Meridian: lake %,d (needed %,d), %sPostgreSQL %,d"
        + " (needed %,d)", sources.lakeReturned(), sources.lakeNeeded(), hybrid ? String.format(Locale.ROOT,
        "Pinot %,d (needed %,d), ", sources.pinotReturned(), sources.pinotNeeded()) : "", sources.pgReturned(),
        sources.pgNeeded()));
    return new QueryOutcome(query, duckDbSql, reference.rows().size(), result, sources);
  }

  /** Counts the rows each of Meridian's sources returned (planning statistics queries aside). */
  static final class SourceRowCounter implements SourceQueryListener {
    private final AtomicLong lake = new AtomicLong();
    private final AtomicLong pinot = new AtomicLong();
    private final AtomicLong pg = new AtomicLong();

    @Override
    public void querySent(String source, String sql) {}

    @Override
    public void rowsReturned(String source, String sql, long rows) {
      if (sql != null && sql.contains("pg_catalog.")) {
        return; // planning statistics, not the query's data
      }
      (source.equals(SsbConfig.LAKE) ? lake : source.equals(SsbConfig.PINOT) ? pinot : pg).addAndGet(rows);
    }

    /**
     * The counts, with the rows the query needs from each source, counted by DuckDB (-1 when unknown). With the
     * hybrid, the lake is needed for the {@code lineorder} rows up to the last day of its history and Pinot for the
     * rows after it (Pinot also holds a week before the boundary, which no query needs from it).
     */
    SourceRows against(SsbQuery query, Engine duckDb, boolean hybrid) {
      long lakeNeeded = -1;
      long pinotNeeded = -1;
      long pgNeeded = -1;
      try {
        if (hybrid) {
          int last = SsbGenerator.dateKey(SsbHybrid.HISTORY_LAST_DAY);
          lakeNeeded = count(duckDb.connection(), query.neededFactRowsSql(duckDb.tables(), "lo_orderdate <= " + last));
          pinotNeeded = count(duckDb.connection(), query.neededFactRowsSql(duckDb.tables(), "lo_orderdate > " + last));
        } else {
          lakeNeeded = count(duckDb.connection(), query.neededFactRowsSql(duckDb.tables()));
        }
        long dimensions = 0;
        for (String sql : query.neededDimensionRowsSql(duckDb.tables()).values()) {
          dimensions += count(duckDb.connection(), sql);
        }
        pgNeeded = dimensions;
      } catch (SQLException e) {
        // Reported as unknown.
      }
      return new SourceRows(lake.get(), lakeNeeded, hybrid ? pinot.get() : -1, pinotNeeded, pg.get(), pgNeeded);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static ResultRows rows(Connection c, String sql) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      try (ResultSet rs = s.executeQuery()) {
        return ResultRows.read(rs);
      }
    }
  }

  /** Milliseconds in prepareStatement, and from executeQuery until every value of every row was read. */
  static double[] time(Connection c, String sql) throws SQLException {
    long started = System.nanoTime();
    try (PreparedStatement s = c.prepareStatement(sql)) {
      long prepared = System.nanoTime();
      s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      try (ResultSet rs = s.executeQuery()) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            rs.getObject(i);
          }
        }
      }
      long done = System.nanoTime();
      return new double[] {(prepared - started) / 1e6, (done - prepared) / 1e6};
    }
  }
}
