package io.meridian.bench.ssb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.spi.MeridianException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The 13 queries as the specification writes them, their row-count companions, and the harness's options. */
class SsbQueryTest {
  @Test
  void thirteenQueriesWithEngineTableNames() {
    assertEquals(13, SsbQuery.ALL.size());
    assertEquals("SELECT sum(lo_extendedprice * lo_discount) AS revenue FROM lake.lineorder, pg.dates"
        + " WHERE lo_orderdate = d_datekey AND d_year = 1993 AND lo_discount BETWEEN 1 AND 3 AND lo_quantity < 25",
        SsbQuery.ALL.get(0).sql(t -> t.equals("lineorder") ? "lake.lineorder" : "pg." + t));
    assertEquals("SELECT d_year, s_city, p_brand1, sum(lo_revenue - lo_supplycost) AS profit FROM lineorder, dates,"
        + " customer, supplier, part WHERE lo_orderdate = d_datekey AND lo_custkey = c_custkey"
        + " AND lo_suppkey = s_suppkey AND lo_partkey = p_partkey AND (d_year = 1997 OR d_year = 1998)"
        + " AND c_region = 'AMERICA' AND s_nation = 'UNITED STATES' AND p_category = 'MFGR#14'"
        + " GROUP BY d_year, s_city, p_brand1 ORDER BY d_year, s_city, p_brand1", SsbQuery.ALL.get(12).sql(t -> t));
  }

  @Test
  void neededRowsCountTheFactRowsAfterEveryFilterAndEachDimensionAlone() {
    SsbQuery q21 = SsbQuery.ALL.get(3);
    assertEquals("SELECT count(*) FROM lineorder, dates, part, supplier WHERE lo_orderdate = d_datekey"
        + " AND lo_partkey = p_partkey AND lo_suppkey = s_suppkey AND p_category = 'MFGR#12'"
        + " AND s_region = 'AMERICA'", q21.neededFactRowsSql(t -> t));
    assertEquals(Map.of("dates", "SELECT count(*) FROM dates", "part",
        "SELECT count(*) FROM part WHERE p_category = 'MFGR#12'", "supplier",
        "SELECT count(*) FROM supplier WHERE s_region = 'AMERICA'"), q21.neededDimensionRowsSql(t -> t));
  }

  @Test
  void optionsHaveDefaultsAndRejectNonsense() {
    SsbOptions defaults = SsbOptions.parse(List.of());
    assertEquals(1.0, defaults.scaleFactor());
    assertEquals(3, defaults.runs());
    assertEquals(120, defaults.loadSeconds());
    assertTrue(defaults.runs("trino"));
    SsbOptions some = SsbOptions.parse(List.of("--sf", "0.1", "--skip", "trino,micro"));
    assertEquals(Set.of("trino", "micro"), some.skip());
    assertEquals("bench/run-ssb.sh --sf 0.1 --skip trino,micro", some.command());
    assertEquals(Set.of("trino", "micro", "hybrid"),
        SsbOptions.parse(List.of("--skip", "trino", "--skip", "micro,hybrid")).skip());
    assertThrows(MeridianException.class, () -> SsbOptions.parse(List.of("--sf", "0")));
    assertThrows(MeridianException.class, () -> SsbOptions.parse(List.of("--skip", "duckdb")));
    assertThrows(MeridianException.class, () -> SsbOptions.parse(List.of("--runs")));
    assertThrows(MeridianException.class, () -> SsbOptions.parse(List.of("--bogus", "1")));
  }
}
