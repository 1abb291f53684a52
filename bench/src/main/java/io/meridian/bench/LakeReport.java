package io.meridian.bench;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The lake benchmark's section of the results file: Markdown between {@link #BEGIN} and {@link #END}, which
 * {@link #writeInto} replaces (or appends) without touching the rest of the file.
 *
 * @param options the options of the run
 * @param environment the machine, JDK, DuckDB version and date
 * @param table the benchmark table
 * @param meridianOpen how long the first embedded Meridian connection took to open (engine start, catalog load)
 * @param results the queries' outcomes
 */
public record LakeReport(BenchOptions options, Environment environment, BenchTable.Info table, Duration meridianOpen,
    List<QueryResult> results) {
  /** The markers around the lake section. */
  public static final String BEGIN = "<!-- lake:begin -->";
  public static final String END = "<!-- lake:end -->";

  /** The target: Meridian's median within this factor of the direct reader's. */
  public static final double TARGET_RATIO = 1.3;

  /**
   * Where the benchmark ran.
   *
   * @param date the date of the run (UTC), {@code yyyy-mm-dd}
   * @param cores processors the JVM sees
   * @param memory the machine's memory, as text
   * @param os operating system and architecture
   * @param jdk the JDK's version and vendor
   * @param maxHeap the JVM's maximum heap, as text
   * @param duckDb DuckDB's version
   * @param threads DuckDB threads on both sides
   * @param memoryLimit DuckDB memory limit on both sides
   */
  public record Environment(String date, int cores, String memory, String os, String jdk, String maxHeap,
      String duckDb, int threads, String memoryLimit) {
    public Environment {
      requireNonNull(date, "date is null");
      requireNonNull(memory, "memory is null");
      requireNonNull(os, "os is null");
      requireNonNull(jdk, "jdk is null");
      requireNonNull(maxHeap, "maxHeap is null");
      requireNonNull(duckDb, "duckDb is null");
      requireNonNull(memoryLimit, "memoryLimit is null");
    }
  }

  public LakeReport {
    requireNonNull(options, "options is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(table, "table is null");
    requireNonNull(meridianOpen, "meridianOpen is null");
    results = List.copyOf(requireNonNull(results, "results is null"));
  }

  /** Whether the query returned the same rows on both engines and Meridian's median was within the target. */
  public static boolean meetsTarget(QueryResult r) {
    return r.sameRows() && r.ratio() <= TARGET_RATIO;
  }

  /** Whether every query returned the same rows on both engines. */
  public boolean allSameRows() {
    return results.stream().allMatch(QueryResult::sameRows);
  }

  /** The section, markers included. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append(BEGIN).append('\n');
    b.append("## Lake: Meridian against DuckDB reading the same files\n\n");
    b.append("- Command: `bench/run-lake.sh").append(options.command().isEmpty() ? "" : " " + options.command())
        .append("` (").append(options.runs()).append(" timed runs per query and engine after one warm-up; medians)\n");
    b.append("- Date: ").append(environment.date()).append(" (UTC)\n");
    b.append("- Machine: ").append(environment.cores()).append(" cores, ").append(environment.memory())
        .append(" memory, ").append(environment.os()).append("; JDK ").append(environment.jdk())
        .append(", max heap ").append(environment.maxHeap()).append('\n');
    b.append("- Engines: Meridian's embedded driver (`jdbc:meridian:config=...`, lake source: Iceberg plans, ")
        .append("embedded DuckDB reads) and DuckDB ").append(environment.duckDb())
        .append(" directly (`jdbc:duckdb:`, `read_parquet([...])` over exactly the table's current data files); ")
        .append("both DuckDBs with ").append(environment.threads()).append(" threads and memory limit ")
        .append(environment.memoryLimit()).append('\n');
    b.append(String.format(Locale.ROOT, "- Table: `bench.plays`, %,d rows, %,d data files in %,d day partitions, "
        + "%.1f MB of Parquet; ", table.rows(), table.dataFiles().size(), table.partitions(), table.bytes() / 1e6));
    double seconds = table.writeTime().toMillis() / 1000.0;
    b.append(String.format(Locale.ROOT, "written by LakeWriter in %.1f s (%,.0f rows/s, %d appends, one per month)",
        seconds, table.rows() / Math.max(seconds, 0.001), table.commits()));
    b.append(table.reused() ? " by an earlier run, committed " + table.writtenAt() + ", and reused by this one\n"
        : " by this run\n");
    b.append(String.format(Locale.ROOT, "- First Meridian connection (engine start): %.2f s%n",
        meridianOpen.toMillis() / 1000.0));
    b.append('\n');
    b.append("| query | Meridian median (ms) | DuckDB median (ms) | Meridian / DuckDB | within ")
        .append(TARGET_RATIO).append("x | files read by Meridian | same rows |\n");
    b.append("|---|---:|---:|---:|:-:|---|:-:|\n");
    for (QueryResult r : results) {
      b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %s | %s | %s |%n", r.name(),
          r.meridianMedian(), r.duckDbMedian(), r.ratio(), !r.sameRows() ? "**no** (wrong rows)"
              : r.ratio() <= TARGET_RATIO ? "yes" : "**no**",
          r.filesRead().orElse("-"), r.sameRows() ? "yes" : "**NO**"));
    }
    b.append('\n');
    // A fast wrong answer does not meet the target.
    List<QueryResult> missed = results.stream().filter(r -> !meetsTarget(r)).toList();
    b.append("Target: Meridian within ").append(TARGET_RATIO).append("x of the direct reader, with the same rows. ");
    b.append(missed.isEmpty() ? "Met for every query." : String.format(Locale.ROOT,
        "Met for %d of %d queries; missed for %s.", results.size() - missed.size(), results.size(), missed.stream()
            .map(r -> String.format(Locale.ROOT, "%s (%.2fx%s)", r.name(), r.ratio(),
                r.sameRows() ? "" : ", wrong rows"))
            .collect(Collectors.joining(", "))));
    b.append('\n');
    if (!allSameRows()) {
      b.append("\n**FAILURE: the engines returned different rows.**\n");
      for (QueryResult r : results) {
        if (!r.sameRows()) {
          b.append("- ").append(r.name()).append(": Meridian vs DuckDB: ").append(r.difference()).append('\n');
        }
      }
    }
    b.append("\nQueries (DuckDB runs the same text with `lake.plays` replaced by `read_parquet([...])`):\n\n");
    for (QueryResult r : results) {
      b.append("- ").append(r.name()).append(": `").append(r.sql()).append("`\n");
    }
    b.append("\nAll timed runs (ms):\n\n");
    for (QueryResult r : results) {
      b.append("- ").append(r.name()).append(": Meridian ").append(format(r.meridianMillis())).append("; DuckDB ")
          .append(format(r.duckDbMillis())).append('\n');
    }
    b.append(END).append('\n');
    return b.toString();
  }

  private static String format(List<Double> millis) {
    return millis.stream().map(m -> String.format(Locale.ROOT, "%.1f", m)).collect(Collectors.joining(", "));
  }

  /** Replaces the lake section of {@code file} (or appends one, creating the file), leaving the rest as it was. */
  public void writeInto(Path file) {
    requireNonNull(file, "file is null");
    try {
      String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      Files.writeString(file, replaceSection(text, markdown()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.INTERNAL_ERROR, "Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code text} with its lake section replaced by {@code section}, or with {@code section} appended. */
  static String replaceSection(String text, String section) {
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin >= 0 && end > begin) {
      int after = end + END.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      return text.substring(0, begin) + section + text.substring(after);
    }
    if (begin >= 0 || end >= 0) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER,
          "The results file has only one of " + BEGIN + " and " + END + "; fix it by hand");
    }
    return text.isEmpty() ? section : text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
  }
}
