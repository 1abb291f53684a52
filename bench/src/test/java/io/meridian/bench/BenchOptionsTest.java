package io.meridian.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's options: defaults, parsing and bounds. */
class BenchOptionsTest {
  @Test
  void defaults() {
    BenchOptions o = BenchOptions.parse(List.of());
    assertEquals(10_000_000L, o.rows());
    assertEquals(5, o.runs());
    assertEquals(Path.of("bench", "target", "bench-data"), o.data());
    assertEquals(Path.of("bench", "RESULTS.md"), o.out());
    assertEquals("", o.command());
  }

  @Test
  void parsesEveryOption() {
    BenchOptions o = BenchOptions.parse(List.of("--rows", "1_000_000", "--runs", "3", "--data", "d", "--out", "r.md"));
    assertEquals(1_000_000L, o.rows());
    assertEquals(3, o.runs());
    assertEquals(Path.of("d"), o.data());
    assertEquals(Path.of("r.md"), o.out());
    assertEquals("--rows 1_000_000 --runs 3 --data d --out r.md", o.command());
  }

  @Test
  void rejectsBadValues() {
    for (List<String> args : List.of(List.of("--rows", "10"), List.of("--runs", "0"), List.of("--rows", "x"),
        List.of("--rows"), List.of("--speed", "1"))) {
      MeridianException e = assertThrows(MeridianException.class, () -> BenchOptions.parse(args), args.toString());
      assertEquals(ErrorCode.INVALID_PARAMETER, e.errorCode(), args.toString());
    }
    assertTrue(BenchOptions.USAGE.contains("--rows N"));
  }
}
