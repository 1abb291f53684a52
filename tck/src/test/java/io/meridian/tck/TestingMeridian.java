package io.meridian.tck;

import static java.util.Objects.requireNonNull;

import io.meridian.server.MeridianServer;
import io.meridian.testing.TestingPostgreSql;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one PostgreSQL and the Meridian servers that every conformance test class in this JVM shares.
 *
 * <p>Design: a lazily started singleton. The first {@link #get()} starts PostgreSQL, loads
 * {@code tck-database.sql} into the database {@value #DATABASE} and writes {@code meridian.yaml}; a Meridian server is
 * started only when a test first asks for a remote URL of that serialization (an Avatica server speaks one wire
 * format, so there is one server per format, each with its own configuration file). A shutdown hook stops everything
 * in reverse order. Everything listens on 127.0.0.1 only.
 */
public final class TestingMeridian {
  /** The PostgreSQL database holding the test data. */
  public static final String DATABASE = "tck";
  /** The source name in {@code meridian.yaml}, and so the SQL schema of the test tables. */
  public static final String SCHEMA = "warehouse";

  private static final String LOOPBACK = "127.0.0.1";

  private static TestingMeridian instance;

  /** Wire format of the Avatica protocol between the remote driver and the server. */
  public enum Serialization {
    PROTOBUF, JSON
  }

  private final TestingPostgreSql postgres;
  private final Path directory;
  private final Path embeddedConfig;
  private final Map<Serialization, MeridianServer> servers = new EnumMap<>(Serialization.class);

  private TestingMeridian(TestingPostgreSql postgres, Path directory, Path embeddedConfig) {
    this.postgres = requireNonNull(postgres, "postgres is null");
    this.directory = requireNonNull(directory, "directory is null");
    this.embeddedConfig = requireNonNull(embeddedConfig, "embeddedConfig is null");
  }

  /** The shared instance, started on first use. */
  public static synchronized TestingMeridian get() {
    if (instance == null) {
      instance = start();
      TestingMeridian started = instance;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "meridian-tck-shutdown"));
    }
    return instance;
  }

  private static TestingMeridian start() {
    TestingPostgreSql postgres = TestingPostgreSql.start();
    try {
      postgres.createDatabase(DATABASE);
      postgres.execute(DATABASE, resource("tck-database.sql"));
      Path directory = Files.createTempDirectory("meridian-tck");
      Path config = directory.resolve("meridian.yaml");
      Files.writeString(config, configYaml(postgres, null), StandardCharsets.UTF_8);
      return new TestingMeridian(postgres, directory, config);
    } catch (IOException | RuntimeException e) {
      postgres.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** URL of an embedded connection: the engine runs inside the test JVM. */
  public String embeddedUrl() {
    return "jdbc:meridian:config=" + embeddedConfig.toAbsolutePath();
  }

  /** URL of a remote connection to a Meridian server speaking the given serialization; starts the server if needed. */
  public synchronized String remoteUrl(Serialization serialization) {
    MeridianServer server = servers.computeIfAbsent(serialization, this::startServer);
    return "jdbc:meridian:remote:url=http://" + LOOPBACK + ":" + server.port()
        + (serialization == Serialization.JSON ? ";serialization=json" : "");
  }

  /** URL of Avatica's stock remote driver ({@code jdbc:avatica:remote:}) for the server of a serialization. */
  public synchronized String stockAvaticaUrl(Serialization serialization) {
    MeridianServer server = servers.computeIfAbsent(serialization, this::startServer);
    return "jdbc:avatica:remote:url=http://" + LOOPBACK + ":" + server.port() + ";serialization="
        + serialization.name().toLowerCase(Locale.ROOT);
  }

  /** A plain PgJDBC connection to the test database: the independent reader of expected values. */
  public Connection connectPostgreSql() throws SQLException {
    return postgres.connect(DATABASE);
  }

  private MeridianServer startServer(Serialization serialization) {
    try {
      Path config = directory.resolve("meridian-" + serialization.name().toLowerCase(Locale.ROOT) + ".yaml");
      Files.writeString(config, configYaml(postgres, serialization), StandardCharsets.UTF_8);
      return MeridianServer.start(config, LOOPBACK, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start a Meridian server (" + serialization + ") with " + directory, e);
    }
  }

  private static String configYaml(TestingPostgreSql postgres, Serialization serialization) {
    StringBuilder yaml = new StringBuilder()
        .append("sources:\n")
        .append("  - name: ").append(SCHEMA).append('\n')
        .append("    kind: postgresql\n")
        .append("    url: ").append(postgres.jdbcUrl(DATABASE)).append('\n')
        .append("    user: ").append(TestingPostgreSql.USER).append('\n')
        .append("    password: \"\"\n")
        .append("    schema: public\n")
        .append("    fetch-size: 1000\n")
        .append("    pool: { max-size: 8, connection-timeout: 5s }\n")
        .append("default-schema: ").append(SCHEMA).append('\n');
    if (serialization != null) {
      yaml.append("server:\n")
          .append("  host: ").append(LOOPBACK).append('\n')
          .append("  port: 0\n")
          .append("  serialization: ").append(serialization.name().toLowerCase(Locale.ROOT)).append('\n');
    }
    return yaml.toString();
  }

  private static String resource(String name) {
    try (InputStream in = TestingMeridian.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private synchronized void close() {
    List<Exception> failures = new ArrayList<>();
    for (MeridianServer server : servers.values()) {
      try {
        server.close();
      } catch (Exception e) {
        failures.add(e);
      }
    }
    servers.clear();
    try {
      postgres.close();
    } catch (RuntimeException e) {
      failures.add(e);
    }
    try (var files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      failures.add(e);
    }
    if (!failures.isEmpty()) {
      IllegalStateException failure = new IllegalStateException("stopping the TCK fixture failed", failures.get(0));
      failures.subList(1, failures.size()).forEach(failure::addSuppressed);
      throw failure;
    }
  }
}
