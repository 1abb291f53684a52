package io.meridian.tck;

import io.meridian.tck.TestingMeridian.Serialization;
import java.sql.DriverManager;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** The conformance suite over a remote connection to a Meridian server speaking Avatica JSON. */
final class RemoteJsonJdbcConformanceTest extends BaseJdbcConformanceTest {
  RemoteJsonJdbcConformanceTest() {
    super(() -> DriverManager.getConnection(TestingMeridian.get().remoteUrl(Serialization.JSON)));
  }

  @Override
  @Test
  @Disabled(RemoteLimits.NO_CANCEL_RPC)
  void cancelFromAnotherThreadStopsTheQuery() throws Exception {
    super.cancelFromAnotherThreadStopsTheQuery();
  }

  @Override
  @Test
  @Disabled(RemoteLimits.NO_QUERY_TIMEOUT_IN_PROTOCOL)
  void queryTimeoutStopsTheQuery() throws Exception {
    super.queryTimeoutStopsTheQuery();
  }
}
