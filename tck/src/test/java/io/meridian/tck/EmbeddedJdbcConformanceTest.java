package io.meridian.tck;

import java.sql.DriverManager;

/** The conformance suite over an embedded connection: the engine runs inside the test JVM. */
final class EmbeddedJdbcConformanceTest extends BaseJdbcConformanceTest {
  EmbeddedJdbcConformanceTest() {
    super(() -> DriverManager.getConnection(TestingMeridian.get().embeddedUrl()));
  }
}
