package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Pins the connection properties' names and defaults, and the driver's URL handling. */
class MeridianConnectionPropertyTest {
  @Test
  void namesAndDefaults() {
    assertEquals("config", MeridianConnectionProperty.CONFIG.camelName());
    assertNull(MeridianConnectionProperty.CONFIG.defaultValue());
    assertEquals("queryTimeout", MeridianConnectionProperty.QUERY_TIMEOUT.camelName());
    assertEquals("0", MeridianConnectionProperty.QUERY_TIMEOUT.defaultValue());
    assertEquals("serialization", MeridianConnectionProperty.SERIALIZATION.camelName());
    assertEquals("protobuf", MeridianConnectionProperty.SERIALIZATION.defaultValue());
    assertEquals("cacheMode", MeridianConnectionProperty.CACHE_MODE.camelName());
    assertEquals("on", MeridianConnectionProperty.CACHE_MODE.defaultValue());
    assertEquals("maxStaleness", MeridianConnectionProperty.MAX_STALENESS.camelName());
    assertNull(MeridianConnectionProperty.MAX_STALENESS.defaultValue(), "the server's cache.max-staleness applies");
    assertEquals("useRollups", MeridianConnectionProperty.USE_ROLLUPS.camelName());
    assertEquals("true", MeridianConnectionProperty.USE_ROLLUPS.defaultValue());
    assertEquals(6, MeridianConnectionProperty.values().length, "a new property needs a line in this test and the README");

    Properties p = new Properties();
    assertEquals("0", MeridianConnectionProperty.QUERY_TIMEOUT.get(p));
    p.setProperty("QUERYTIMEOUT", "5s");
    assertEquals("5s", MeridianConnectionProperty.QUERY_TIMEOUT.get(p), "keys match case-insensitively");
  }

  @Test
  void driverIsRegisteredAndDescribesItsProperties() throws SQLException {
    Driver driver = DriverManager.getDriver("jdbc:meridian:config=/x.yaml");
    assertTrue(driver instanceof MeridianDriver);
    assertTrue(driver.acceptsURL("jdbc:meridian:remote:url=http://127.0.0.1:8765"));
    assertTrue(!driver.acceptsURL("jdbc:postgresql://x/y"));
    DriverPropertyInfo[] infos = driver.getPropertyInfo("jdbc:meridian:", new Properties());
    assertTrue(Arrays.stream(infos).anyMatch(i -> i.name.equals("queryTimeout") && i.description != null));
  }

  @Test
  void urlErrorsHaveSqlStates() {
    SQLException noConfig = assertThrows(SQLException.class, () -> DriverManager.getConnection("jdbc:meridian:"));
    assertEquals("08001", noConfig.getSQLState());
    SQLException missing = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:meridian:config=/does/not/exist.yaml"));
    assertEquals("F0000", missing.getSQLState());
    assertTrue(missing.getMessage().contains("/does/not/exist.yaml"), missing.getMessage());
    SQLException badTimeout = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:meridian:config=/x.yaml;queryTimeout=soon"));
    assertEquals("08001", badTimeout.getSQLState());
    SQLException badMode = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:meridian:config=/x.yaml;cacheMode=sometimes"));
    assertEquals("08001", badMode.getSQLState());
    assertTrue(badMode.getMessage().contains("cacheMode"), badMode.getMessage());
    SQLException badStaleness = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:meridian:config=/x.yaml;maxStaleness=fresh"));
    assertEquals("08001", badStaleness.getSQLState());
  }
}
