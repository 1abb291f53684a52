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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
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

  /** Rows Meridian's sources returned for a query, against the rows the query needs from each. */
  record SourceRows(long lakeReturned, long lakeNeeded, long pgReturned, long pgNeeded) {
    SourceRows unknownReturned() {
      return new SourceRows(-1, lakeNeeded, -1, pgNeeded);
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
    try {
      SsbData data = SsbData.open(folder, options.scaleFactor(), progress);
      resources.add(data);
      progress.accept(String.format(Locale.ROOT, "lineorder: %,d rows, %,d files in %d partitions, %.1f MB",
          data.lineorderRows(), data.lineorderFiles().size(), data.partitions(), data.lineorderBytes() / 1e6));
      // TODO(real-time store): once Pinot lands, load the most recent days of lineorder into Pinot here and declare
      // lineorder as a hybrid table (lake history + Pinot fresh part) in the Meridian configuration below; see
      // SsbConfig.HYBRID_HOOK.
      SsbMicro.ensureNarrowTable(data);
      Path warmConfig = SsbConfig.write(folder, data, "meridian-warm.yaml", true);
      Path coldConfig = SsbConfig.write(folder, data, "meridian-cold.yaml", false);

      Map<String, String> skipped = new LinkedHashMap<>();
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
      UnaryOperator<String> meridianTables = t -> t.equals("lineorder") ? "lake.lineorder" : "pg." + t;
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
      List<QueryOutcome> outcomes = new ArrayList<>();
      for (SsbQuery query : SsbQuery.ALL) {
        outcomes.add(runQuery(query, engines, duckDb, warm, warmEngine, options.runs(), progress));
      }
      SsbMicro.Results micro = null;
      String microFailure = null;
      if (options.runs("micro")) {
        try {
          micro = SsbMicro.run(data, warmConfig, coldConfig, server, options.loadSeconds(), progress);
        } catch (SQLException | RuntimeException e) {
          // The query results stand; the report says the micro-benchmarks failed, and the exit code is 1.
          microFailure = e.toString();
          progress.accept("Micro-benchmarks failed: " + e);
        }
      }
      String loadAfter = SsbReport.loadAverage();
      return new SsbReport(options, SsbReport.Environment.current(duckDbVersion(duckDb.connection())), data,
          engineStartMillis, engines.stream().map(Engine::name).toList(), skipped, outcomes, micro, loadBefore,
          loadAfter, trino != null ? TrinoServer.VERSION : null, microFailure);
    } finally {
      closeAll(resources);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down already.
      }
    }
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
      MeridianEngine warmEngine, int runs, Consumer<String> progress) {
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
      return new QueryOutcome(query, duckDbSql, 0, failed, new SourceRows(-1, -1, -1, -1));
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
          sources = counter.against(query, duckDb);
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
      sources = new SourceRowCounter().against(query, duckDb).unknownReturned();
    }
    progress.accept(String.format(Locale.ROOT, "  rows to Meridian: lake %,d (needed %,d), PostgreSQL %,d (needed %,d)",
        sources.lakeReturned(), sources.lakeNeeded(), sources.pgReturned(), sources.pgNeeded()));
    return new QueryOutcome(query, duckDbSql, reference.rows().size(), result, sources);
  }

  /** Counts the rows each of Meridian's sources returned (planning statistics queries aside). */
  static final class SourceRowCounter implements SourceQueryListener {
    private final AtomicLong lake = new AtomicLong();
    private final AtomicLong pg = new AtomicLong();

    @Override
    public void querySent(String source, String sql) {}

    @Override
    public void rowsReturned(String source, String sql, long rows) {
      if (sql != null && sql.contains("pg_catalog.")) {
        return; // planning statistics, not the query's data
      }
      (source.equals(SsbConfig.LAKE) ? lake : pg).addAndGet(rows);
    }

    /** The counts, with the rows the query needs from each source, counted by DuckDB (-1 when unknown). */
    SourceRows against(SsbQuery query, Engine duckDb) {
      long lakeNeeded = -1;
      long pgNeeded = -1;
      try {
        lakeNeeded = count(duckDb.connection(), query.neededFactRowsSql(duckDb.tables()));
        long dimensions = 0;
        for (String sql : query.neededDimensionRowsSql(duckDb.tables()).values()) {
          dimensions += count(duckDb.connection(), sql);
        }
        pgNeeded = dimensions;
      } catch (SQLException e) {
        // Reported as unknown.
      }
      return new SourceRows(lake.get(), lakeNeeded, pg.get(), pgNeeded);
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
