package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkRange;

import java.time.Duration;

/**
 * The Avatica server ({@code server:} in {@code meridian.yaml}).
 *
 * @param host {@code host}: address to bind (default {@code 127.0.0.1}, loopback only)
 * @param port {@code port}: TCP port (default 8765; 0 picks a free port)
 * @param serialization {@code serialization}: {@code protobuf} (default) or {@code json}
 * @param connectionIdleTimeout {@code connection-idle-timeout}: a client connection unused this long is closed, so
 *     abandoned connections cannot hold source connections forever (default 10m)
 * @param maxConnections {@code max-connections}: most open client connections (default 200)
 */
public record ServerConfig(String host, Integer port, Serialization serialization, Duration connectionIdleTimeout,
    Integer maxConnections) {
  public static final ServerConfig DEFAULT = new ServerConfig(null, null, null, null, null);

  /** Wire format of the Avatica protocol. */
  public enum Serialization { PROTOBUF, JSON }

  public ServerConfig {
    host = host == null ? "127.0.0.1" : host;
    port = checkRange("port", port == null ? 8765 : port, 0, 65535);
    serialization = serialization == null ? Serialization.PROTOBUF : serialization;
    connectionIdleTimeout = checkRange("connection-idle-timeout",
        connectionIdleTimeout == null ? Duration.ofMinutes(10) : connectionIdleTimeout,
        Duration.ofSeconds(1), Duration.ofDays(1));
    maxConnections = checkRange("max-connections", maxConnections == null ? 200 : maxConnections, 1, 100_000);
  }
}
