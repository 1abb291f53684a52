package io.meridian.connector.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.lake.testing.IndependentReader;
import io.meridian.connector.lake.testing.TestingLakeTables;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.Test;

/** The lake through an Iceberg REST catalog: Iceberg's own REST server, on loopback, over the test warehouse. */
class LakeRestCatalogTest {
  @Test
  void readsThroughTheRestCatalog() throws Exception {
    TestingLakeTables lake = TestingLakeTables.shared();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(lake.catalog()))), "/*");
    server.setHandler(context);
    server.start();
    try (JdbcConnector source = LakeConnector.create(new LakeSettings("lake",
            Map.of("type", "rest", "uri", "http://127.0.0.1:" + connector.getLocalPort() + "/"),
            TestingLakeTables.NAMESPACE, Optional.empty(), 2, Duration.ofSeconds(10), "1GB", 1), (s, q) -> { });
        Connection c = LakeConnectorTest.connect(source); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM lake.with_equality_deletes")) {
      rs.next();
      assertEquals(IndependentReader.count(lake.table(TestingLakeTables.WITH_EQUALITY_DELETES)), rs.getLong(1));
    } finally {
      server.stop();
    }
  }
}
