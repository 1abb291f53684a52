package io.meridian.bench;

import io.meridian.engine.MeridianEngine;
import io.meridian.engine.rollup.RollupManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Rollup speed-up: dashboard-style semantic queries over the lake benchmark's table, answered from the source
 * ({@code useRollups=false}) and from the model's rollup, both embedded and with the result cache off
 * ({@code cacheMode=off}), so every run computes its answer. Each query's answers are checked equal first (a difference
 * is a failure, exit 1); then {@code --runs} timed runs per path, alternating, from {@code executeQuery} until every
 * value is read. Prints a Markdown table of medians.
 *
 * <pre>bench/run-rollups.sh [--rows 10000000] [--runs 20] [--dir bench/target/rollup-bench]</pre>
 */
public final class RollupBenchmark {
  /** Dashboard-style queries over {@code semantic.plays}. */
  static final List<String[]> QUERIES = List.of(
      new String[] {"plays, streams and hours by device, all time",
          "SELECT device, plays, streams, listening_hours FROM semantic.plays GROUP BY device ORDER BY device"},
      new String[] {"streams by month of 2024",
          "SELECT played_at__month, streams, skip_rate FROM semantic.plays WHERE played_at >= TIMESTAMP "
              + "'2024-01-01 00:00:00' AND played_at < TIMESTAMP '2025-01-01 00:00:00' GROUP BY played_at__month "
              + "ORDER BY played_at__month"},
      new String[] {"daily plays by device for a week",
          "SELECT played_at__day, device, plays, listening_hours FROM semantic.plays WHERE played_at >= TIMESTAMP "
              + "'2024-06-03 00:00:00' AND played_at < TIMESTAMP '2024-06-10 00:00:00' GROUP BY played_at__day, "
              + "device ORDER BY played_at__day, device"},
      new String[] {"weekly streams per device, last quarter of 2025",
          "SELECT played_at__week, device, streams FROM semantic.plays WHERE played_at__month >= TIMESTAMP "
              + "'2025-10-01 00:00:00' GROUP BY played_at__week, device ORDER BY played_at__week, device"});

  static final String MODEL = """
      # Written by the rollup benchmark (io.meridian.bench.RollupBenchmark) on each run.
      tables:
        - name: plays
          source: lake.plays
          dimensions:
            - name: device
            - name: played_at
              type: time
          measures:
            - name: plays
              agg: count
            - name: streams
              agg: count
              filter: ms_played >= 30000
            - name: skips
              agg: count
              filter: ms_played < 30000
            - name: listening_hours
              agg: sum
              expr: ms_played / 3600000.0
      metrics:
        - name: skip_rate
          type: ratio
          numerator: plays.skips
          denominator: plays.plays
      rollups:
        - name: plays_by_device_day
          table: plays
          dimensions: [device]
          time: played_at
          grain: day
          measures: [plays, streams, skips, listening_hours]
          refresh: { policy: incremental, every: 1h }
      """;

  private RollupBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = 10_000_000;
    int runs = 20;
    Path dir = Path.of("bench/target/rollup-bench");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; expected --rows N, --runs N, --dir PATH");
      }
    }
    BenchTable.Info table = BenchTable.ensure(dir.resolve("warehouse"), rows, System.err::println);
    Path config = dir.resolve("meridian.yaml").toAbsolutePath();
    Files.writeString(config, LakeBenchmark.configYaml(2) + "model: { path: model }\n"
        + "rollups:\n  catalog: { type: hadoop, warehouse: rollups }\n  refresh-check: 0s\n", StandardCharsets.UTF_8);
    Files.createDirectories(dir.resolve("model"));
    Files.writeString(dir.resolve("model/plays.yaml"), MODEL, StandardCharsets.UTF_8);
    String url = "jdbc:meridian:config=" + config + ";cacheMode=off";
    List<String> report = new ArrayList<>();
    boolean same = true;
    try (Connection source = DriverManager.getConnection(url + ";useRollups=false");
        Connection rollup = DriverManager.getConnection(url)) {
      RollupManager rollups = MeridianEngine.shared(config).rollups();
      long buildStart = System.nanoTime();
      RollupManager.BuildResult built = rollups.build("plays_by_device_day", line -> System.err.println("  " + line));
      double buildSeconds = (System.nanoTime() - buildStart) / 1e9;
      report.add(String.format(Locale.ROOT, "Table: %,d rows in %d data files; rollup plays_by_device_day: %,d rows, "
          + "built in %.1f s (then held in memory). Median of %d runs per path, embedded, result cache off.",
          table.rows(), table.dataFiles().size(), built.rows(), buildSeconds, runs));
      report.add("");
      report.add("| query | source path (ms) | rollup (ms) | speed-up |");
      report.add("|---|---:|---:|---:|");
      for (String[] q : QUERIES) {
        String plan = explain(rollup, q[1]);
        if (!plan.contains("rollup plays_by_device_day answered")) {
          System.err.println("error: the rollup did not answer " + q[0] + "\n" + plan);
          same = false;
          continue;
        }
        String expected = answer(source, q[1]);
        String actual = answer(rollup, q[1]);
        if (!expected.equals(actual)) {
          System.err.println("error: different answers for " + q[0] + "\nsource:\n" + expected + "\nrollup:\n" + actual);
          same = false;
          continue;
        }
        long[] sourceNanos = new long[runs];
        long[] rollupNanos = new long[runs];
        for (int r = 0; r < runs; r++) {
          sourceNanos[r] = time(source, q[1]);
          rollupNanos[r] = time(rollup, q[1]);
        }
        double s = median(sourceNanos) / 1e6;
        double m = median(rollupNanos) / 1e6;
        report.add(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.0fx |", q[0], s, m, s / m));
      }
    }
    report.forEach(System.out::println);
    System.exit(same ? 0 : 1);
  }

  private static String explain(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The rows as text; doubles to 9 significant digits (sums in another order differ in the last bits). */
  private static String answer(Connection c, String sql) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          out.append(v instanceof Double d ? String.format(Locale.ROOT, "%.9g", d)
              : v instanceof java.math.BigDecimal b ? b.round(new java.math.MathContext(12)).toPlainString()
              : String.valueOf(v)).append(i < n ? " | " : "\n");
        }
      }
    }
    return out.toString();
  }

  private static long time(Connection c, String sql) throws SQLException {
    long start = System.nanoTime();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          rs.getObject(i);
        }
      }
    }
    return System.nanoTime() - start;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }
}
