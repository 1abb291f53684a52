package io.meridian.bench;

import io.meridian.pinot.testing.TestingPinot;
import java.io.IOException;
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
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Pinot figures for {@code bench/RESULTS.md}: freshness (an event produced to Kafka until a Meridian query through
 * the embedded driver sees it) and pushdown (rows Pinot returned to Meridian against the rows the query needed, that
 * is the rows Pinot read after filtering, which Meridian would have had to pull without pushdown).
 *
 * <p>Starts its own Pinot 0.11 ({@link TestingPinot}, a child JVM on loopback ports), loads an OFFLINE table of
 * generated plays from CSV files and a REALTIME table fed through Kafka, and replaces the {@code pinot} section of
 * the results file. Usage: {@code bench/run-pinot.sh [--rows N] [--samples N] [--results FILE]}.
 */
public final class PinotBenchmark {
  public static final String BEGIN = "<!-- pinot:begin -->";
  public static final String END = "<!-- pinot:end -->";
  private static final String[] DEVICES = {"mobile", "desktop", "tv", "car", "web", "smart_speaker"};
  private static final String[] COUNTRIES = {"GB", "US", "FR", "DE", "IN", "JP", "BR", "SE"};

  private PinotBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = 500_000;
    int samples = 30;
    Path results = Path.of("bench", "RESULTS.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        case "--results" -> results = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("meridian-pinot-bench");
    long started = System.nanoTime();
    try (TestingPinot pinot = TestingPinot.start(dir.resolve("pinot"), Duration.ofHours(1))) {
      double startSeconds = (System.nanoTime() - started) / 1e9;
      long loadStarted = System.nanoTime();
      load(pinot, dir, rows);
      double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
      Path config = dir.resolve("meridian.yaml");
      Files.writeString(config, "sources:\n  - name: pinot\n    kind: pinot\n    pinot:\n      controller: "
          + pinot.controller() + "\n      broker: " + pinot.broker() + "\n", StandardCharsets.UTF_8);
      try (Connection c = DriverManager.getConnection("jdbc:meridian:config=" + config)) {
        List<String> pushdown = pushdown(c, rows);
        List<Long> freshness = freshness(c, pinot, samples);
        String section = section(rows, samples, startSeconds, loadSeconds, pushdown, freshness);
        System.out.println(section);
        String text = Files.exists(results) ? Files.readString(results, StandardCharsets.UTF_8) : "";
        Files.writeString(results, replaceSection(text, section), StandardCharsets.UTF_8);
        System.out.println("Written to " + results.toAbsolutePath());
      }
    }
  }

  private static void load(TestingPinot pinot, Path dir, int rows) throws IOException, InterruptedException {
    pinot.addSchema("""
        {"schemaName": "plays",
         "dimensionFieldSpecs": [{"name": "play_id", "dataType": "LONG"}, {"name": "account_id", "dataType": "INT"},
           {"name": "device", "dataType": "STRING"}, {"name": "country", "dataType": "STRING"}],
         "metricFieldSpecs": [{"name": "ms_played", "dataType": "INT"}],
         "dateTimeFieldSpecs": [{"name": "played_at", "dataType": "TIMESTAMP", "format": "1:MILLISECONDS:EPOCH",
           "granularity": "1:MILLISECONDS"}]}
        """);
    pinot.addTable("""
        {"tableName": "plays", "tableType": "OFFLINE",
         "segmentsConfig": {"timeColumnName": "played_at", "replication": "1", "schemaName": "plays"},
         "tableIndexConfig": {}, "tenants": {}, "metadata": {}}
        """);
    long base = LocalDate.of(2025, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    int files = 4;
    for (int f = 0; f < files; f++) {
      StringBuilder csv = new StringBuilder("play_id,account_id,device,country,ms_played,played_at\n");
      for (long i = (long) rows * f / files; i < (long) rows * (f + 1) / files; i++) {
        csv.append(i).append(',').append(i * 7919 % 10_000).append(',').append(DEVICES[(int) (i % DEVICES.length)])
            .append(',').append(COUNTRIES[(int) (i * 31 % COUNTRIES.length)]).append(',')
            .append(i * 104_729 % 300_000).append(',').append(base + i * 5_000).append('\n');
      }
      Path file = dir.resolve("plays-" + f + ".csv");
      Files.writeString(file, csv, StandardCharsets.UTF_8);
      pinot.ingestFile("plays", file, "csv");
    }
    pinot.awaitRowCount("plays", rows, Duration.ofMinutes(5));
    pinot.createTopic("live_plays", 1);
    pinot.addSchema("""
        {"schemaName": "live_plays",
         "dimensionFieldSpecs": [{"name": "play_id", "dataType": "LONG"}, {"name": "device", "dataType": "STRING"}],
         "metricFieldSpecs": [{"name": "ms_played", "dataType": "INT"}],
         "dateTimeFieldSpecs": [{"name": "played_at", "dataType": "TIMESTAMP", "format": "1:MILLISECONDS:EPOCH",
           "granularity": "1:MILLISECONDS"}]}
        """);
    pinot.addRealtimeTable("live_plays", "played_at", "live_plays", 100_000, "6h");
    // One event first, so that the consumer is running before anything is timed.
    pinot.produce("live_plays", "{\"play_id\":-1,\"device\":\"tv\",\"ms_played\":1,\"played_at\":" + base + "}");
    pinot.awaitRowCount("live_plays", 1, Duration.ofSeconds(60));
  }

  private static final Pattern STATS = Pattern.compile("rows returned (\\d+), docs scanned (\\d+) of (\\d+)");

  /** Each query run through Meridian, then its Pinot statistics read from EXPLAIN (the last run's). */
  private static List<String> pushdown(Connection c, int rows) throws SQLException {
    List<String[]> queries = List.of(
        new String[] {"count by device (GROUP BY)",
            "SELECT device, COUNT(*), SUM(ms_played) FROM pinot.plays GROUP BY device"},
        new String[] {"distinct listeners by country",
            "SELECT country, COUNT(DISTINCT account_id) FROM pinot.plays GROUP BY country"},
        new String[] {"one day, filtered aggregate",
            "SELECT device, MAX(ms_played), MIN(ms_played) FROM pinot.plays WHERE played_at >= TIMESTAMP "
                + "'2025-01-10 00:00:00' AND played_at < TIMESTAMP '2025-01-11 00:00:00' GROUP BY device"},
        new String[] {"top 10 rows (ORDER BY ... LIMIT)",
            "SELECT play_id, ms_played FROM pinot.plays WHERE country = 'SE' ORDER BY ms_played DESC, play_id "
                + "LIMIT 10"},
        new String[] {"10,000 groups (more than Pinot's default LIMIT 10)",
            "SELECT account_id, COUNT(*) FROM pinot.plays GROUP BY account_id"});
    List<String> lines = new ArrayList<>();
    for (String[] q : queries) {
      long resultRows = 0;
      long t0 = System.nanoTime();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q[1])) {
        while (rs.next()) {
          resultRows++;
        }
      }
      double ms = (System.nanoTime() - t0) / 1e6;
      String plan;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + q[1])) {
        rs.next();
        plan = rs.getString(1);
      }
      Matcher m = STATS.matcher(plan);
      if (!m.find()) {
        throw new IllegalStateException("no Pinot statistics in EXPLAIN: " + plan);
      }
      long returned = Long.parseLong(m.group(1));
      long scanned = Long.parseLong(m.group(2));
      lines.add("| " + q[0] + " | " + String.format(Locale.ROOT, "%,d", scanned) + " | "
          + String.format(Locale.ROOT, "%,d", returned) + " | " + String.format(Locale.ROOT, "%,d", resultRows)
          + " | " + String.format(Locale.ROOT, "%.0f", scanned == 0 ? 0.0 : (double) scanned / Math.max(1, returned))
          + "x | " + String.format(Locale.ROOT, "%.1f", ms) + " |");
      lines.add("QUERY " + q[0] + ": `" + q[1] + "`");
    }
    return lines;
  }

  /** Produce-to-visible through the embedded driver, polling as fast as queries return. */
  private static List<Long> freshness(Connection c, TestingPinot pinot, int samples) throws SQLException {
    List<Long> ms = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      for (int i = 0; i < samples; i++) {
        long id = 1_000_000_000L + i;
        String sql = "SELECT COUNT(*) FROM pinot.live_plays WHERE play_id = " + id;
        long t0 = System.nanoTime();
        pinot.produce("live_plays", "{\"play_id\":" + id + ",\"device\":\"tv\",\"ms_played\":1,\"played_at\":"
            + System.currentTimeMillis() + "}");
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        boolean seen = false;
        while (!seen && System.nanoTime() < deadline) {
          try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            seen = rs.getLong(1) == 1;
          }
        }
        if (!seen) {
          throw new IllegalStateException("event " + id + " not visible within 30 s");
        }
        ms.add((System.nanoTime() - t0) / 1_000_000);
      }
    }
    return ms;
  }

  private static String section(int rows, int samples, double startSeconds, double loadSeconds,
      List<String> pushdown, List<Long> freshness) {
    List<Long> sorted = new ArrayList<>(freshness);
    Collections.sort(sorted);
    long median = sorted.get(sorted.size() / 2);
    long p95 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1));
    StringBuilder b = new StringBuilder(BEGIN).append('\n');
    b.append("## Pinot: freshness and pushdown\n\n");
    b.append("- Command: `bench/run-pinot.sh --rows ").append(rows).append(" --samples ").append(samples)
        .append("`\n");
    b.append("- Date: ").append(LocalDate.now(ZoneOffset.UTC)).append(" (UTC)\n");
    b.append("- Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.version")).append("; Apache Pinot 0.11.0 (ZooKeeper, controller, broker, "
            + "server and Kafka 2.8 in one child JVM, -Xmx1g), started in ")
        .append(String.format(Locale.ROOT, "%.1f s", startSeconds)).append("; ")
        .append(String.format(Locale.ROOT, "%,d", rows)).append(" plays loaded as 4 OFFLINE segments (CSV, "
            + "built by the controller) in ").append(String.format(Locale.ROOT, "%.1f s", loadSeconds))
        .append("\n- Client: Meridian's embedded driver (`jdbc:meridian:config=...`, source `pinot`)\n\n");
    b.append("### Freshness: produce to Kafka until a Meridian query sees the event\n\n");
    b.append("One event at a time to REALTIME table `live_plays` (Kafka acknowledgement included), then ")
        .append("`SELECT COUNT(*) FROM pinot.live_plays WHERE play_id = ?` through Meridian repeated until it ")
        .append("returns 1. ").append(samples).append(" samples:\n\n");
    b.append("| median | p95 | max | min |\n|---:|---:|---:|---:|\n");
    b.append("| ").append(median).append(" ms | ").append(p95).append(" ms | ").append(sorted.get(sorted.size() - 1))
        .append(" ms | ").append(sorted.get(0)).append(" ms |\n\n");
    b.append("All samples (ms): ").append(freshness.toString().replace("[", "").replace("]", "")).append("\n\n");
    b.append("### Pushdown: rows Pinot returned against rows the query needed\n\n");
    b.append("\"Rows needed\" are the rows Pinot read after filtering (its `numDocsScanned`): what Meridian would ")
        .append("have pulled without pushdown. Each query ran once through Meridian; the Pinot statistics are ")
        .append("those EXPLAIN shows for that run.\n\n");
    b.append("| query | rows needed (scanned in Pinot) | rows returned by Pinot | result rows | reduction | "
        + "Meridian time (ms) |\n|---|---:|---:|---:|---:|---:|\n");
    List<String> queries = new ArrayList<>();
    for (String line : pushdown) {
      if (line.startsWith("QUERY ")) {
        queries.add("- " + line.substring(6));
      } else {
        b.append(line).append('\n');
      }
    }
    b.append("\nQueries:\n\n").append(String.join("\n", queries)).append('\n');
    b.append(END).append('\n');
    return b.toString();
  }

  static String replaceSection(String text, String section) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin >= 0 && end > begin) {
      return text.substring(0, begin) + section + text.substring(end + END.length() + (text.startsWith("\n",
          end + END.length()) ? 1 : 0));
    }
    return text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n") + section;
  }
}
