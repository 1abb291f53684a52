package io.meridian.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.spi.SourceKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code pinot} and {@code hybrid} source kinds in meridian.yaml: keys, defaults, bounds and conflicts. */
class PinotConfigTest {
  private static final Path FILE = Path.of("/etc/meridian/meridian.yaml");
  private final ConfigLoader loader = new ConfigLoader(Map.of("PINOT_AUTH", "Basic YWRtaW46dmVyeXNlY3JldA")::get);

  private MeridianConfig parse(String yaml) {
    return loader.parse(FILE, yaml);
  }

  @Test
  void readsPinotAndHybridSourcesWithDefaults() {
    MeridianConfig config = parse("""
        sources:
          - name: lake
            kind: lake
            catalog: { type: hadoop, warehouse: lake }
          - name: live
            kind: pinot
            pinot:
              controller: http://127.0.0.1:9000
              broker: http://127.0.0.1:8099
              auth-header: ${PINOT_AUTH}
          - name: tuned
            kind: pinot
            pinot: { controller: "http://c:9000", broker: "https://b:8099", connect-timeout: 1s, query-timeout: 2m,
                     max-rows: 5000, max-groups: 100, partial-results: warn, version-granularity: 0s }
          - name: events
            kind: hybrid
            hybrid:
              tables:
                - { name: plays, history: lake.plays, recent: live.plays, time-column: played_at, granularity: 1d }
                - { name: clicks, history: lake.clicks, recent: live.clicks, time-column: ts, columns: [id, ts] }
        """);
    SourceConfig live = config.sources().get(1);
    assertEquals(SourceKind.PINOT, live.kind());
    assertEquals(new PinotSourceConfig("http://127.0.0.1:9000", "http://127.0.0.1:8099", Duration.ofSeconds(5),
        Duration.ofSeconds(30), "Basic YWRtaW46dmVyeXNlY3JldA", 1_000_000, 100_000, "fail", Duration.ofSeconds(1)),
        live.pinot());
    assertTrue(!live.toString().contains("YWRtaW4"), live.toString());
    assertEquals(new PinotSourceConfig("http://c:9000", "https://b:8099", Duration.ofSeconds(1),
        Duration.ofMinutes(2), null, 5000, 100, "warn", Duration.ZERO), config.sources().get(2).pinot());
    HybridSourceConfig hybrid = config.sources().get(3).hybrid();
    assertEquals(new HybridTableConfig("plays", "lake.plays", "live.plays", "played_at", Duration.ofDays(1),
        List.of()), hybrid.tables().get(0));
    assertEquals(Duration.ZERO, hybrid.tables().get(1).granularity());
    assertEquals(List.of("id", "ts"), hybrid.tables().get(1).columns());
  }

  @Test
  void rejectsWhatCannotWork() {
    assertMessage("a pinot source needs a 'pinot:' section", """
        sources:
          - { name: live, kind: pinot }
        """);
    assertMessage("broker is required", """
        sources:
          - { name: live, kind: pinot, pinot: { controller: "http://c:9000" } }
        """);
    assertMessage("controller must be an http:// or https:// URL", """
        sources:
          - { name: live, kind: pinot, pinot: { controller: "jdbc:pinot://c", broker: "http://b:8099" } }
        """);
    assertMessage("max-groups must be between 1 and 10000000", """
        sources:
          - { name: live, kind: pinot, pinot: { controller: "http://c:9000", broker: "http://b", max-groups: 0 } }
        """);
    assertMessage("partial-results must be fail or warn", """
        sources:
          - { name: live, kind: pinot, pinot: { controller: "http://c", broker: "http://b", partial-results: x } }
        """);
    assertMessage("'pinot:' belongs to sources of kind pinot", """
        sources:
          - { name: w, kind: postgresql, url: "jdbc:postgresql://h/d", pinot: { controller: "http://c", broker: "http://b" } }
        """);
    assertMessage("history must be source.table", """
        sources:
          - { name: e, kind: hybrid, hybrid: { tables: [ { name: p, history: plays, recent: live.p, time-column: t } ] } }
        """);
    assertMessage("time-column is required", """
        sources:
          - { name: e, kind: hybrid, hybrid: { tables: [ { name: p, history: lake.p, recent: live.p } ] } }
        """);
  }

  private void assertMessage(String expected, String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
