package io.meridian.server;

import static java.util.Objects.requireNonNull;

import io.meridian.engine.config.ConfigLoader;
import io.meridian.engine.config.MeridianConfig;
import io.meridian.engine.config.ServerConfig;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.net.BindException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.remote.Driver.Serialization;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Meridian Avatica server: an HTTP endpoint (protobuf or JSON) whose every client connection is an embedded
 * Meridian connection on the server.
 *
 * <p>Design: Avatica's {@link JdbcMeta} keeps one embedded connection per client connection in a cache that
 * closes connections idle for {@code server.connection-idle-timeout}; {@link MeridianMeta} refuses connections
 * beyond {@code server.max-connections}; {@link SqlStatePreservingMeta} makes sure a failure reaches the client
 * with its SQLSTATE. State lives in this process's memory, so a load balancer in front needs client affinity.
 */
public final class MeridianServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MeridianServer.class);

  /** Prefix of the embedded URL the server opens for each client connection. */
  static final String EMBEDDED_URL_PREFIX = "jdbc:meridian:config=";

  private final HttpServer http;
  private final MeridianMeta meta;
  private final String host;
  private final int port;
  private final ServerConfig.Serialization serialization;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MeridianServer(HttpServer http, MeridianMeta meta, String host, int port,
      ServerConfig.Serialization serialization) {
    this.http = http;
    this.meta = meta;
    this.host = host;
    this.port = port;
    this.serialization = serialization;
  }

  /**
   * Loads {@code configFile} and starts a server on {@code host} and {@code port}, which override the file's
   * {@code server:} section; port 0 picks a free port.
   */
  public static MeridianServer start(Path configFile, String host, int port) {
    requireNonNull(configFile, "configFile is null");
    requireNonNull(host, "host is null");
    MeridianConfig config = new ConfigLoader().load(configFile);
    ServerConfig s = config.server();
    ServerConfig server;
    try {
      server = new ServerConfig(host, port, s.serialization(), s.connectionIdleTimeout(), s.maxConnections());
    } catch (IllegalArgumentException e) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, e.getMessage(), e);
    }
    return start(config.withServer(server));
  }

  /**
   * Starts a server as the configuration's {@code server:} section says. Each client connection opens
   * {@code config.file()} through the embedded driver, so sources, planner and model come from the file; only the
   * server settings are taken from {@code config}.
   */
  public static MeridianServer start(MeridianConfig config) {
    requireNonNull(config, "config is null");
    ServerConfig server = config.server();
    if (server.host().isBlank()) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "server.host must not be blank");
    }
    String embeddedUrl = embeddedUrl(config.file());
    MeridianMeta meta;
    try {
      // Fails fast, with a clear message, when the driver is not on the class path.
      DriverManager.getDriver(embeddedUrl);
      meta = new MeridianMeta(embeddedUrl, cacheSettings(server), server.maxConnections());
    } catch (SQLException e) {
      throw new MeridianException(ErrorCode.INTERNAL_ERROR,
          "the Meridian JDBC driver does not accept " + embeddedUrl + ": " + e.getMessage(), e);
    }
    String host = server.host();
    ServerCustomizer<Server> bindHost = jetty -> {
      for (Connector connector : jetty.getConnectors()) {
        if (connector instanceof ServerConnector serverConnector) {
          serverConnector.setHost(host);
        }
      }
    };
    LocalService service = new LocalService(SqlStatePreservingMeta.wrap(meta));
    HttpServer.Builder<Server> builder = new HttpServer.Builder<>();
    // Protobuf through Meridian's handler, which writes result rows with FrameTranslation (each value once); JSON as
    // Avatica serves it.
    builder = server.serialization() == ServerConfig.Serialization.PROTOBUF
        ? builder.withHandler(new MeridianProtobufHandler(service))
        : builder.withHandler(service, Serialization.JSON);
    HttpServer http = builder
        .withPort(server.port())
        .withServerCustomizers(List.of(bindHost), Server.class)
        .build();
    try {
      http.start();
    } catch (RuntimeException e) {
      meta.closeAll();
      String reason = rootMessage(e);
      ErrorCode code = hasCause(e, BindException.class) ? ErrorCode.INVALID_CONFIGURATION : ErrorCode.INTERNAL_ERROR;
      throw new MeridianException(code, "cannot listen on " + host + ":" + server.port() + ": " + reason, e);
    }
    MeridianServer started = new MeridianServer(http, meta, host, http.getPort(), server.serialization());
    LOG.info("Meridian server for {} listening on {} ({})", config.file(), started.httpUrl(),
        server.serialization().name().toLowerCase(Locale.ROOT));
    return started;
  }

  /** The embedded JDBC URL for a configuration file. */
  public static String embeddedUrl(Path configFile) {
    String path = configFile.toAbsolutePath().normalize().toString();
    if (path.indexOf(';') >= 0) {
      // The driver splits URL properties at ';'.
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION,
          "the configuration path must not contain ';': " + path);
    }
    return EMBEDDED_URL_PREFIX + path;
  }

  /** The TCP port the server listens on. */
  public int port() {
    return port;
  }

  /** The address the server is bound to. */
  public String host() {
    return host;
  }

  /** The URL a Meridian JDBC client uses to reach this server. */
  public String jdbcUrl() {
    return "jdbc:meridian:remote:url=" + httpUrl()
        + (serialization == ServerConfig.Serialization.JSON ? ";serialization=json" : "");
  }

  /** The HTTP address of the Avatica endpoint. */
  public String httpUrl() {
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port;
  }

  /** Client connections currently open on the server. */
  public int openConnections() {
    return meta.openConnections();
  }

  /** Stops accepting requests, then closes every client connection; safe to call more than once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Meridian server on {} stopping", httpUrl());
    try {
      http.stop();
    } catch (RuntimeException e) {
      LOG.warn("error while stopping the HTTP server", e);
    } finally {
      meta.closeAll();
    }
  }

  private static Properties cacheSettings(ServerConfig server) {
    Properties p = new Properties();
    String idleMillis = Long.toString(server.connectionIdleTimeout().toMillis());
    p.setProperty(JdbcMeta.ConnectionCacheSettings.MAX_CAPACITY.key(), Integer.toString(server.maxConnections()));
    p.setProperty(JdbcMeta.ConnectionCacheSettings.EXPIRY_DURATION.key(), idleMillis);
    p.setProperty(JdbcMeta.ConnectionCacheSettings.EXPIRY_UNIT.key(), TimeUnit.MILLISECONDS.name());
    // An open result set idle as long as its connection may be closed as well (Avatica's default is 5 minutes).
    p.setProperty(JdbcMeta.StatementCacheSettings.EXPIRY_DURATION.key(), idleMillis);
    p.setProperty(JdbcMeta.StatementCacheSettings.EXPIRY_UNIT.key(), TimeUnit.MILLISECONDS.name());
    return p;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }
}
