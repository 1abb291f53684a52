package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkRange;

import java.time.Duration;

/**
 * Connection pool of one JDBC source (HikariCP underneath).
 *
 * @param maxSize {@code max-size}: most connections open at once (1..1000, default 8)
 * @param connectionTimeout {@code connection-timeout}: how long a query waits for a connection, and so how soon a source
 *     that is down is reported (250ms..10m, default 10s)
 * @param idleTimeout {@code idle-timeout}: idle connections are closed after this (default 10m)
 * @param maxLifetime {@code max-lifetime}: connections are replaced after this (default 30m)
 */
public record PoolConfig(Integer maxSize, Duration connectionTimeout, Duration idleTimeout, Duration maxLifetime) {
  public static final PoolConfig DEFAULT = new PoolConfig(null, null, null, null);

  public PoolConfig {
    maxSize = checkRange("max-size", maxSize == null ? 8 : maxSize, 1, 1000);
    connectionTimeout = checkRange("connection-timeout",
        connectionTimeout == null ? Duration.ofSeconds(10) : connectionTimeout, Duration.ofMillis(250), Duration.ofMinutes(10));
    idleTimeout = checkRange("idle-timeout",
        idleTimeout == null ? Duration.ofMinutes(10) : idleTimeout, Duration.ofSeconds(10), Duration.ofDays(1));
    maxLifetime = checkRange("max-lifetime",
        maxLifetime == null ? Duration.ofMinutes(30) : maxLifetime, Duration.ofSeconds(30), Duration.ofDays(1));
  }
}
