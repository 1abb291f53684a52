package io.meridian.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.spi.MeridianException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The results section: what it says, and that it replaces only itself in the results file. */
class LakeReportTest {
  private static LakeReport report(QueryResult... results) {
    BenchTable.Info table = new BenchTable.Info(Path.of("w"), 1000, List.of(Path.of("w/a.parquet")), 1, 2_000_000,
        false, Duration.ofSeconds(2), 1, Instant.EPOCH);
    LakeReport.Environment env = new LakeReport.Environment("2026-01-01", 2, "24.0 GiB", "Linux amd64", "17",
        "6.0 GiB", "v1.4.1", 2, "2GB");
    return new LakeReport(BenchOptions.parse(List.of("--rows", "1000")), env, table, Duration.ofMillis(900),
        List.of(results));
  }

  private static QueryResult result(String name, double meridian, double duckDb, String difference) {
    return new QueryResult(name, "SELECT 1", List.of(meridian, meridian + 1, meridian - 1), List.of(duckDb),
        1, difference, Optional.of("1 of 4 (1 partition)"));
  }

  @Test
  void saysWhereTheTargetStandsAndWhetherRowsMatched() {
    String ok = report(result("q1", 12, 10, ""), result("q2", 5, 10, "")).markdown();
    assertTrue(ok.startsWith(LakeReport.BEGIN + "\n"), ok);
    assertTrue(ok.endsWith(LakeReport.END + "\n"), ok);
    assertTrue(ok.contains("| q1 | 12.0 | 10.0 | 1.20 | yes | 1 of 4 (1 partition) | yes |"), ok);
    assertTrue(ok.contains("Met for every query."), ok);
    assertFalse(ok.contains("FAILURE"), ok);
    assertTrue(ok.contains("`bench/run-lake.sh --rows 1000`"), ok);

    LakeReport bad = report(result("q1", 20, 10, "row 1: [1] vs [2]"));
    assertFalse(bad.allSameRows());
    String text = bad.markdown();
    assertTrue(text.contains("Met for 0 of 1 queries; missed for q1 (2.00x, wrong rows)."), text);
    assertTrue(text.contains("| q1 | 20.0 | 10.0 | 2.00 | **no** (wrong rows) |"), text);
    String fastButWrong = report(result("q1", 5, 10, "row 1: [1] vs [2]"), result("q2", 14, 10, "")).markdown();
    assertTrue(fastButWrong.contains("Met for 0 of 2 queries; missed for q1 (0.50x, wrong rows), q2 (1.40x)."),
        fastButWrong);
    assertTrue(text.contains("**FAILURE: the engines returned different rows.**"), text);
    assertTrue(text.contains("- q1: Meridian vs DuckDB: row 1: [1] vs [2]"), text);
  }

  @Test
  void replacesOnlyItsOwnSection() {
    String section = LakeReport.BEGIN + "\nnew\n" + LakeReport.END + "\n";
    String file = "# Results\n\nintro\n\n" + LakeReport.BEGIN + "\nold\n" + LakeReport.END + "\n\n## Other\nkept\n";
    assertEquals("# Results\n\nintro\n\n" + section + "\n## Other\nkept\n", LakeReport.replaceSection(file, section));
    assertEquals("# Results\n\n" + section, LakeReport.replaceSection("# Results\n", section));
    assertEquals(section, LakeReport.replaceSection("", section));
    assertThrows(MeridianException.class, () -> LakeReport.replaceSection(LakeReport.BEGIN + "\nx\n", section));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, QueryResult.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, QueryResult.median(List.of(4.0, 1.0, 2.0, 3.0)));
  }
}
