package io.meridian.bench;

import io.meridian.server.MeridianServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Result-cache latency: a dashboard query over the lake benchmark's table, answered from the sources
 * ({@code cacheMode=off}) and from the cache, embedded and remote, with versions read at every execution
 * ({@code maxStaleness=0}, the default) and trusted for a minute ({@code maxStaleness=1m}). Prints a Markdown table of
 * medians and 99th percentiles; every answer is checked against the source path's.
 *
 * <pre>bench/run-cache.sh [--rows 1000000] [--iterations 20000] [--dir bench/target/cache-bench]</pre>
 */
public final class CacheBenchmark {
  static final String QUERY = "SELECT device, count(*) AS plays, sum(ms_played) AS ms FROM lake.plays "
      + "WHERE played_at >= TIMESTAMP '2024-01-01 00:00:00' GROUP BY device ORDER BY device";

  private CacheBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = 1_000_000;
    int iterations = 20_000;
    Path dir = Path.of("bench/target/cache-bench");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Long.parseLong(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; expected --rows N, --iterations N, --dir PATH");
      }
    }
    BenchTable.ensure(dir.resolve("warehouse"), rows, System.err::println);
    Path config = dir.resolve("meridian.yaml");
    try {
      Files.writeString(config, LakeBenchmark.configYaml(2), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String embedded = "jdbc:meridian:config=" + config.toAbsolutePath();
    List<String[]> table = new ArrayList<>();
    String expected;
    try (MeridianServer server = MeridianServer.start(config, "127.0.0.1", 0)) {
      String remote = server.jdbcUrl();
      int sourceRuns = Math.max(5, Math.min(50, iterations / 400));
      Measured source = measure(embedded + ";cacheMode=off", sourceRuns, null);
      expected = source.answer();
      table.add(row("source path (cacheMode=off), embedded", source));
      for (String staleness : new String[] {"0", "1m"}) {
        table.add(row("cache hit, embedded, maxStaleness=" + staleness,
            measure(embedded + ";maxStaleness=" + staleness, iterations, expected)));
        table.add(row("cache hit, remote (protobuf), maxStaleness=" + staleness,
            measure(remote + ";maxStaleness=" + staleness, iterations, expected)));
      }
    }
    System.out.println("| path | runs | median | p99 |");
    System.out.println("|---|---:|---:|---:|");
    for (String[] r : table) {
      System.out.println("| " + String.join(" | ", r) + " |");
    }
  }

  private record Measured(String answer, long[] nanos) {}

  /** Runs the query {@code runs} times on one prepared statement, after a warm-up; checks every answer. */
  private static Measured measure(String url, int runs, String expected) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(QUERY)) {
      String answer = run(ps);
      if (expected != null && !expected.equals(answer)) {
        throw new IllegalStateException("wrong answer through " + url + ":\n" + answer + "\nexpected:\n" + expected);
      }
      for (int i = 0; i < Math.min(runs, 2_000); i++) {
        run(ps); // warm-up: JIT, connection pools, the version reads' metadata
      }
      long[] nanos = new long[runs];
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        String again = run(ps);
        nanos[i] = System.nanoTime() - start;
        if (!answer.equals(again)) {
          throw new IllegalStateException("answer changed between runs through " + url);
        }
      }
      return new Measured(answer, nanos);
    }
  }

  private static String run(PreparedStatement ps) throws SQLException {
    StringBuilder b = new StringBuilder();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        b.append(rs.getString(1)).append('|').append(rs.getLong(2)).append('|').append(rs.getLong(3)).append('\n');
      }
    }
    return b.toString();
  }

  private static String[] row(String name, Measured m) {
    long[] sorted = m.nanos().clone();
    Arrays.sort(sorted);
    return new String[] {name, String.valueOf(sorted.length), millis(sorted[sorted.length / 2]),
        millis(sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)])};
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
  }
}
