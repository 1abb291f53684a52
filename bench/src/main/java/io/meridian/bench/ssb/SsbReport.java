package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SSB benchmark's section of {@code bench/RESULTS.md}, between {@link #BEGIN} and {@link #END}:
 * {@link #writeInto} replaces it (or appends it) and leaves the rest of the file alone.
 */
final class SsbReport {
  static final String BEGIN = "<!-- ssb:begin -->";
  static final String END = "<!-- ssb:end -->";

  /** Where the benchmark ran. */
  record Environment(String time, int cores, String memory, String os, String jdk, String maxHeap, String duckDb) {
    static Environment current(String duckDbVersion) {
      return new Environment(LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern(
          "yyyy-MM-dd HH:mm", Locale.ROOT)) + " UTC", Runtime.getRuntime().availableProcessors(), machineMemory(),
          System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
              + System.getProperty("os.arch"),
          System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ", "
              + System.getProperty("java.vendor") + ")",
          String.format(Locale.ROOT, "%.1f GiB", Runtime.getRuntime().maxMemory() / (double) (1L << 30)),
          duckDbVersion);
    }
  }

  private final SsbOptions options;
  private final Environment environment;
  private final SsbData data;
  private final double engineStartMillis;
  private final List<String> engines;
  private final Map<String, String> skipped;
  private final List<SsbBenchmark.QueryOutcome> outcomes;
  private final SsbMicro.Results micro;
  private final String loadBefore;
  private final String loadAfter;
  private final String trinoVersion;
  private final String microFailure;
  private final Hybrid hybrid;

  /**
   * The real-time part as it ran: rows in Pinot, the seconds Pinot took to start and to ingest them, and the seam
   * check's outcome ("" when Meridian's rows and revenue per order date equal DuckDB's) and the boundary
   * Meridian used, as seen in the SQL it sent to Pinot (-1 when not seen).
   */
  record Hybrid(long pinotRows, double startSeconds, double loadSeconds, String seam, long boundary) {}

  SsbReport(SsbOptions options, Environment environment, SsbData data, double engineStartMillis,
      List<String> engines, Map<String, String> skipped, List<SsbBenchmark.QueryOutcome> outcomes,
      SsbMicro.Results micro, String loadBefore, String loadAfter, String trinoVersion, String microFailure,
      SsbHybrid hybrid, SsbBenchmark.Seam seam) {
    this.options = requireNonNull(options, "options is null");
    this.environment = requireNonNull(environment, "environment is null");
    this.data = requireNonNull(data, "data is null");
    this.engineStartMillis = engineStartMillis;
    this.engines = List.copyOf(engines);
    this.skipped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skipped));
    this.outcomes = List.copyOf(outcomes);
    this.micro = micro;
    this.loadBefore = loadBefore;
    this.loadAfter = loadAfter;
    this.trinoVersion = trinoVersion;
    this.microFailure = microFailure;
    this.hybrid = hybrid == null ? null : new Hybrid(hybrid.rows(), hybrid.startSeconds(), hybrid.loadSeconds(),
        requireNonNull(seam, "seam is null").difference(), seam.boundary());
  }

  /** The real-time part as it ran, or null when it was skipped ({@link #skipped()} says why). */
  Hybrid hybrid() {
    return hybrid;
  }

  Map<String, String> skipped() {
    return skipped;
  }

  List<SsbBenchmark.QueryOutcome> outcomes() {
    return outcomes;
  }

  /** Every engine gave DuckDB's answer to every query (skipped engines aside). */
  boolean allCorrect() {
    return microFailure == null && (hybrid == null || hybrid.seam().isEmpty())
        && outcomes.stream().allMatch(o -> o.runs().values().stream().allMatch(EngineRun::correct));
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    b.append(BEGIN).append('\n');
    b.append("## Star Schema Benchmark: Meridian, DuckDB, PostgreSQL and Trino on the same data\n\n");
    b.append("- Command: `").append(options.command()).append("` (").append(options.runs())
        .append(" timed runs per query and engine after one warm-up; medians)\n");
    b.append("- Date: ").append(environment.time()).append('\n');
    b.append("- Machine: ").append(environment.cores()).append(" cores, ").append(environment.memory())
        .append(" memory, ").append(environment.os()).append("; JDK ").append(environment.jdk())
        .append(", max heap ").append(environment.maxHeap()).append('\n');
    b.append("- Load average (1, 5, 15 min) before the run: ").append(loadBefore).append("; after: ")
        .append(loadAfter).append(" (the load after includes the run's own load test and Trino); ")
        .append(disturbed() ? "the load before shows other work on the machine: read the figures as upper bounds."
            : "the load before was low enough that the run looks undisturbed by other work.").append('\n');
    b.append(String.format(Locale.ROOT, "- Data: SSB scale factor %s: `lineorder` %,d rows (Iceberg, %,d Parquet"
        + " files in %d order-month partitions, %.1f MB; the same rows in PostgreSQL), `customer` %,d, `supplier`"
        + " %,d, `part` %,d, `dates` %,d rows (PostgreSQL); %s\n", number(options.scaleFactor()),
        data.lineorderRows(), data.lineorderFiles().size(), data.partitions(), data.lineorderBytes() / 1e6,
        new SsbGenerator(options.scaleFactor()).customers(), new SsbGenerator(options.scaleFactor()).suppliers(),
        new SsbGenerator(options.scaleFactor()).parts(), 2557,
        data.reused() ? String.format(Locale.ROOT, "generated and loaded by an earlier run in %.0f s, reused",
            data.loadTime().toMillis() / 1000.0)
            : String.format(Locale.ROOT, "generated and loaded in %.0f s", data.loadTime().toMillis() / 1000.0)));
    if (hybrid != null) {
      b.append(String.format(Locale.ROOT, "- Meridian's `lineorder` is the hybrid table `%s`: history in the Iceberg"
          + " table `ssb.%s` (order dates up to %s, %,d rows in %d files, %d of them shared with `ssb.lineorder`),"
          + " the last %d days in a Pinot 0.11 REALTIME table fed through Kafka, which holds the last %d days (%s"
          + " to %s, %,d rows: a week overlapping the lake, which the hybrid must read from the lake only). The"
          + " boundary is read from the lake's snapshot when each query is planned (expected `lo_orderdate` >= %d"
          + " from Pinot; the SQL Meridian sent to Pinot said >= %s). Pinot started in %.0f s (beside PostgreSQL"
          + " and the data) and ingested its rows in %.1f s. The other engines read all of `lineorder`. Seam check"
          + " (rows and revenue per order date, every date, through the hybrid against DuckDB): %s.\n",
          SsbHybrid.HYBRID_TABLE, SsbData.LINEORDER_HISTORY.name(), SsbHybrid.HISTORY_LAST_DAY, data.historyRows(),
          data.historyFiles(), data.historySharedFiles(), SsbHybrid.FRESH_DAYS, SsbHybrid.PINOT_DAYS,
          SsbHybrid.PINOT_FIRST_DAY, SsbGenerator.LAST_ORDER_DATE, hybrid.pinotRows(),
          SsbGenerator.dateKey(SsbHybrid.HISTORY_LAST_DAY) + 1,
          hybrid.boundary() < 0 ? "nothing" : String.valueOf(hybrid.boundary()), hybrid.startSeconds(),
          hybrid.loadSeconds(), hybrid.seam().isEmpty() ? "**same answer**"
              : "**" + hybrid.seam().replace("|", "\\|") + "**"));
    }
    b.append("- Engines: DuckDB ").append(environment.duckDb()).append(" (in-process, `read_parquet` over the Iceberg"
        + " table's current data files, dimensions loaded from the generated files; ")
        .append(Runtime.getRuntime().availableProcessors()).append(" threads, memory limit ")
        .append(SsbConfig.MEMORY_LIMIT).append("); PostgreSQL (embedded, every table loaded, primary keys on the"
            + " dimensions, analyzed); ")
        .append(trinoVersion != null ? "Trino " + trinoVersion + " (single node, -Xmx4G, Iceberg catalog over the"
            + " same JDBC catalog and files, PostgreSQL catalog over the same database)" : "Trino: skipped")
        .append("; Meridian embedded with the plan cache (warm) and without it (cold), and remote through its"
            + " Avatica server in this JVM on loopback (protobuf)")
        .append(hybrid != null ? "; for Meridian's fresh part, Pinot 0.11 (ZooKeeper, controller, broker, server"
            + " and Kafka in one child JVM with 1 GB of heap, on loopback)\n" : "\n");
    b.append(String.format(Locale.ROOT, "- First Meridian connection (engine start): %.0f ms\n", engineStartMillis));
    skipped.forEach((engine, why) -> b.append("- ").append(engine).append(": ").append(why).append('\n'));
    b.append('\n');

    List<String> timed = engines;
    b.append("### Median time per query (ms; plan + execute + fetch)\n\n");
    b.append("| query |");
    timed.forEach(e -> b.append(' ').append(e).append(" |"));
    b.append(" Meridian / Trino | Meridian / DuckDB | same answer as DuckDB |\n|---|");
    timed.forEach(e -> b.append("---:|"));
    b.append("---:|---:|---|\n");
    for (SsbBenchmark.QueryOutcome o : outcomes) {
      b.append("| ").append(o.query().id()).append(" |");
      for (String e : timed) {
        EngineRun run = o.runs().get(e);
        b.append(' ').append(run == null || !run.timed() ? "—" : ms(run.totalMedian())).append(" |");
      }
      b.append(' ').append(ratio(o, SsbBenchmark.TRINO)).append(" | ").append(ratio(o, SsbBenchmark.DUCKDB))
          .append(" | ").append(correctness(o)).append(" |\n");
    }
    b.append("| **geometric mean** |");
    for (String e : timed) {
      b.append(' ').append(ms(geomean(e))).append(" |");
    }
    double meridian = geomean(SsbBenchmark.WARM);
    b.append(' ').append(fmtRatio(meridian / geomean(SsbBenchmark.TRINO))).append(" | ")
        .append(fmtRatio(meridian / geomean(SsbBenchmark.DUCKDB))).append(" | |\n\n");
    b.append("Ratios compare Meridian embedded (warm) with each engine. A geometric mean is taken over the queries"
        + " every engine answered.\n\n");

    b.append("### Meridian's planning time (median of `prepareStatement`, ms)\n\n");
    if (hybrid != null) {
      b.append("Every query reads the hybrid table, whose plans hold the boundary and lake snapshot read when they"
          + " were planned: the plan cache keeps them under the history's current snapshot, so a warm prepare reads"
          + " that snapshot's id from the catalog and reuses the plan while it is unchanged.\n\n");
    }
    b.append("| query | embedded warm (plan cache) | embedded cold (no plan cache) | remote warm |\n"
        + "|---|---:|---:|---:|\n");
    for (SsbBenchmark.QueryOutcome o : outcomes) {
      b.append("| ").append(o.query().id()).append(" | ").append(plan(o, SsbBenchmark.WARM)).append(" | ")
          .append(plan(o, SsbBenchmark.COLD)).append(" | ").append(plan(o, SsbBenchmark.REMOTE)).append(" |\n");
    }
    b.append('\n');

    b.append("### Rows each source returned to Meridian, against the rows the query needs\n\n");
    b.append("Needed: for the lake, the `lineorder` rows that pass every filter and join of the query (counted by"
        + " DuckDB)" + (hybrid != null ? String.format(Locale.ROOT, " and were ordered up to %s (the history); for"
        + " Pinot, those ordered after it", SsbHybrid.HISTORY_LAST_DAY) : "") + "; for PostgreSQL, the rows of each"
        + " joined dimension that pass that dimension's own filters. Returned: rows Meridian read from each source"
        + " while running the query once (warm, embedded), counted by the connectors"
        + " (`SourceQueryListener.rowsReturned`). Both lake and Pinot receive, as the query runs, the keys the"
        + " filtered dimensions kept (runtime filters); Pinot gets them as an IN list up to 10,000 keys and only"
        + " their range beyond, so a query whose dimension keeps more keys (Q4.1 and Q4.2 keep 80,000 parts) reads"
        + " more fresh rows from Pinot than it needs." + "\n\n");
    b.append("| query | lake returned | lake needed | lake returned / needed | Pinot returned | Pinot needed"
        + " | PostgreSQL returned | PostgreSQL needed | result rows |\n"
        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (SsbBenchmark.QueryOutcome o : outcomes) {
      SsbBenchmark.SourceRows s = o.sources();
      b.append("| ").append(o.query().id()).append(" | ").append(count(s.lakeReturned())).append(" | ")
          .append(count(s.lakeNeeded())).append(" | ")
          .append(s.lakeNeeded() > 0 && s.lakeReturned() >= 0
              ? String.format(Locale.ROOT, "%.1f", s.lakeReturned() / (double) s.lakeNeeded()) : "—")
          .append(" | ").append(hybrid == null ? "—" : count(s.pinotReturned())).append(" | ")
          .append(hybrid == null ? "—" : count(s.pinotNeeded())).append(" | ")
          .append(count(s.pgReturned())).append(" | ").append(count(s.pgNeeded())).append(" | ")
          .append(o.rows()).append(" |\n");
    }
    b.append('\n');

    if (microFailure != null) {
      b.append("### Micro-benchmarks\n\n**Failed**: ").append(microFailure).append("\n\n");
    }
    if (micro != null) {
      b.append("### Micro-benchmarks\n\n");
      b.append(String.format(Locale.ROOT, "- **Planning a semantic query** (`%s`), embedded: first prepare %.1f ms;"
          + " repeated (plan cache) median %.3f ms, p90 %.3f ms over %d prepares; without the plan cache (cold"
          + " configuration) median %.1f ms.%s\n", micro.semanticQuery(), micro.firstPlanMillis(),
          micro.repeatedPlanMedianMillis(), micro.repeatedPlanP90Millis(), SsbMicro.PLAN_REPEATS,
          micro.uncachedPlanMedianMillis(), hybrid == null ? "" : " The model's `lineorder` is the hybrid table,"
              + " whose plans are kept while its history's snapshot stays the same: a repeated prepare checks"
              + " that snapshot."));
      b.append(String.format(Locale.ROOT, "- **Remote fetch**, %,d narrow rows (`SELECT id, v FROM pg.narrow`, two"
          + " integers; median of %d runs after a warm-up): through the Avatica server (protobuf, default fetch"
          + " size) %,.0f rows/s; with fetch size 10,000 %,.0f rows/s; embedded %,.0f rows/s; PostgreSQL's own driver"
          + " directly %,.0f rows/s. Remote / PgJDBC: %.2f (default), %.2f (fetch size 10,000).\n",
          micro.fetchRows(), SsbMicro.FETCH_RUNS, micro.remoteRowsPerSecond(), micro.remoteLargeFrameRowsPerSecond(),
          micro.embeddedRowsPerSecond(), micro.pgRowsPerSecond(), micro.remoteRowsPerSecond() / micro.pgRowsPerSecond(),
          micro.remoteLargeFrameRowsPerSecond() / micro.pgRowsPerSecond()));
      SsbMicro.LoadRun l = micro.load();
      b.append(String.format(Locale.ROOT, "- **Load run**: %d concurrent remote clients (one connection each) for %d"
          + " s, each cycling through a mixed set of %d queries: %,d queries, %.1f queries/s, latency p50 %.1f ms,"
          + " p99 %.1f ms, max %.1f ms; **%d errors**%s; %d queries still running %d s after the end (cancelled);"
          + " used heap after a full GC %,d MB before, %,d MB after.\n",
          l.clients(), l.seconds(), l.mix().size(), l.queries(), l.perSecond(), l.p50Millis(), l.p99Millis(),
          l.maxMillis(), l.errors(), l.errorSamples().isEmpty() ? "" : " (" + String.join("; ", l.errorSamples())
              + ")", l.unfinished(), SsbMicro.GRACE_SECONDS, l.heapBeforeBytes() >> 20, l.heapAfterBytes() >> 20));
      b.append("  The mix: ");
      List<String> mix = new ArrayList<>();
      for (String q : l.mix()) {
        mix.add("`" + q + "`");
      }
      b.append(String.join("; ", mix)).append(" (point lookups and filters vary per run).\n\n");
    }

    b.append("### Against the targets\n\n");
    b.append(targets());
    b.append('\n');

    b.append("### Queries\n\nAs sent to DuckDB (Meridian reads `").append(hybrid != null ? SsbHybrid.HYBRID_TABLE
        : SsbConfig.LAKE + ".lineorder").append("` and `pg.<dimension>`; Trino `iceberg.ssb.lineorder` and"
        + " `postgresql.public.<dimension>`; PostgreSQL the plain names):\n\n");
    for (SsbBenchmark.QueryOutcome o : outcomes) {
      b.append("- ").append(o.query().id()).append(": `").append(o.duckDbSql()).append("`\n");
    }
    b.append("\n### All timed runs (ms, plan + execute)\n\n");
    for (SsbBenchmark.QueryOutcome o : outcomes) {
      b.append("- ").append(o.query().id()).append(":");
      for (String e : timed) {
        EngineRun run = o.runs().get(e);
        if (run == null) {
          continue;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < run.execMillis().size(); i++) {
          values.add(ms(run.planMillis().get(i) + run.execMillis().get(i)));
        }
        b.append(' ').append(e).append(' ').append(values.isEmpty() ? run.difference() : String.join(", ", values))
            .append(';');
      }
      b.setLength(b.length() - 1);
      b.append('\n');
    }
    b.append(END).append('\n');
    return b.toString();
  }

  private String targets() {
    StringBuilder b = new StringBuilder();
    double meridian = geomean(SsbBenchmark.WARM);
    double trino = geomean(SsbBenchmark.TRINO);
    double duckDb = geomean(SsbBenchmark.DUCKDB);
    b.append(String.format(Locale.ROOT, "- SSB geometric mean at most 0.5x Trino's: Meridian / Trino = %s: **%s**.\n",
        fmtRatio(meridian / trino), Double.isNaN(trino) ? "not measured (Trino skipped)"
            : meridian / trino <= 0.5 ? "met" : "not met"));
    b.append(String.format(Locale.ROOT, "- Within 2x of DuckDB on its own files: Meridian / DuckDB = %s: **%s**.\n",
        fmtRatio(meridian / duckDb), meridian / duckDb <= 2 ? "met" : "not met"));
    long exact = outcomes.stream().filter(o -> o.sources().exact()).count();
    b.append(String.format(Locale.ROOT, "- Rows from each source equal to the rows the query needs: **%s** (%d of"
        + " %d queries exact; see the table above).\n", exact == outcomes.size() ? "met" : "not met", exact,
        outcomes.size()));
    if (micro != null) {
      b.append(String.format(Locale.ROOT, "- Repeated planning of a semantic query under 5 ms at the median: %.3f ms:"
          + " **%s**%s.\n", micro.repeatedPlanMedianMillis(), micro.repeatedPlanMedianMillis() < 5 ? "met" : "not met",
          hybrid == null ? "" : " (over the hybrid table)"));
      double r = micro.remoteRowsPerSecond() / micro.pgRowsPerSecond();
      double rl = micro.remoteLargeFrameRowsPerSecond() / micro.pgRowsPerSecond();
      b.append(String.format(Locale.ROOT, "- Remote fetch at least half of PostgreSQL's own driver: %.2f with the"
          + " default fetch size (**%s**), %.2f with fetch size 10,000 (**%s**).\n", r, r >= 0.5 ? "met" : "not met",
          rl, rl >= 0.5 ? "met" : "not met"));
      b.append(String.format(Locale.ROOT, "- Load run errors must be zero: %d errors, %d unfinished (**%s**).\n",
          micro.load().errors(), micro.load().unfinished(),
          micro.load().errors() == 0 && micro.load().unfinished() == 0 ? "met" : "not met"));
    }
    b.append(String.format(Locale.ROOT, "- Every answer equal to DuckDB's: **%s**.\n", allCorrect() ? "yes"
        : "NO — see the table above" + (hybrid != null && !hybrid.seam().isEmpty() ? " and the seam check" : "")));
    return b.toString();
  }

  private boolean disturbed() {
    try {
      // The 1-minute load before the run: the build that run-ssb.sh does just before leaves up to about 2-3 on 2
      // cores; more is other work. The load after is the run's own (its 32-client load test, Trino), so it is shown
      // but not judged.
      double before = Double.parseDouble(loadBefore.split(",")[0].trim());
      return before > 3.0;
    } catch (RuntimeException e) {
      return true;
    }
  }

  private String correctness(SsbBenchmark.QueryOutcome o) {
    List<String> wrong = new ArrayList<>();
    o.runs().forEach((engine, run) -> {
      if (!run.correct()) {
        wrong.add(engine + ": " + run.difference().replace("|", "\\|"));
      }
    });
    return wrong.isEmpty() ? "yes (" + o.rows() + " rows)" : "**NO** — " + String.join("; ", wrong);
  }

  private static String plan(SsbBenchmark.QueryOutcome o, String engine) {
    EngineRun run = o.runs().get(engine);
    return run == null || !run.timed() ? "—" : String.format(Locale.ROOT, "%.1f", run.planMedian());
  }

  private static String ratio(SsbBenchmark.QueryOutcome o, String engine) {
    EngineRun meridian = o.runs().get(SsbBenchmark.WARM);
    EngineRun other = o.runs().get(engine);
    if (meridian == null || other == null || !meridian.timed() || !other.timed()) {
      return "—";
    }
    return fmtRatio(meridian.totalMedian() / other.totalMedian());
  }

  /** The geometric mean of an engine's medians over the queries every engine answered; NaN if it did not run. */
  double geomean(String engine) {
    double logSum = 0;
    int n = 0;
    for (SsbBenchmark.QueryOutcome o : outcomes) {
      if (!o.runs().values().stream().allMatch(EngineRun::timed)) {
        continue;
      }
      EngineRun run = o.runs().get(engine);
      if (run == null) {
        return Double.NaN;
      }
      logSum += Math.log(run.totalMedian());
      n++;
    }
    return n == 0 ? Double.NaN : Math.exp(logSum / n);
  }

  private static String fmtRatio(double r) {
    return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2f", r);
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, v < 100 ? "%.1f" : "%.0f", v);
  }

  private static String count(long v) {
    return v < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", v);
  }

  static String number(double sf) {
    return BigDecimal.valueOf(sf).stripTrailingZeros().toPlainString();
  }

  /** {@code /proc/loadavg}'s three averages, or "unknown". */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim().split("\\s+");
      return parts[0] + ", " + parts[1] + ", " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String machineMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("MemTotal:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format(Locale.ROOT, "%.1f GiB", kb / (double) (1L << 20));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux.
    }
    return "unknown";
  }

  void writeInto(Path file) {
    requireNonNull(file, "file is null");
    try {
      String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      String section = markdown();
      int begin = text.indexOf(BEGIN);
      int end = text.indexOf(END);
      String updated;
      if (begin >= 0 && end > begin) {
        updated = text.substring(0, begin) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
      } else {
        updated = text + (text.isEmpty() || text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n")
            + section;
      }
      Files.writeString(file, updated, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.INTERNAL_ERROR, "Cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
