package io.meridian.tck;

import io.meridian.tck.TestingMeridian.Serialization;
import java.sql.DriverManager;

/** The conformance suite over a remote connection to a Meridian server speaking Avatica protobuf. */
final class RemoteProtobufJdbcConformanceTest extends BaseJdbcConformanceTest {
  RemoteProtobufJdbcConformanceTest() {
    super(() -> DriverManager.getConnection(TestingMeridian.get().remoteUrl(Serialization.PROTOBUF)));
  }
}
