package io.meridian.bench.ssb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real-time part's layout: the window, Pinot's schema, and how Meridian's runs name and model lineorder. */
class SsbHybridTest {
  @Test
  void theLastWeekIsFreshAndPinotHoldsAWeekMore() {
    assertEquals(LocalDate.of(1998, 7, 26), SsbHybrid.HISTORY_LAST_DAY);
    assertEquals(LocalDate.of(1998, 7, 20), SsbHybrid.PINOT_FIRST_DAY);
    assertEquals("hybrid.lineorder", SsbHybrid.HYBRID_TABLE);
  }

  @Test
  void pinotsSchemaHasSsbsColumnsAndTypesWithTheOrderDateAsItsTimeColumn() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(SsbHybrid.schemaJson());
    List<String> columns = new ArrayList<>();
    for (String section : List.of("dimensionFieldSpecs", "metricFieldSpecs", "dateTimeFieldSpecs")) {
      for (JsonNode field : schema.path(section)) {
        String name = field.path("name").asText();
        columns.add(name);
        boolean integer = SsbSchema.LINEORDER.columns().stream().filter(c -> c.name().equals(name)).findFirst()
            .orElseThrow().integer();
        assertEquals(integer ? "INT" : "STRING", field.path("dataType").asText(), name);
      }
    }
    assertEquals(SsbSchema.LINEORDER.columns().stream().map(SsbSchema.Column::name).sorted().toList(),
        columns.stream().sorted().toList());
    JsonNode time = schema.path("dateTimeFieldSpecs").get(0);
    assertEquals("lo_orderdate", time.path("name").asText());
    assertEquals("1:DAYS:SIMPLE_DATE_FORMAT:yyyyMMdd", time.path("format").asText());
  }

  @Test
  void meridiansLineorderIsTheHybridTableOrTheLakesWithoutIt() {
    assertEquals("hybrid.lineorder", SsbBenchmark.meridianTables(true).apply("lineorder"));
    assertEquals("lake.lineorder", SsbBenchmark.meridianTables(false).apply("lineorder"));
    assertEquals("pg.dates", SsbBenchmark.meridianTables(true).apply("dates"));
    assertTrue(SsbConfig.model(true).contains("    source: hybrid.lineorder\n"), SsbConfig.model(true));
    assertTrue(SsbConfig.model(false).contains("    source: lake.lineorder\n"), SsbConfig.model(false));
  }

  @Test
  void theRowsNeededFromEachPartAddAFilterOnLineorder() {
    assertEquals("SELECT count(*) FROM lineorder, dates WHERE lo_orderdate = d_datekey AND d_year = 1993"
        + " AND lo_discount BETWEEN 1 AND 3 AND lo_quantity < 25 AND lo_orderdate > 19980726",
        SsbQuery.ALL.get(0).neededFactRowsSql(t -> t, "lo_orderdate > 19980726"));
  }
}
