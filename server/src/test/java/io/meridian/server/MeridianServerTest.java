package io.meridian.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.engine.config.ConfigLoader;
import io.meridian.engine.config.MeridianConfig;
import io.meridian.engine.config.ServerConfig;
import io.meridian.jdbc.MeridianDriver;
import io.meridian.spi.MeridianException;
import io.meridian.testing.TestingPostgreSql;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.Meta;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A real Avatica server over a real PostgreSQL, reached through the Meridian driver's remote URL. */
class MeridianServerTest {
  private static final String LOOPBACK = "127.0.0.1";

  @TempDir
  static Path dir;

  private static TestingPostgreSql postgres;
  private static MeridianServer protobuf;
  private static MeridianServer json;

  @BeforeAll
  static void start() throws IOException {
    postgres = TestingPostgreSql.start();
    postgres.createDatabase("shop");
    postgres.execute("shop", """
        CREATE TABLE items (id integer PRIMARY KEY, name text, price numeric(6,2));
        INSERT INTO items VALUES (1, 'apple', 0.50), (2, 'pear', 0.75), (3, NULL, 1.25);
        """);
    Path config = writeConfig("meridian.yaml", "");
    protobuf = MeridianServer.start(config, LOOPBACK, 0);
    MeridianConfig loaded = new ConfigLoader().load(config);
    ServerConfig s = loaded.server();
    json = MeridianServer.start(loaded.withServer(
        new ServerConfig(LOOPBACK, 0, ServerConfig.Serialization.JSON, s.connectionIdleTimeout(), s.maxConnections())));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {protobuf, json, postgres}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // Keep closing the rest.
      }
    }
  }

  /** The server speaking a serialization (servers are not test arguments: JUnit would close them). */
  static MeridianServer server(ServerConfig.Serialization serialization) {
    return serialization == ServerConfig.Serialization.JSON ? json : protobuf;
  }

  static Path writeConfig(String name, String serverSection) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "sources:\n"
        + "  - name: shop\n"
        + "    kind: postgresql\n"
        + "    url: " + postgres.jdbcUrl("shop") + "\n"
        + "    user: " + TestingPostgreSql.USER + "\n"
        + "    password: \"\"\n"
        + "    pool: { max-size: 4, connection-timeout: 5s }\n"
        + serverSection, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void urls() {
    assertEquals("jdbc:meridian:remote:url=http://127.0.0.1:" + protobuf.port(), protobuf.jdbcUrl());
    assertEquals("jdbc:meridian:remote:url=http://127.0.0.1:" + json.port() + ";serialization=json", json.jdbcUrl());
    assertTrue(protobuf.port() > 0);
    assertEquals(LOOPBACK, protobuf.host());
  }

  @ParameterizedTest
  @EnumSource(ServerConfig.Serialization.class)
  void queries(ServerConfig.Serialization serialization) throws SQLException {
    MeridianServer server = server(serialization);
    try (Connection c = DriverManager.getConnection(server.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, name, price FROM shop.items ORDER BY id")) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3));
      }
      assertEquals(List.of("1|apple|0.50", "2|pear|0.75", "3|null|1.25"), rows);
    }
  }

  @ParameterizedTest
  @EnumSource(ServerConfig.Serialization.class)
  void preparedStatementAndMetadata(ServerConfig.Serialization serialization) throws SQLException {
    MeridianServer server = server(serialization);
    try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
      try (PreparedStatement ps = c.prepareStatement("SELECT name FROM items WHERE price > ? ORDER BY id")) {
        ps.setBigDecimal(1, new BigDecimal("0.60"));
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("pear", rs.getString(1));
          assertTrue(rs.next());
          assertEquals(null, rs.getString(1));
          assertFalse(rs.next());
        }
      }
      try (ResultSet rs = c.getMetaData().getTables(null, "shop", "items", null)) {
        assertTrue(rs.next(), "items is listed");
        assertEquals("items", rs.getString("TABLE_NAME"));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServerConfig.Serialization.class)
  void syntaxErrorKeepsSqlState(ServerConfig.Serialization serialization) throws SQLException {
    MeridianServer server = server(serialization);
    try (Connection c = DriverManager.getConnection(server.jdbcUrl()); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELEC 1"));
      assertEquals("42601", e.getSQLState(), e.toString());
      // The same connection, and a new statement on it, keep working.
      try (Statement s2 = c.createStatement(); ResultSet rs = s2.executeQuery("SELECT COUNT(*) FROM items")) {
        assertTrue(rs.next());
        assertEquals(3, rs.getInt(1));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ServerConfig.Serialization.class)
  void unknownTableKeepsSqlStateAndOtherClientsWork(ServerConfig.Serialization serialization) throws SQLException {
    MeridianServer server = server(serialization);
    try (Connection bad = DriverManager.getConnection(server.jdbcUrl());
        Connection good = DriverManager.getConnection(server.jdbcUrl())) {
      try (Statement s = bad.createStatement()) {
        SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM no_such_table"));
        assertEquals("42P01", e.getSQLState(), e.toString());
        assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
      }
      try (PreparedStatement ps = bad.prepareStatement("SELECT 1")) {
        SQLException e = assertThrows(SQLException.class, () -> bad.prepareStatement("SELECT nope FROM items"));
        assertEquals("42703", e.getSQLState(), e.toString());
        assertTrue(ps.executeQuery().next());
      }
      try (Statement s = good.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(id) FROM items")) {
        assertTrue(rs.next());
        assertEquals(3, rs.getInt(1));
      }
    }
  }

  @Test
  void remoteStatementsAskForLargeFramesUnlessTold() throws SQLException {
    try (Connection c = DriverManager.getConnection(protobuf.jdbcUrl()); Statement s = c.createStatement()) {
      assertEquals(MeridianDriver.REMOTE_FETCH_SIZE, s.getFetchSize());
    }
    try (Connection c = DriverManager.getConnection(protobuf.jdbcUrl() + ";fetch_size=500");
        Statement s = c.createStatement()) {
      assertEquals(500, s.getFetchSize());
    }
  }

  /**
   * A frame ends at about {@code MAX_FRAME_BYTES}, whatever the client asked for, and the result stays complete and in
   * order across such frames; a narrow result gets every row asked for.
   */
  @Test
  void framesAreBoundedInBytes() throws Exception {
    int rows = 2_500;
    int width = 4_000;
    postgres.createDatabase("frames");
    postgres.execute("frames", "CREATE TABLE wide AS SELECT g AS id, repeat(chr(97 + g % 26), " + width
        + ") AS t FROM generate_series(1, " + rows + ") g");
    Path config = dir.resolve("frames.yaml");
    Files.writeString(config, "sources:\n"
        + "  - name: frames\n"
        + "    kind: postgresql\n"
        + "    url: " + postgres.jdbcUrl("frames") + "\n"
        + "    user: " + TestingPostgreSql.USER + "\n"
        + "    password: \"\"\n", StandardCharsets.UTF_8);
    MeridianMeta meta = new MeridianMeta(MeridianServer.embeddedUrl(config), new Properties(), 4);
    Meta.ConnectionHandle ch = new Meta.ConnectionHandle("frames-test");
    meta.openConnection(ch, new HashMap<>());
    try {
      Meta.StatementHandle sh = meta.createStatement(ch);
      Meta.ExecuteResult result = meta.prepareAndExecute(sh, "SELECT id, t FROM frames.wide ORDER BY id", -1, 100,
          NO_CALLBACK);
      Meta.Frame frame = result.resultSets.get(0).firstFrame;
      List<Object> read = new ArrayList<>();
      frame.rows.forEach(read::add);
      List<Integer> frameRows = new ArrayList<>();
      while (!frame.done) {
        frame = meta.fetch(sh, read.size(), 100_000);
        int n = 0;
        for (Object row : frame.rows) {
          read.add(row);
          n++;
        }
        frameRows.add(n);
      }
      long maxRows = MeridianMeta.MAX_FRAME_BYTES / width + 1;
      assertTrue(frameRows.size() >= 2, "frames after the first: " + frameRows);
      for (int n : frameRows.subList(0, frameRows.size() - 1)) {
        assertTrue(n >= maxRows - 10 && n <= maxRows, "rows of a frame of about " + MeridianMeta.MAX_FRAME_BYTES
            + " bytes of " + width + "-byte rows: " + frameRows);
      }
      assertEquals(rows, read.size());
      for (int i = 0; i < rows; i++) {
        Object[] row = (Object[]) read.get(i);
        assertEquals(i + 1, row[0]);
        assertEquals(String.valueOf((char) (97 + (i + 1) % 26)).repeat(width), row[1]);
      }
      meta.closeStatement(sh);

      // Narrow rows: the frame holds every row asked for; a fetch of 0 rows ("driver's choice") gets a default frame.
      sh = meta.createStatement(ch);
      meta.prepareAndExecute(sh, "SELECT id FROM frames.wide ORDER BY id", -1, 100, NO_CALLBACK);
      assertEquals(1_000, count(meta.fetch(sh, 100, 1_000)));
      Meta.Frame rest = meta.fetch(sh, 1_100, 0);
      assertEquals(rows - 1_100, count(rest));
      assertTrue(rest.done);
      meta.closeStatement(sh);

      // After a read ahead, a fetch of every row (a negative count) gets the rows read ahead and the rest, in order.
      sh = meta.createStatement(ch);
      meta.prepareAndExecute(sh, "SELECT id FROM frames.wide ORDER BY id", -1, 100, NO_CALLBACK);
      assertEquals(1_000, count(meta.fetch(sh, 100, 1_000)));
      Meta.Frame all = meta.fetch(sh, 1_100, -1);
      assertTrue(all.done);
      int expected = 1_101;
      for (Object row : all.rows) {
        assertEquals(expected++, ((Object[]) row)[0]);
      }
      assertEquals(rows + 1, expected);
      meta.closeStatement(sh);
    } finally {
      meta.closeConnection(ch);
      meta.closeAll();
    }
  }

  /**
   * A statement re-executed while the server reads its previous result ahead gets its new result whole: the server
   * stops the read ahead first (else the read's later chunks would consume the new result's rows). Avatica's stock
   * driver, which sends the execute at once (Meridian's own waits for its fetch ahead, which would hide the case);
   * rows past 10,100 are slow, so the read ahead is still running when the execute arrives.
   */
  @Test
  void reExecutingWhileTheServerReadsAheadKeepsTheNewResultWhole() throws Exception {
    postgres.createDatabase("ahead");
    postgres.execute("ahead", "CREATE TABLE seq AS SELECT g AS id FROM generate_series(1, 30000) g;"
        + " ALTER TABLE seq SET (parallel_workers = 0);"
        + " CREATE VIEW slowish AS SELECT id, CASE WHEN id > 10100 THEN length(pg_sleep(0.0005)::text) END AS s"
        + " FROM seq");
    Path config = dir.resolve("ahead.yaml");
    Files.writeString(config, "sources:\n"
        + "  - name: ahead\n"
        + "    kind: postgresql\n"
        + "    url: " + postgres.jdbcUrl("ahead") + "\n"
        + "    user: " + TestingPostgreSql.USER + "\n"
        + "    password: \"\"\n"
        + "default-schema: ahead\n", StandardCharsets.UTF_8);
    try (MeridianServer server = MeridianServer.start(config, LOOPBACK, 0);
        Connection c = DriverManager.getConnection("jdbc:avatica:remote:url=" + server.httpUrl()
            + ";serialization=protobuf");
        Statement s = c.createStatement()) {
      s.setFetchSize(10_000);
      for (int round = 0; round < 3; round++) {
        try (ResultSet rs = s.executeQuery("SELECT id FROM slowish")) {
          for (int i = 1; i <= 150; i++) {
            assertTrue(rs.next());
            assertEquals(i, rs.getInt(1));
          }
        }
        // The fetch of rows 101..10,100 started a read ahead into the slow rows; the statement runs again meanwhile.
        try (ResultSet rs = s.executeQuery("SELECT id FROM seq WHERE id > 29990 ORDER BY id")) {
          List<Integer> ids = new ArrayList<>();
          while (rs.next()) {
            ids.add(rs.getInt(1));
          }
          assertEquals(List.of(29991, 29992, 29993, 29994, 29995, 29996, 29997, 29998, 29999, 30000), ids,
              "round " + round);
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM seq")) {
        assertTrue(rs.next());
        assertEquals(30_000, rs.getLong(1));
        assertEquals(450_015_000L, rs.getLong(2));
      }
    }
  }

  private static final Meta.PrepareCallback NO_CALLBACK = new Meta.PrepareCallback() {
    @Override
    public Object getMonitor() {
      return this;
    }

    @Override
    public void clear() {}

    @Override
    public void assign(Meta.Signature signature, Meta.Frame firstFrame, long updateCount) {}

    @Override
    public void execute() {}
  };

  private static int count(Meta.Frame frame) {
    int n = 0;
    for (Object ignored : frame.rows) {
      n++;
    }
    return n;
  }

  @Test
  void refusesConnectionsBeyondTheLimit() throws Exception {
    Path config = writeConfig("limited.yaml", "server: { max-connections: 2 }\n");
    try (MeridianServer server = MeridianServer.start(config, LOOPBACK, 0)) {
      try (Connection a = DriverManager.getConnection(server.jdbcUrl());
          Connection b = DriverManager.getConnection(server.jdbcUrl())) {
        assertEquals(2, server.openConnections());
        // Avatica's remote driver throws its unchecked AvaticaClientRuntimeException when the open fails.
        Exception e = assertThrows(Exception.class, () -> DriverManager.getConnection(server.jdbcUrl()));
        assertEquals(io.meridian.spi.ErrorCode.TOO_MANY_CONNECTIONS.sqlState(), sqlState(e), e.toString());
        for (Connection c : List.of(a, b)) {
          try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next(), "open connections keep working at the limit");
          }
        }
      }
      assertEquals(0, server.openConnections());
      try (Connection again = DriverManager.getConnection(server.jdbcUrl())) {
        assertFalse(again.isClosed());
        assertEquals(1, server.openConnections());
      }
    }
  }

  @Test
  void closesIdleConnections() throws Exception {
    Path config = writeConfig("idle.yaml", "server: { connection-idle-timeout: 1s }\n");
    try (MeridianServer server = MeridianServer.start(config, LOOPBACK, 0)) {
      Connection abandoned = DriverManager.getConnection(server.jdbcUrl());
      awaitNoConnections(server, Duration.ofSeconds(30));
      abandoned.close();
    }
  }

  @Test
  void closeStopsListeningAndIsIdempotent() throws Exception {
    Path config = writeConfig("closing.yaml", "");
    MeridianServer server = MeridianServer.start(config, LOOPBACK, 0);
    int port = server.port();
    Connection c = DriverManager.getConnection(server.jdbcUrl());
    assertEquals(1, server.openConnections());
    server.close();
    server.close();
    assertEquals(0, server.openConnections());
    assertThrows(ConnectException.class, () -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(LOOPBACK, port), 2000);
      }
    });
    // The client cannot tell the server any more; it still lets go of the connection.
    assertThrows(SQLException.class, c::close);
  }

  @Test
  void portInUseIsAConfigurationError() throws Exception {
    Path config = writeConfig("busy.yaml", "");
    MeridianException e = assertThrows(MeridianException.class,
        () -> MeridianServer.start(config, LOOPBACK, protobuf.port()));
    assertEquals("F0000", e.errorCode().sqlState());
    assertTrue(e.getMessage().contains(LOOPBACK + ":" + protobuf.port()), e.getMessage());
  }

  private static String sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException sql) {
        return sql.getSQLState();
      }
      if (c instanceof AvaticaClientRuntimeException remote) {
        return remote.getSqlState();
      }
    }
    return null;
  }

  private static void awaitNoConnections(MeridianServer server, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (server.openConnections() > 0) {
      assertTrue(System.nanoTime() < deadline, "idle connection still open after " + limit);
      Thread.sleep(200);
    }
  }
}
