package io.meridian.tck;

import io.meridian.tck.TestingMeridian.Serialization;
import java.sql.DriverManager;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite through Avatica's stock remote driver ({@code jdbc:avatica:remote:}, protobuf) against a
 * Meridian server: what any Avatica client sees, and proof that the server's own frame encoding (each value written
 * once) reads back exactly through Avatica's decoder. The cases switched off here need the repairs of Meridian's own
 * remote driver ({@code MeridianRemoteDriver}); they fail the same way against a plain Avatica server.
 */
final class RemoteStockAvaticaJdbcConformanceTest extends BaseJdbcConformanceTest {
  private static final String CLIENT_SIDE = "Avatica's stock remote driver; Meridian's remote driver repairs this "
      + "on the client (MeridianRemoteDriver)";

  RemoteStockAvaticaJdbcConformanceTest() {
    super(() -> DriverManager.getConnection(TestingMeridian.get().stockAvaticaUrl(Serialization.PROTOBUF)));
  }

  @Override
  @Test
  @Disabled("Statement.cancel() waits for the execute call (synchronized on the statement): " + CLIENT_SIDE)
  void cancelFromAnotherThreadStopsTheQuery() {}

  @Override
  @Test
  @Disabled("Avatica has no cancel request, so a query timeout is not enforced on the server: " + CLIENT_SIDE)
  void queryTimeoutStopsTheQuery() {}

  @Override
  @Test
  @Disabled("setMaxRows is sent only with statements prepared and executed at once: " + CLIENT_SIDE)
  void maxRowsLimitsAPreparedStatement() {}

  @Override
  @Test
  @Disabled("a server error met while fetching is an unchecked AvaticaClientRuntimeException: " + CLIENT_SIDE)
  void errorInTheMiddleOfAResultIsReported() {}
}
