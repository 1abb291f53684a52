package io.meridian.bench;

import io.meridian.server.MeridianServer;
import io.meridian.testing.TestingPostgreSql;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Remote fetch throughput without the whole SSB: the micro-benchmark of issue #7 ({@code SsbMicro}'s fetch figures)
 * on its own. Starts an embedded PostgreSQL, loads {@code narrow} (two integer columns), starts Meridian servers
 * (protobuf and JSON) in this JVM on loopback, and reads every row and value through each path: PostgreSQL's own
 * driver, embedded Meridian, Meridian's remote driver (protobuf with the default fetch size and with 10,000; JSON) and
 * Avatica's stock remote driver ({@code jdbc:avatica:remote:}, protobuf) against the same server.
 *
 * <p>Each figure is the median rows per second of {@code --runs} runs after one warm-up run, as {@code SsbMicro}
 * measures, after one untimed read through the protobuf server (so the first path timed does not pay for the JIT);
 * every run checks the row count and the sum of both columns against PostgreSQL's. Server and client share this
 * JVM, as in the SSB run.
 *
 * <pre>bench/run-fetch.sh [--rows 1000000] [--runs 3] [--paths pg,embedded,remote,remote-10000,json,stock]</pre>
 *
 * (any {@code remote-N}: Meridian's remote driver, protobuf, with {@code Statement.setFetchSize(N)}).
 */
public final class FetchBenchmark {
  private FetchBenchmark() {}

  /** Every path, in the order they run and print. */
  static final List<String> PATHS = List.of("pg", "embedded", "remote", "remote-10000", "json", "stock");

  public static void main(String[] args) throws Exception {
    int rows = 1_000_000;
    int runs = 3;
    List<String> paths = PATHS;
    for (int i = 0; i < args.length; i++) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value of " + args[i]);
      }
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i].replace("_", ""));
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--paths" -> paths = List.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; expected --rows N, --runs R, --paths " + String.join(",", PATHS));
      }
    }
    for (String p : paths) {
      if (!PATHS.contains(p) && fetchSize(p) < 0) {
        throw new IllegalArgumentException("unknown path " + p + "; expected some of " + PATHS + " or remote-N");
      }
    }
    Path dir = Files.createTempDirectory("meridian-fetch-bench");
    try (TestingPostgreSql postgres = TestingPostgreSql.start()) {
      postgres.createDatabase("bench");
      postgres.execute("bench", "CREATE TABLE narrow AS SELECT g AS id, g % 1000 AS v FROM generate_series(1, "
          + rows + ") g");
      // Set hint bits and the visibility map now, so that neither the first reads nor autovacuum write to the fresh
      // table while paths are timed (it made PgJDBC's figure vary by a factor of three between runs).
      postgres.execute("bench", "VACUUM (FREEZE, ANALYZE) narrow");
      postgres.execute("bench", "CHECKPOINT");
      long[] expected;
      try (Connection c = postgres.connect("bench"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), sum(id), sum(v) FROM narrow")) {
        rs.next();
        expected = new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
      }
      Path protobufConfig = writeConfig(dir.resolve("meridian.yaml"), postgres, "protobuf");
      Path jsonConfig = writeConfig(dir.resolve("meridian-json.yaml"), postgres, "json");
      String sql = "SELECT id, v FROM pg.narrow";
      Map<String, Double> results = new LinkedHashMap<>();
      try (MeridianServer protobuf = MeridianServer.start(protobufConfig, "127.0.0.1", 0);
          MeridianServer json = MeridianServer.start(jsonConfig, "127.0.0.1", 0)) {
        // Warm the source, the engine and the protobuf server's code once before any path is timed, so that the
        // first path measured does not pay for everyone's JIT compilation (each path still has its own warm-up run).
        try (Connection c = DriverManager.getConnection(protobuf.jdbcUrl())) {
          rowsPerSecond(c, sql, 0, 1, expected);
        }
        for (String path : paths) {
          double rate = switch (path) {
            case "pg" -> {
              try (Connection c = postgres.connect("bench")) {
                yield rowsPerSecond(c, "SELECT id, v FROM narrow", 0, runs, expected);
              }
            }
            case "embedded" -> rate(MeridianServer.embeddedUrl(protobufConfig), sql, 0, runs, expected);
            case "remote" -> rate(protobuf.jdbcUrl(), sql, 0, runs, expected);
            case "json" -> rate(json.jdbcUrl(), sql, 0, runs, expected);
            case "stock" -> rate("jdbc:avatica:remote:url=" + protobuf.httpUrl() + ";serialization=protobuf", sql, 0,
                runs, expected);
            default -> rate(protobuf.jdbcUrl(), sql, fetchSize(path), runs, expected);
          };
          results.put(path, rate);
          System.err.printf(Locale.ROOT, "%-14s %,12.0f rows/s%n", path, rate);
        }
      }
      Double pg = results.get("pg");
      System.out.println("| path | rows/s | / PgJDBC |");
      System.out.println("|---|---:|---:|");
      for (Map.Entry<String, Double> e : results.entrySet()) {
        System.out.printf(Locale.ROOT, "| %s | %,.0f | %s |%n", describe(e.getKey()), e.getValue(),
            pg == null ? "" : String.format(Locale.ROOT, "%.2f", e.getValue() / pg));
      }
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static String describe(String path) {
    return switch (path) {
      case "pg" -> "PgJDBC, directly";
      case "embedded" -> "Meridian embedded";
      case "remote" -> "Meridian remote (protobuf, default fetch size)";
      case "json" -> "Meridian remote (JSON, default fetch size)";
      case "stock" -> "Avatica's stock remote driver (protobuf, default fetch size)";
      default -> String.format(Locale.ROOT, "Meridian remote (protobuf, fetch size %,d)", fetchSize(path));
    };
  }

  /** The fetch size of a path {@code remote-N}, or -1 for another path. */
  private static int fetchSize(String path) {
    if (path.startsWith("remote-")) {
      try {
        int n = Integer.parseInt(path.substring("remote-".length()));
        return n > 0 ? n : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  private static Path writeConfig(Path file, TestingPostgreSql postgres, String serialization) throws IOException {
    Files.writeString(file, "sources:\n"
        + "  - name: pg\n"
        + "    kind: postgresql\n"
        + "    url: " + postgres.jdbcUrl("bench") + "\n"
        + "    user: " + TestingPostgreSql.USER + "\n"
        + "    password: \"\"\n"
        + "    fetch-size: 10000\n"
        + "default-schema: pg\n"
        + "server:\n"
        + "  serialization: " + serialization + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private static double rate(String url, String sql, int fetchSize, int runs, long[] expected) throws SQLException {
    try (Connection c = DriverManager.getConnection(url)) {
      return rowsPerSecond(c, sql, fetchSize, runs, expected);
    }
  }

  /** The median over {@code runs} runs (after one warm-up) of rows per second, reading every value. */
  static double rowsPerSecond(Connection c, String sql, int fetchSize, int runs, long[] expected)
      throws SQLException {
    List<Double> rates = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    for (int run = 0; run <= runs; run++) {
      long cpuStarted = processCpuNanos();
      long started = System.nanoTime();
      long rows = 0;
      long sumId = 0;
      long sumV = 0;
      try (Statement s = c.createStatement()) {
        if (fetchSize > 0) {
          s.setFetchSize(fetchSize);
        }
        try (ResultSet rs = s.executeQuery(sql)) {
          while (rs.next()) {
            sumId += rs.getInt(1);
            sumV += rs.getInt(2);
            rows++;
          }
        }
      }
      long nanos = System.nanoTime() - started;
      if (rows != expected[0] || sumId != expected[1] || sumV != expected[2]) {
        throw new SQLException(String.format(Locale.ROOT, "expected %d rows (sums %d, %d), read %d (sums %d, %d)",
            expected[0], expected[1], expected[2], rows, sumId, sumV));
      }
      if (run > 0) {
        rates.add(rows / (nanos / 1e9));
        cpu.add((processCpuNanos() - cpuStarted) / (double) nanos);
      }
    }
    System.err.printf(Locale.ROOT, "  runs: %s rows/s; this JVM's CPU time / wall time: %s%n", rates.stream()
        .map(r -> String.format(Locale.ROOT, "%,.0f", r)).toList(), cpu.stream()
        .map(r -> String.format(Locale.ROOT, "%.2f", r)).toList());
    return median(rates);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * CPU time of this JVM (all threads: server and client), from {@code /proc/self/stat} in clock ticks of 10 ms; 0
   * where there is no such file. Printed beside each run: above 1 means server and client worked at once.
   */
  private static long processCpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields 14 and 15 of proc(5) (utime, stime), counted from the state (field 3) here.
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
