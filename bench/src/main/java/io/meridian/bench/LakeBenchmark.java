package io.meridian.bench;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The lake benchmark: the same queries through embedded Meridian (lake source) and through DuckDB reading the
 * table's Parquet files directly, on an Iceberg table of {@code --rows} plays written by {@link BenchTable}.
 *
 * <p>Each query runs once on each engine as a warm-up, whose rows are compared (a difference is a failure: the
 * report says so and the exit code is 1), then {@code --runs} times on each engine, alternating, timed from
 * {@code executeQuery} until every value of every row has been read with {@code getObject}. Both sides use DuckDB
 * with the same threads and memory limit; Meridian's plan cache makes the timed runs steady-state (plans reused).
 * See {@code bench/README.md}.
 */
public final class LakeBenchmark {
  /** DuckDB's memory limit on both sides (the lake source's default). */
  static final String MEMORY_LIMIT = "2GB";

  private static final Pattern FILES_READ = Pattern.compile("files read: (\\d+) of (\\d+)( \\([^)]*\\))?");

  private LakeBenchmark() {}

  /** A benchmark query, written against Meridian's {@code lake.plays}. */
  record BenchQuery(String name, String sql) {
    BenchQuery {
      requireNonNull(name, "name is null");
      requireNonNull(sql, "sql is null");
    }
  }

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.out, System.err));
  }

  /** Runs the benchmark; returns the exit code (0 same rows everywhere, 1 a difference or error, 2 usage). */
  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(BenchOptions.USAGE);
      return 0;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (MeridianException e) {
      err.println("error: " + e.getMessage());
      err.print(BenchOptions.USAGE);
      return 2;
    }
    try {
      LakeReport report = run(options, out);
      report.writeInto(options.out());
      out.println();
      out.print(report.markdown());
      out.println("\nWrote the lake section of " + options.out().toAbsolutePath().normalize());
      if (!report.allSameRows()) {
        err.println("error: the engines returned different rows; see the report");
        return 1;
      }
      return 0;
    } catch (SQLException | IOException | RuntimeException e) {
      err.println("error: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  /** The queries for a table of {@code rows} rows. */
  static List<BenchQuery> queries(long rows) {
    long playId = rows / 2 + 7;
    return List.of(
        new BenchQuery("1 full-scan aggregation",
            "SELECT device, count(*), sum(ms_played), count(DISTINCT account_id) FROM lake.plays GROUP BY device"),
        new BenchQuery("2 one day (selective filter)",
            "SELECT device, count(*), sum(ms_played), count(DISTINCT account_id) FROM lake.plays"
                + " WHERE played_at >= TIMESTAMP '2024-06-15 00:00:00' AND played_at < TIMESTAMP '2024-06-16 00:00:00'"
                + " GROUP BY device"),
        new BenchQuery("3 point lookup with LIMIT",
            "SELECT play_id, account_id, track_id, played_at, ms_played, device FROM lake.plays WHERE play_id = "
                + playId + " LIMIT 10"));
  }

  static LakeReport run(BenchOptions options, PrintStream out) throws SQLException, IOException {
    Path folder = options.data().resolve("rows-" + options.rows()).toAbsolutePath().normalize();
    Path warehouse = folder.resolve("warehouse");
    out.printf(Locale.ROOT, "Lake benchmark: %,d rows, %d runs, data in %s%n", options.rows(), options.runs(),
        folder);
    BenchTable.Info table = BenchTable.ensure(warehouse, options.rows(), line -> {
      out.println(line);
      out.flush();
    });
    out.printf(Locale.ROOT, "Table: %,d rows, %,d data files, %.1f MB, %s%n", table.rows(),
        table.dataFiles().size(), table.bytes() / 1e6, table.reused() ? "reused"
            : String.format(Locale.ROOT, "written in %.1f s", table.writeTime().toMillis() / 1000.0));

    int threads = Runtime.getRuntime().availableProcessors();
    Path config = folder.resolve("meridian.yaml");
    Files.writeString(config, configYaml(threads), StandardCharsets.UTF_8);

    String readParquet = "read_parquet([" + table.dataFiles().stream()
        .map(p -> "'" + p.toString().replace("'", "''") + "'")
        .collect(Collectors.joining(", ")) + "])";
    List<QueryResult> results = new ArrayList<>();
    long opening = System.nanoTime();
    // cacheMode=off: the result cache would answer the repeated runs; this benchmark measures the path to the files.
    try (Connection meridian = DriverManager.getConnection("jdbc:meridian:config=" + config + ";cacheMode=off")) {
      try (Statement s = meridian.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
        rs.next();
      }
      Duration meridianOpen = Duration.ofNanos(System.nanoTime() - opening);
      try (Connection duckDb = DriverManager.getConnection("jdbc:duckdb:")) {
        String version;
        try (Statement s = duckDb.createStatement()) {
          s.execute("SET threads = " + threads);
          s.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
          s.execute("SET TimeZone = 'UTC'");
          try (ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            version = rs.getString(1);
          }
        }
        for (BenchQuery query : queries(options.rows())) {
          out.println("Query " + query.name() + " ...");
          out.flush();
          results.add(measure(query, query.sql().replace("lake.plays", readParquet), meridian, duckDb,
              options.runs()));
          QueryResult r = results.get(results.size() - 1);
          out.printf(Locale.ROOT, "  Meridian %.1f ms, DuckDB %.1f ms (median), ratio %.2f, %s%s%n",
              r.meridianMedian(), r.duckDbMedian(), r.ratio(), r.sameRows() ? "same rows" : "DIFFERENT ROWS: "
                  + r.difference(), r.filesRead().map(f -> ", " + f).orElse(""));
        }
        LakeReport.Environment environment = new LakeReport.Environment(
            LocalDate.now(ZoneOffset.UTC).toString(), threads, machineMemory(),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"),
            System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")",
            String.format(Locale.ROOT, "%.1f GiB", Runtime.getRuntime().maxMemory() / (double) (1L << 30)),
            version, threads, MEMORY_LIMIT);
        return new LakeReport(options, environment, table, meridianOpen, results);
      }
    }
  }

  static String configYaml(int threads) {
    return "# Written by the lake benchmark (io.meridian.bench.LakeBenchmark) on each run.\n"
        + "sources:\n"
        + "  - name: lake\n"
        + "    kind: lake\n"
        + "    catalog:\n"
        + "      type: hadoop\n"
        + "      warehouse: warehouse\n"
        + "    namespace: " + BenchTable.PLAYS.namespace().level(0) + "\n"
        + "    threads: " + threads + "\n"
        + "    memory-limit: " + MEMORY_LIMIT + "\n"
        + "default-schema: lake\n";
  }

  private static QueryResult measure(BenchQuery query, String duckDbSql, Connection meridian, Connection duckDb,
      int runs) {
    ResultRows meridianRows;
    ResultRows duckDbRows;
    try {
      meridianRows = rows(meridian, query.sql());
    } catch (SQLException e) {
      return failed(query, "Meridian failed: " + e.getSQLState() + " " + e.getMessage());
    }
    try {
      duckDbRows = rows(duckDb, duckDbSql);
    } catch (SQLException e) {
      return failed(query, "DuckDB failed: " + e.getSQLState() + " " + e.getMessage());
    }
    List<Double> meridianMillis = new ArrayList<>();
    List<Double> duckDbMillis = new ArrayList<>();
    try {
      for (int i = 0; i < runs; i++) {
        meridianMillis.add(time(meridian, query.sql()));
        duckDbMillis.add(time(duckDb, duckDbSql));
      }
    } catch (SQLException e) {
      return failed(query, "a timed run failed: " + e.getSQLState() + " " + e.getMessage());
    }
    return new QueryResult(query.name(), query.sql(), meridianMillis, duckDbMillis, meridianRows.rows().size(),
        meridianRows.difference(duckDbRows), filesRead(meridian, query.sql()));
  }

  private static QueryResult failed(BenchQuery query, String why) {
    return new QueryResult(query.name(), query.sql(), List.of(), List.of(), 0, why, Optional.empty());
  }

  private static ResultRows rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return ResultRows.read(rs);
    }
  }

  /** Milliseconds from execute until every value of every row was read. */
  private static double time(Connection c, String sql) throws SQLException {
    long started = System.nanoTime();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= columns; i++) {
          rs.getObject(i);
        }
      }
    }
    return (System.nanoTime() - started) / 1e6;
  }

  /** Meridian's {@code files read: x of y (...)} for the query, from EXPLAIN. */
  private static Optional<String> filesRead(Connection meridian, String sql) {
    StringBuilder plan = new StringBuilder();
    try (Statement s = meridian.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    } catch (SQLException e) {
      return Optional.of("EXPLAIN failed: " + e.getMessage());
    }
    Matcher m = FILES_READ.matcher(plan);
    return m.find() ? Optional.of(m.group(1) + " of " + m.group(2) + (m.group(3) == null ? "" : m.group(3)))
        : Optional.empty();
  }

  /** The machine's memory from {@code /proc/meminfo}, or "unknown memory" elsewhere. */
  private static String machineMemory() {
    Path meminfo = Path.of("/proc/meminfo");
    try {
      for (String line : Files.readAllLines(meminfo, StandardCharsets.UTF_8)) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kb / (double) (1L << 20));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: say so below.
    }
    return "unknown";
  }
}
