package io.meridian.tck;

import io.meridian.tck.TestingMeridian.Serialization;
import java.sql.DriverManager;

/** The conformance suite over a remote connection to a Meridian server speaking Avatica JSON. */
final class RemoteJsonJdbcConformanceTest extends BaseJdbcConformanceTest {
  RemoteJsonJdbcConformanceTest() {
    super(() -> DriverManager.getConnection(TestingMeridian.get().remoteUrl(Serialization.JSON)));
  }
}
