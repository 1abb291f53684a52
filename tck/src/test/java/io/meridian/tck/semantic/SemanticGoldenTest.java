package io.meridian.tck.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.server.demo.Demo;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Governed metrics as golden scripts ({@code src/test/resources/golden/*.golden}) over the demo company's data and
 * model, run through the embedded driver and the remote driver (protobuf; the JSON wire format is covered by the
 * conformance suite). Every expected value comes from
 * plain SQL that PostgreSQL runs on the same data; none from Meridian.
 */
class SemanticGoldenTest {
  private static final MathContext SIGNIFICANT = new MathContext(9);
  private static final List<String> SCRIPTS = List.of("/golden/demo-metrics.golden");

  private static Demo demo;

  @BeforeAll
  static void startDemo() throws Exception {
    demo = Demo.start(Files.createTempDirectory("meridian-golden"), 0, 1);
  }

  @AfterAll
  static void stopDemo() throws Exception {
    if (demo != null) {
      demo.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> goldenScripts() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (String resource : SCRIPTS) {
      GoldenScript script = GoldenScript.load(resource);
      for (GoldenScript.Case c : script.cases()) {
        for (String via : List.of("embedded", "remote-protobuf")) {
          tests.add(DynamicTest.dynamicTest(c.title() + " [" + via + "] (" + resource + ":" + c.line() + ")",
              () -> run(c, via)));
        }
      }
    }
    return tests.stream();
  }

  /** Descriptions reach BI tools through getColumns, embedded and remote, and measures say what they are. */
  @org.junit.jupiter.api.Test
  void columnRemarksDescribeMeasuresEverywhere() throws SQLException {
    for (String via : List.of("embedded", "remote-protobuf")) {
      try (Connection c = DriverManager.getConnection(url(via));
          ResultSet rs = c.getMetaData().getColumns(null, "semantic", "plays", "streams")) {
        assertTrue(rs.next(), via);
        String remarks = rs.getString("REMARKS");
        assertNotNull(remarks, via);
        assertTrue(remarks.startsWith("[measure]") && remarks.contains("30 seconds"), via + ": " + remarks);
      }
    }
  }

  private static String url(String via) {
    return switch (via) {
      case "embedded" -> demo.embeddedUrl();
      case "remote-protobuf" -> demo.server().jdbcUrl();
      default -> "jdbc:meridian:remote:url=" + demo.server().httpUrl() + ";serialization=json";
    };
  }

  private static void run(GoldenScript.Case c, String via) throws SQLException {
    try (Connection meridian = DriverManager.getConnection(url(via)); Statement s = meridian.createStatement()) {
      if (c.expectedSql() == null) {
        SQLException e = assertThrows(SQLException.class, () -> rows(s.executeQuery(c.meridianSql())));
        assertEquals(c.errorState(), e.getSQLState(), e.getMessage());
        assertNotNull(c.errorText(), "error case needs the text the message must contain");
        assertTrue(e.getMessage().contains(c.errorText()), e.getMessage());
        return;
      }
      List<List<String>> actual = rows(s.executeQuery(c.meridianSql()));
      List<List<String>> expected;
      try (Connection pg = DriverManager.getConnection(demo.postgresUrl(), "postgres", "");
          Statement ps = pg.createStatement()) {
        expected = rows(ps.executeQuery(c.expectedSql()));
      }
      if (!c.ordered()) {
        Comparator<List<String>> byText = Comparator.comparing(Object::toString);
        actual.sort(byText);
        expected.sort(byText);
      }
      assertTrue(!expected.isEmpty() || c.meridianSql().contains("gramophone"),
          "a golden case should have rows unless it tests emptiness");
      assertEquals(expected, actual, c.title());
    }
  }

  /** Rows as text: numbers to nine significant digits, timestamps as wall clock, NULL as "NULL". */
  private static List<List<String>> rows(ResultSet rs) throws SQLException {
    try (rs) {
      List<List<String>> rows = new ArrayList<>();
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          row.add(normalize(v));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private static String normalize(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof Number n) {
      BigDecimal d = new BigDecimal(n.toString()).round(SIGNIFICANT).stripTrailingZeros();
      return d.signum() == 0 ? "0" : d.toPlainString();
    }
    if (v instanceof Timestamp t) {
      return t.toLocalDateTime().toString();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    return v.toString();
  }
}
