package io.meridian.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end on a tiny table: it writes the table, runs every query on both engines, finds the same
 * rows, and writes its section into the results file. Times are reported, never asserted.
 */
class LakeBenchmarkTest {
  @TempDir
  Path dir;

  @Test
  void runsEveryQueryOnBothEnginesAndWritesItsSection() throws Exception {
    Path out = dir.resolve("RESULTS.md");
    Files.writeString(out, "# Results\n\nkept\n", StandardCharsets.UTF_8);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
      exit = LakeBenchmark.run(List.of("--rows", "2000", "--runs", "1", "--data", dir.resolve("data").toString(),
          "--out", out.toString()), o, e);
    }
    String err = stderr.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, err + stdout.toString(StandardCharsets.UTF_8));
    String results = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(results.startsWith("# Results\n\nkept\n\n" + LakeReport.BEGIN), results);
    assertTrue(results.contains("`bench.plays`, 2,000 rows"), results);
    for (LakeBenchmark.BenchQuery q : LakeBenchmark.queries(2000)) {
      assertTrue(results.contains("| " + q.name() + " |"), results);
    }
    assertTrue(!results.contains("FAILURE"), results);
    // Query 2 is one day: Meridian reads that day's file only.
    assertTrue(results.matches(
        "(?s).*\\| 2 one day \\(selective filter\\) \\|[^\\n]*\\| 1 of \\d+ \\(1 partition( of \\d+)?\\) \\| yes \\|.*"), results);
    assertTrue(Files.isRegularFile(dir.resolve("data").resolve("rows-2000").resolve("meridian.yaml")));
    assertTrue(results.contains(" by this run\n"), results);

    // A second run reuses the table, and still reports what writing it took.
    try (PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(stderr, true, StandardCharsets.UTF_8)) {
      exit = LakeBenchmark.run(List.of("--rows", "2000", "--runs", "1", "--data", dir.resolve("data").toString(),
          "--out", out.toString()), o, e);
    }
    assertEquals(0, exit, stderr.toString(StandardCharsets.UTF_8));
    String again = Files.readString(out, StandardCharsets.UTF_8);
    assertTrue(again.contains("and reused by this one\n"), again);
    assertTrue(again.contains("written by LakeWriter in "), again);
    assertEquals(1, again.split(LakeReport.BEGIN, -1).length - 1, "one lake section, replaced");
  }
}
