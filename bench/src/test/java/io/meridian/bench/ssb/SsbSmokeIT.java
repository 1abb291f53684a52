package io.meridian.bench.ssb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.bench.ResultRows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSB harness as CI's correctness smoke test, at a small scale factor: every query through Meridian (embedded
 * warm and cold, remote) and PostgreSQL gives DuckDB's answer, and DuckDB's answer to Q1.1 equals a sum computed here
 * straight from the generator. Answers only: times are reported, never asserted.
 *
 * <p>Meridian reads {@code lineorder} as the hybrid table (lake history, the last days from Pinot), so a wrong seam
 * fails here: Pinot must start (other tests of the build start it too), the hybrid must not be skipped, the harness's
 * seam check (rows and revenue per order date) must agree with DuckDB, Meridian must have split at the day after the
 * history's last, and the history and Pinot must hold exactly the rows the generator says.
 *
 * <p>Trino is skipped here: its server is an 821 MB download and a 4 GB JVM, too much for every CI build on two
 * cores; {@code bench/run-ssb.sh} runs it.
 */
class SsbSmokeIT {
  static final double SCALE_FACTOR = 0.05;

  @TempDir
  Path dir;

  @Test
  void everyEngineGivesDuckDbsAnswerToEveryQuery() throws Exception {
    Path out = dir.resolve("RESULTS.md");
    Files.writeString(out, "# Results\n\nkept\n", StandardCharsets.UTF_8);
    SsbOptions options = SsbOptions.parse(List.of("--sf", Double.toString(SCALE_FACTOR), "--runs", "1",
        "--skip", "trino,micro", "--data", dir.resolve("data").toString(), "--out", out.toString()));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    SsbReport report;
    try (PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8)) {
      report = SsbBenchmark.run(options, p);
    }
    String text = report.markdown() + "\n" + log.toString(StandardCharsets.UTF_8);
    assertEquals(13, report.outcomes().size());
    for (SsbBenchmark.QueryOutcome o : report.outcomes()) {
      assertEquals(List.of(SsbBenchmark.DUCKDB, SsbBenchmark.POSTGRESQL, SsbBenchmark.WARM, SsbBenchmark.COLD,
          SsbBenchmark.REMOTE), List.copyOf(o.runs().keySet()), o.query().id());
      o.runs().forEach((engine, run) -> assertTrue(run.correct(),
          o.query().id() + " on " + engine + ": " + run.difference() + "\n" + text));
    }
    assertTrue(report.allCorrect(), text);
    // The hybrid ran (not skipped: Pinot starts in CI), its seam agreed, and each part holds the generator's rows.
    assertNotNull(report.hybrid(), "the hybrid lineorder did not run: " + report.skipped() + "\n" + text);
    assertEquals("", report.hybrid().seam(), text);
    assertEquals(SsbGenerator.dateKey(SsbHybrid.HISTORY_LAST_DAY.plusDays(1)), report.hybrid().boundary(), text);
    assertTrue(text.contains("Meridian's lineorder: hybrid.lineorder = lake.lineorder_history"), text);
    int historyLast = SsbGenerator.dateKey(SsbHybrid.HISTORY_LAST_DAY);
    int pinotFirst = SsbGenerator.dateKey(SsbHybrid.PINOT_FIRST_DAY);
    long history = 0;
    long pinot = 0;
    SsbGenerator generator = new SsbGenerator(SCALE_FACTOR);
    for (Iterator<Object[]> it = generator.lineorders(0, generator.orders()); it.hasNext(); ) {
      int orderDate = (Integer) it.next()[5];
      history += orderDate <= historyLast ? 1 : 0;
      pinot += orderDate >= pinotFirst ? 1 : 0;
    }
    assertEquals(pinot, report.hybrid().pinotRows(), text);
    assertTrue(text.contains(String.format(Locale.ROOT, "lineorder_history (%,d rows", history)), text);
    // Rows from Pinot were counted, and some queries need them (their answers would differ without them).
    long needingPinot = 0;
    for (SsbBenchmark.QueryOutcome o : report.outcomes()) {
      assertTrue(o.sources().pinotNeeded() >= 0 && o.sources().pinotReturned() >= 0, o.query().id() + "\n" + text);
      if (o.sources().pinotNeeded() > 0) {
        assertTrue(o.sources().pinotReturned() > 0, o.query().id() + "\n" + text);
      }
      needingPinot += o.sources().pinotNeeded() > 0 ? 1 : 0;
    }
    assertTrue(needingPinot >= 4, needingPinot + " queries need rows from Pinot\n" + text);
    // Answers that are not empty, so that agreeing is worth something.
    long answered = report.outcomes().stream().filter(o -> o.rows() > 0 && o.sources().lakeNeeded() > 0).count();
    assertTrue(answered >= 9, answered + " queries with rows\n" + text);
    // The connectors counted the rows each source returned (the exact numbers depend on the plan).
    for (SsbBenchmark.QueryOutcome o : report.outcomes()) {
      if (o.sources().lakeNeeded() > 0) {
        assertTrue(o.sources().lakeReturned() > 0 && o.sources().pgReturned() > 0, o.query().id() + "\n" + text);
      }
    }

    report.writeInto(out);
    String results = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(results.startsWith("# Results\n\nkept\n\n" + SsbReport.BEGIN), results);
    assertTrue(results.contains("Trino: skipped on request"), results);
  }

  @Test
  void duckDbAnswersQ11AsTheGeneratorSays() throws Exception {
    // Q1.1 straight from the generated rows: d_year = 1993 is lo_orderdate / 10000 = 1993.
    SsbGenerator generator = new SsbGenerator(SCALE_FACTOR);
    BigInteger expected = BigInteger.ZERO;
    for (Iterator<Object[]> it = generator.lineorders(0, generator.orders()); it.hasNext(); ) {
      Object[] r = it.next();
      int discount = (Integer) r[11];
      if ((Integer) r[5] / 10_000 == 1993 && discount >= 1 && discount <= 3 && (Integer) r[8] < 25) {
        expected = expected.add(BigInteger.valueOf((long) (Integer) r[9] * discount));
      }
    }
    try (SsbData data = SsbData.open(dir.resolve("data"), SCALE_FACTOR, line -> {})) {
      SsbBenchmark.Engine duckDb = SsbBenchmark.duckDb(data);
      try (var c = duckDb.connection()) {
        ResultRows rows = SsbBenchmark.rows(c, SsbQuery.ALL.get(0).sql(duckDb.tables()));
        assertEquals(List.of(List.of(expected.toString())), rows.rows());
      }
      try (var c = data.connect("ssb")) {
        ResultRows rows = SsbBenchmark.rows(c, SsbQuery.ALL.get(0).sql(t -> t));
        assertEquals(List.of(List.of(expected.toString())), rows.rows());
      }
    }
  }
}
