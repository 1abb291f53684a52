package io.meridian.jdbc;

import java.util.Locale;
import java.util.Properties;
import org.apache.calcite.avatica.ConnectionConfigImpl;
import org.apache.calcite.avatica.ConnectionProperty;
import org.apache.calcite.avatica.ConnectionPropertyValue;

/**
 * Meridian's own JDBC connection properties, given in the URL ({@code jdbc:meridian:config=...;queryTimeout=30s}) or
 * in the {@link Properties} passed to {@code DriverManager}. Standard Avatica properties ({@code url},
 * {@code serialization} for remote connections) and Calcite's {@code schema} also apply.
 */
public enum MeridianConnectionProperty implements ConnectionProperty {
  /** Embedded: path of the {@code meridian.yaml} to serve. Required for embedded connections. */
  CONFIG("config", Type.STRING, null, "Path of the meridian.yaml configuration (embedded connections)"),

  /**
   * Longest time any statement of this connection may run, such as {@code 30s} or {@code 5m}; {@code 0} means no
   * connection-level limit. A statement's own {@code setQueryTimeout} and the server's {@code planner.query-timeout}
   * still apply: the shortest wins.
   */
  QUERY_TIMEOUT("queryTimeout", Type.STRING, "0", "Query timeout for every statement (e.g. 30s, 5m; 0 = none)"),

  /**
   * How statements use the result cache: {@code on} (answers come from the cache when fresh enough, and are kept),
   * {@code off} (always run at the sources), {@code only} (answer only from the cache; otherwise fail with SQLSTATE
   * 55000).
   */
  CACHE_MODE("cacheMode", Type.STRING, "on", "Result cache use: on, off or only"),

  /**
   * How stale an answer this connection accepts, such as {@code 30s} or {@code 5m}. With {@code 0}, every execution
   * reads its sources' data versions, so a cached answer is never older than the sources' last change. When not given,
   * the server's {@code cache.max-staleness} applies (default {@code 0}).
   */
  MAX_STALENESS("maxStaleness", Type.STRING, null,
      "Oldest data a cached answer may reflect (e.g. 0, 30s, 5m; default: the server's cache.max-staleness, 0)"),

  /**
   * Whether semantic queries may be answered from the model's rollups: {@code true} (default) or {@code false}
   * (always from the sources, as rollup builds and benchmarks of the source path read).
   */
  USE_ROLLUPS("useRollups", Type.STRING, "true", "Answer semantic queries from rollups where they can (true/false)"),

  /**
   * Remote: wire format, {@code protobuf} (default, as the server's default) or {@code json}. Avatica's remote driver
   * defaults to JSON; Meridian's URL defaults to protobuf so a bare URL matches a default server.
   */
  SERIALIZATION("serialization", Type.STRING, "protobuf", "Remote wire format: protobuf or json");

  private final String camelName;
  private final Type type;
  private final Object defaultValue;
  private final String description;

  MeridianConnectionProperty(String camelName, Type type, Object defaultValue, String description) {
    this.camelName = camelName;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  @Override
  public String camelName() {
    return camelName;
  }

  @Override
  public Object defaultValue() {
    return defaultValue;
  }

  @Override
  public Type type() {
    return type;
  }

  @Override
  public Class valueClass() {
    return String.class;
  }

  @Override
  public boolean required() {
    return false;
  }

  /** A sentence for tools that list driver properties. */
  public String description() {
    return description;
  }

  @Override
  public ConnectionPropertyValue wrap(Properties properties) {
    return new ConnectionConfigImpl.PropEnv(ConnectionConfigImpl.parse(properties, null), this);
  }

  /** The value given in {@code properties}, or the default. */
  public String get(Properties properties) {
    String value = properties.getProperty(camelName);
    if (value == null) {
      for (String key : properties.stringPropertyNames()) {
        if (key.toLowerCase(Locale.ROOT).equals(camelName.toLowerCase(Locale.ROOT))) {
          return properties.getProperty(key);
        }
      }
    }
    return value != null ? value : (String) defaultValue;
  }
}
