package io.meridian.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole demo: PostgreSQL from jars, the data set, the server; every example query runs remotely. */
class DemoTest {
  @TempDir
  Path dir;

  @Test
  void examplesRunThroughTheServer() throws Exception {
    String postgresUrl;
    try (Demo demo = Demo.start(dir, 0, 1)) {
      postgresUrl = demo.postgresUrl();
      assertTrue(Files.isRegularFile(dir.resolve("meridian.yaml")));
      assertTrue(Files.readString(dir.resolve("meridian.yaml"), StandardCharsets.UTF_8).contains("model:\n  path: model\n"));
      for (String file : Demo.MODEL_FILES) {
        assertTrue(Files.isRegularFile(dir.resolve("model").resolve(file)), file);
      }
      String text = demo.describe();
      assertTrue(text.contains(demo.server().jdbcUrl()), text);
      assertTrue(text.contains(demo.embeddedUrl()), text);
      assertTrue(demo.server().jdbcUrl().startsWith("jdbc:meridian:remote:url=http://127.0.0.1:"));
      try (Connection c = DriverManager.getConnection(demo.server().jdbcUrl())) {
        for (Demo.Example example : Demo.EXAMPLES) {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(example.sql())) {
            int rows = 0;
            while (rs.next()) {
              rows++;
            }
            assertTrue(rows > 0, example.title());
          }
        }
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM payments")) {
          assertTrue(rs.next());
          assertEquals(demo.summary().rows("payments"), rs.getInt(1));
        }
      }
    }
    // PostgreSQL is gone, and its data folder with it.
    assertThrows(SQLException.class, () -> DriverManager.getConnection(postgresUrl, "postgres", "").close());
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "only meridian.yaml and the model folder are left");
    }
  }
}
