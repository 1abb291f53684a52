package io.meridian.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** The benchmark rows: a pure function of their index, in time order, within the three years. */
class BenchTableTest {
  @Test
  void rowsAreDeterministicAndInTimeOrder() {
    long rows = 10_000_000L;
    assertArrayEquals(BenchTable.row(123_456, rows), BenchTable.row(123_456, rows));
    assertEquals(BenchTable.FIRST, BenchTable.playedAt(0, rows));
    OffsetDateTime last = BenchTable.playedAt(rows - 1, rows);
    assertTrue(last.isBefore(BenchTable.FIRST.plusDays(BenchTable.DAYS)), last.toString());
    assertTrue(last.isAfter(BenchTable.FIRST.plusDays(BenchTable.DAYS - 1)), last.toString());
    OffsetDateTime previous = BenchTable.playedAt(0, rows);
    for (long i = 1; i < rows; i += 99_991) {
      OffsetDateTime t = BenchTable.playedAt(i, rows);
      assertTrue(!t.isBefore(previous), "in time order at " + i);
      previous = t;
    }
    Object[] row = BenchTable.row(41, rows);
    assertEquals(42L, row[0]);
    assertEquals(6, row.length);
    int msPlayed = (Integer) row[4];
    assertTrue(msPlayed >= 0 && msPlayed < 420_000, "ms_played " + msPlayed);
  }
}
