package io.meridian.jdbc;

import io.meridian.engine.Errors;
import io.meridian.engine.CacheMode;
import io.meridian.engine.MeridianEngine;
import io.meridian.engine.MeridianPrepare;
import io.meridian.engine.config.Durations;
import io.meridian.jdbc.remote.FrameServiceFactory;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.ConnectionProperty;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Handler;
import org.apache.calcite.avatica.HandlerImpl;
import org.apache.calcite.jdbc.MeridianCalciteConnection;
import org.apache.calcite.jdbc.Driver;

/**
 * Meridian's JDBC driver: one jar, two kinds of URL.
 * <ul>
 *   <li>{@code jdbc:meridian:config=/path/meridian.yaml} opens an embedded connection, served in this JVM by the
 *       {@link MeridianEngine} of that file (shared by all connections to it);</li>
 *   <li>{@code jdbc:meridian:remote:url=http://127.0.0.1:8765} connects to a Meridian server through Avatica's remote
 *       driver (protobuf unless {@code serialization=json}).</li>
 * </ul>
 * See {@link MeridianConnectionProperty} for the properties.
 */
public class MeridianDriver extends Driver {
  public static final String PREFIX = "jdbc:meridian:";
  public static final String REMOTE_PREFIX = PREFIX + "remote:";
  public static final String VERSION = "0.1.0";
  /**
   * Rows per frame of a remote result when the application sets no fetch size (Avatica's {@code fetch_size}
   * connection property or {@code Statement.setFetchSize}): the frames after the first, which the execute response
   * carries (up to 100 rows, so first rows come as soon as before). The server also caps each frame in bytes.
   */
  public static final int REMOTE_FETCH_SIZE = 10_000;
  /** The catalog every embedded connection is in. */
  public static final String CATALOG = "meridian";

  /**
   * Lexical settings of every embedded connection, PostgreSQL-like: unquoted identifiers fold to lower case, double
   * quotes quote, names match case-insensitively. They are fixed (not overridable) because shared plans depend on them.
   */
  private static final Properties FIXED = new Properties();

  static {
    FIXED.setProperty("quoting", "DOUBLE_QUOTE");
    FIXED.setProperty("unquotedCasing", "TO_LOWER");
    FIXED.setProperty("quotedCasing", "UNCHANGED");
    FIXED.setProperty("caseSensitive", "false");
    FIXED.setProperty("fun", "standard,postgresql");
    FIXED.setProperty("conformance", "LENIENT");
    FIXED.setProperty("materializationsEnabled", "false");
    FIXED.setProperty("createMaterializations", "false");
    FIXED.setProperty("metaColumnFactory", "io.meridian.engine.semantic.MeridianMetaColumnFactory");
    new MeridianDriver().register();
  }

  public MeridianDriver() {
    super(MeridianPrepare::new);
  }

  @Override
  protected String getConnectStringPrefix() {
    return PREFIX;
  }

  @Override
  protected DriverVersion createDriverVersion() {
    return new DriverVersion("Meridian JDBC Driver", VERSION, "Meridian", VERSION, true, 0, 1, 0, 1);
  }

  @Override
  protected Handler createHandler() {
    return new HandlerImpl();
  }

  @Override
  protected Collection<ConnectionProperty> getConnectionProperties() {
    List<ConnectionProperty> list = new ArrayList<>(super.getConnectionProperties());
    Collections.addAll(list, MeridianConnectionProperty.values());
    return list;
  }

  /** Meridian's own properties, with descriptions and current values, for tools that show a property editor. */
  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    Properties given = info == null ? new Properties() : info;
    Properties properties = url != null && url.startsWith(PREFIX) && !url.startsWith(REMOTE_PREFIX)
        ? ConnectStringParser.parse(url.substring(PREFIX.length()), given) : given;
    List<DriverPropertyInfo> list = new ArrayList<>();
    for (MeridianConnectionProperty p : MeridianConnectionProperty.values()) {
      DriverPropertyInfo i = new DriverPropertyInfo(p.camelName(), p.get(properties));
      i.description = p.description();
      i.required = p == MeridianConnectionProperty.CONFIG && (url == null || !url.startsWith(REMOTE_PREFIX));
      list.add(i);
    }
    return list.toArray(new DriverPropertyInfo[0]);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (url == null || !acceptsURL(url)) {
      return null;
    }
    Properties given = info == null ? new Properties() : info;
    if (url.startsWith(REMOTE_PREFIX)) {
      return connectRemote(url, given);
    }
    Properties properties = ConnectStringParser.parse(url.substring(PREFIX.length()), given);
    String config = MeridianConnectionProperty.CONFIG.get(properties);
    if (config == null || config.isBlank()) {
      throw new SQLException("Meridian URL needs config=<path of meridian.yaml> (or remote:url=http://host:port): "
          + url, ErrorCode.INVALID_CONNECTION_PROPERTY.sqlState(), ErrorCode.INVALID_CONNECTION_PROPERTY.code());
    }
    checkProperties(properties);
    MeridianEngine engine;
    try {
      engine = MeridianEngine.shared(Path.of(config));
    } catch (MeridianException e) {
      throw e.toSqlException();
    } catch (RuntimeException e) {
      throw Errors.translate(e, null).toSqlException();
    }
    // Rollup builds run as queries over this same engine, through connections like this one.
    Properties base = new Properties();
    base.putAll(given);
    engine.rollups().connections(extra -> {
      Properties p = new Properties();
      p.putAll(base);
      p.putAll(extra);
      return connect(url, p);
    });
    properties.putAll(FIXED);
    AvaticaConnection connection =
        new MeridianCalciteConnection(this, factory, url, properties, engine.rootSchema(), engine.typeFactory());
    handler.onConnectionInit(connection);
    // One catalog, named for tools that list catalogs and expect a name.
    connection.setCatalog(CATALOG);
    String schema = properties.getProperty("schema");
    connection.setSchema(schema != null ? schema : engine.config().defaultSchema());
    return connection;
  }

  /**
   * Checks Meridian's own properties, and stores each under its canonical name (keys match in any case), which is how
   * the engine reads them.
   */
  private static void checkProperties(Properties properties) throws SQLException {
    for (MeridianConnectionProperty p : MeridianConnectionProperty.values()) {
      String value = p.get(properties);
      if (value == null || value == p.defaultValue()) {
        continue;
      }
      try {
        switch (p) {
          case QUERY_TIMEOUT, MAX_STALENESS -> Durations.parse(value);
          case CACHE_MODE -> CacheMode.parse(value);
          case USE_ROLLUPS -> {
            if (!value.strip().equalsIgnoreCase("true") && !value.strip().equalsIgnoreCase("false")) {
              throw new IllegalArgumentException("must be true or false, got '" + value + "'");
            }
          }
          default -> { }
        }
      } catch (IllegalArgumentException e) {
        throw new SQLException("connection property " + p.camelName() + ": " + e.getMessage(),
            ErrorCode.INVALID_CONNECTION_PROPERTY.sqlState(), ErrorCode.INVALID_CONNECTION_PROPERTY.code());
      }
      properties.setProperty(p.camelName(), value);
    }
  }

  /** Hands the connection to Avatica's remote driver, translating the URL. */
  private static Connection connectRemote(String url, Properties info) throws SQLException {
    String rest = url.substring(REMOTE_PREFIX.length());
    Properties properties = ConnectStringParser.parse(rest, info);
    if (properties.getProperty("serialization") == null) {
      properties.setProperty("serialization", MeridianConnectionProperty.SERIALIZATION.get(properties));
    }
    // Meridian's service (FrameTranslation reads protobuf rows), unless the caller names one.
    if (!hasProperty(properties, "factory")) {
      properties.setProperty("factory", FrameServiceFactory.class.getName());
    }
    // Statements' default fetch size (Avatica's is 100 rows, a round trip per 100 rows); the server bounds every frame
    // in bytes, so a wide result still comes in frames of a few megabytes.
    if (!hasProperty(properties, "fetch_size")) {
      properties.setProperty("fetch_size", Integer.toString(REMOTE_FETCH_SIZE));
    }
    try {
      return new MeridianRemoteDriver().connect("jdbc:avatica:remote:", properties);
    } catch (AvaticaClientRuntimeException e) {
      // The server refused the connection (for example, its connection limit); keep its SQLSTATE.
      throw new SQLException(e.getMessage(), e.getSqlState(), e.getErrorCode(), e);
    } catch (RuntimeException e) {
      // Avatica's remote driver reports an unreachable server as an unchecked exception.
      throw new SQLException("cannot reach the Meridian server at " + properties.getProperty("url") + ": "
          + rootMessage(e), ErrorCode.SERVER_UNAVAILABLE.sqlState(), ErrorCode.SERVER_UNAVAILABLE.code(), e);
    }
  }

  private static boolean hasProperty(Properties properties, String name) {
    // Avatica matches property names in any case.
    return properties.stringPropertyNames().stream().anyMatch(name::equalsIgnoreCase);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getName();
  }
}
