package io.meridian.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.testing.TestingPostgreSql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line, run in-process through {@link Main#run} against a real PostgreSQL. */
class MainTest {
  @TempDir
  static Path dir;

  private static TestingPostgreSql postgres;
  private static Path config;

  @BeforeAll
  static void start() throws IOException {
    postgres = TestingPostgreSql.start();
    postgres.createDatabase("cli");
    postgres.execute("cli", """
        CREATE TABLE notes (id integer PRIMARY KEY, body text, score numeric(5,1));
        INSERT INTO notes VALUES
          (1, 'plain', 1.5),
          (2, 'comma, and "quotes"', NULL),
          (3, '', 10.0),
          (4, NULL, -2.0),
          (5, 'line
        break', 0.0);
        """);
    config = dir.resolve("meridian.yaml");
    Files.writeString(config, sourceYaml("cli", postgres.jdbcUrl("cli")), StandardCharsets.UTF_8);
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static String sourceYaml(String name, String url) {
    return "sources:\n"
        + "  - name: " + name + "\n"
        + "    kind: postgresql\n"
        + "    url: " + url + "\n"
        + "    user: postgres\n"
        + "    password: \"\"\n"
        + "    pool: { max-size: 2, connection-timeout: 2s }\n";
  }

  /** Exit code and the text written to standard output and standard error. */
  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, o, e);
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void sqlAsCsv() {
    Result r = run("sql", "SELECT id, body, score FROM notes ORDER BY id", "--config", config.toString(),
        "--format", "csv");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("id,body,score\r\n"
        + "1,plain,1.5\r\n"
        + "2,\"comma, and \"\"quotes\"\"\",\r\n"
        + "3,\"\",10.0\r\n"
        + "4,,-2.0\r\n"
        + "5,\"line\nbreak\",0.0\r\n", r.out());
  }

  @Test
  void sqlAsTable() {
    Result r = run("sql", "--config=" + config, "SELECT id, body FROM notes WHERE id IN (1, 3, 4) ORDER BY id");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(""
        + " id | body\n"
        + "----+-------\n"
        + "  1 | plain\n"
        + "  3 | \n"
        + "  4 | NULL\n"
        + "(3 rows)\n", r.out());
  }

  @Test
  void sqlErrorPrintsSqlStateAndExitsOne() {
    Result r = run("sql", "SELECT * FROM missing_table", "--config", config.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: 42P01 "), r.err());
    assertTrue(r.err().contains("missing_table"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void explainPrintsThePlan() {
    Result r = run("explain", "SELECT body FROM notes WHERE id = 1", "--config", config.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("notes"), r.out());
    assertTrue(r.out().endsWith("\n"));
  }

  @Test
  void validateGoodConfiguration() {
    Result r = run("validate", "--config", config.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("cli (postgresql, " + postgres.jdbcUrl("cli") + "): OK, 1 table"), r.out());
    assertTrue(r.out().endsWith("OK\n"), r.out());
    assertEquals("", r.err());
  }

  @Test
  void validateBrokenYamlNamesFileAndLine() throws IOException {
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "sources:\n"
        + "  - name: shop\n"
        + "    kind: oracle\n"
        + "    url: jdbc:postgresql://127.0.0.1:1/x\n", StandardCharsets.UTF_8);
    Result r = run("validate", "--config", broken.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: F0000 " + broken.toAbsolutePath() + ":3:"), r.err());
    assertTrue(r.err().contains("oracle"), r.err());
  }

  @Test
  void validateMissingFile() {
    Result r = run("validate", "--config", dir.resolve("nope.yaml").toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("nope.yaml"), r.err());
  }

  @Test
  void validateUnreachableSourceFails() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Path down = dir.resolve("down.yaml");
    Files.writeString(down, sourceYaml("down", "jdbc:postgresql://127.0.0.1:" + closedPort + "/x"),
        StandardCharsets.UTF_8);
    Result r = run("validate", "--config", down.toString());
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertFalse(r.out().endsWith("OK\n"), r.out());
  }

  @Test
  void unreachableServerIsAnError() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Result r = run("sql", "SELECT 1", "--url", "jdbc:meridian:remote:url=http://127.0.0.1:" + closedPort);
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("error: 08001 "), r.err());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "nonsense", "sql", "sql --config", "sql --bogus x", "sql SELECT_1",
      "sql SELECT_1 --config a --url jdbc:meridian:x", "sql SELECT_1 --url jdbc:postgresql://h/db",
      "sql SELECT_1 --config a --format xml", "sql SELECT_1 SELECT_2 --config a", "validate",
      "serve --config a --config b", "demo --port 70000", "demo --rows-scale 0", "explain --config a"})
  void usageErrorsExitTwo(String line) {
    Result r = run(line.isEmpty() ? new String[0] : line.split(" "));
    assertEquals(2, r.exitCode(), line + ": " + r.err());
    assertFalse(r.err().isEmpty());
    assertEquals("", r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "serve --help", "sql --help", "explain -h", "validate --help", "demo --help"})
  void helpExitsZero(String line) {
    Result r = run(line.split(" "));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Usage: meridian"), r.out());
  }

  @Test
  void serveRunsUntilInterrupted() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serve = new Thread(() -> {
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
        exit.set(Main.run(new String[] {"serve", "--config", config.toString(), "--port", "0"}, o, o));
      }
    }, "serve-test");
    serve.start();
    String url = null;
    Pattern p = Pattern.compile("JDBC URL: (\\S+)");
    for (int i = 0; i < 300 && url == null; i++) {
      Matcher m = p.matcher(out.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        url = m.group(1);
      } else {
        Thread.sleep(100);
      }
    }
    assertTrue(url != null && url.startsWith("jdbc:meridian:remote:url=http://127.0.0.1:"), out.toString());
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM notes")) {
      assertTrue(rs.next());
      assertEquals(5, rs.getInt(1));
    }
    serve.interrupt();
    serve.join(30_000);
    assertFalse(serve.isAlive());
    assertEquals(0, exit.get());
  }

  @Test
  void rollupsListBuildAndRefresh() throws IOException {
    Path model = dir.resolve("rollup-model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("notes.yaml"), """
        tables:
          - name: notes
            source: cli.notes
            dimensions:
              - name: body
            measures:
              - name: notes
                agg: count
              - name: total_score
                agg: sum
                expr: score
        rollups:
          - name: notes_by_body
            table: notes
            dimensions: [body]
            measures: [notes, total_score]
        """, StandardCharsets.UTF_8);
    Path withRollups = dir.resolve("rollups.yaml");
    // A rollup over a JDBC table is used only while the source's version query says the table is unchanged.
    Files.writeString(withRollups, sourceYaml("cli", postgres.jdbcUrl("cli"))
        + "    freshness: { version-query: \"SELECT count(*) FROM notes\" }\n"
        + "model: { path: rollup-model }\nrollups:\n  refresh-check: 0s\n", StandardCharsets.UTF_8);
    String c = withRollups.toString();

    Result r = run("rollups", "list", "--config", c);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("notes_by_body (notes): missing, 0 rows"), r.out());
    assertTrue(r.out().contains("not built yet"), r.out());

    r = run("rollups", "build", "notes_by_body", "--config", c);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("notes_by_body: full build"), r.out());
    assertTrue(r.out().contains("notes_by_body: committed snapshot"), r.out());
    assertTrue(r.out().contains("notes_by_body: full, 5 rows"), r.out());

    r = run("rollups", "list", "--config", c);
    assertTrue(r.out().contains("notes_by_body (notes): fresh, 5 rows in memory"), r.out());
    assertTrue(r.out().contains("sources: {cli.notes=query:5}"), r.out());

    r = run("rollups", "refresh", "--config", c);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("notes_by_body: up to date"), r.out());

    r = run("explain", "SELECT body, total_score FROM semantic.notes GROUP BY body", "--config", c);
    assertTrue(r.out().contains("rollup notes_by_body answered notes.total_score"), r.out());
    r = run("sql", "SELECT notes, total_score FROM semantic.notes", "--config", c, "--format", "csv");
    assertEquals("notes,total_score\r\n5,9.5\r\n", r.out()); // 1.5 + 10.0 - 2.0 + 0.0

    // Without a version query a change in the table would go unseen: the rollup is not used, and the list says why.
    Path unversioned = dir.resolve("unversioned.yaml");
    Files.writeString(unversioned, sourceYaml("cli", postgres.jdbcUrl("cli"))
        + "model: { path: rollup-model }\nrollups:\n  refresh-check: 0s\n", StandardCharsets.UTF_8);
    r = run("rollups", "list", "--config", unversioned.toString());
    assertTrue(r.out().contains("notes_by_body (notes): stale") && r.out().contains("cannot tell its data version"),
        r.out());

    r = run("rollups", "build", "nope", "--config", c);
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("22023 unknown rollup 'nope'; the model declares: notes_by_body"), r.err());
    assertEquals(2, run("rollups", "frobnicate", "--config", c).exitCode());
    assertEquals(2, run("rollups").exitCode());
  }
}
