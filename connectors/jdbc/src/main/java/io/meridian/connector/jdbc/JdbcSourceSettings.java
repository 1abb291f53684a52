package io.meridian.connector.jdbc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * What a JDBC connector needs to open a source; the engine maps the configuration file onto this, so connectors know
 * nothing of configuration files.
 */
public record JdbcSourceSettings(
    String name,
    String url,
    String user,
    String password,
    String schema,
    int fetchSize,
    int poolMaxSize,
    Duration connectionTimeout,
    Duration idleTimeout,
    Duration maxLifetime,
    Map<String, String> properties,
    JdbcFreshness freshness) {

  public JdbcSourceSettings {
    requireNonNull(name, "name is null");
    requireNonNull(url, "url is null");
    requireNonNull(connectionTimeout, "connectionTimeout is null");
    requireNonNull(idleTimeout, "idleTimeout is null");
    requireNonNull(maxLifetime, "maxLifetime is null");
    properties = Map.copyOf(requireNonNull(properties, "properties is null"));
    requireNonNull(freshness, "freshness is null");
  }

  /** Settings of a source without a way to tell its data version ({@link JdbcFreshness#NONE}). */
  public JdbcSourceSettings(String name, String url, String user, String password, String schema, int fetchSize,
      int poolMaxSize, Duration connectionTimeout, Duration idleTimeout, Duration maxLifetime,
      Map<String, String> properties) {
    this(name, url, user, password, schema, fetchSize, poolMaxSize, connectionTimeout, idleTimeout, maxLifetime,
        properties, JdbcFreshness.NONE);
  }

  /** The same settings exposing another schema of the source. */
  public JdbcSourceSettings withSchema(String other) {
    return new JdbcSourceSettings(name, url, user, password, other, fetchSize, poolMaxSize, connectionTimeout,
        idleTimeout, maxLifetime, properties, freshness);
  }

  @Override
  public String toString() {
    return "JdbcSourceSettings[name=" + name + ", url=" + url + ", user=" + user + ", schema=" + schema + "]";
  }
}
