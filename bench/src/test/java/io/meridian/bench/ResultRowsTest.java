package io.meridian.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Values of different JDBC types that mean the same compare equal; rows are compared in sorted order. */
class ResultRowsTest {
  @Test
  void canonicalValues() {
    assertEquals("42", ResultRows.canonical(42));
    assertEquals("42", ResultRows.canonical(42L));
    assertEquals("42", ResultRows.canonical(BigInteger.valueOf(42)));
    assertEquals("42", ResultRows.canonical(new BigDecimal("42.000")));
    assertEquals("0", ResultRows.canonical(new BigDecimal("0.00")));
    assertEquals("0.333333333333", ResultRows.canonical(1.0 / 3));
    assertEquals("NULL", ResultRows.canonical(null));
    assertEquals("2024-06-15T05:30", ResultRows.canonical(
        OffsetDateTime.of(2024, 6, 15, 11, 0, 0, 0, ZoneOffset.ofHoursMinutes(5, 30))));
    assertEquals("2024-06-15T05:30", ResultRows.canonical(LocalDateTime.of(2024, 6, 15, 5, 30)));
  }

  @Test
  void differences() {
    ResultRows a = new ResultRows(List.of(List.of("a", "1"), List.of("b", "2")));
    assertEquals("", a.difference(new ResultRows(List.of(List.of("a", "1"), List.of("b", "2")))));
    assertEquals("2 rows vs 1 rows", a.difference(new ResultRows(List.of(List.of("a", "1")))));
    assertEquals("row 2: [b, 2] vs [b, 3]",
        a.difference(new ResultRows(List.of(List.of("a", "1"), List.of("b", "3")))));
  }
}
