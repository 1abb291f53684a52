package io.meridian.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.junit.jupiter.api.Test;

/** How server-side failures are turned into what the Avatica handler sends to the client. */
class SqlStatePreservingMetaTest {
  @Test
  void sqlExceptionWrappedByJdbcMetaKeepsItsState() {
    SQLException sql = new SQLException("Object 'x' not found", "42P01", 2);
    AvaticaRuntimeException e = (AvaticaRuntimeException) SqlStatePreservingMeta.translate(new RuntimeException(sql));
    assertEquals("42P01", e.getSqlState());
    assertEquals(2, e.getErrorCode());
    assertEquals("Object 'x' not found", e.getErrorMessage());
    assertEquals(AvaticaSeverity.ERROR, e.getSeverity());
  }

  @Test
  void meridianExceptionKeepsItsCode() {
    MeridianException m = new MeridianException(ErrorCode.SOURCE_UNAVAILABLE, "warehouse is down");
    AvaticaRuntimeException e = (AvaticaRuntimeException) SqlStatePreservingMeta.translate(
        new IllegalStateException("wrapped", m));
    assertEquals("08001", e.getSqlState());
    assertEquals(ErrorCode.SOURCE_UNAVAILABLE.code(), e.getErrorCode());
  }

  @Test
  void sqlExceptionWithoutStateIsInternal() {
    AvaticaRuntimeException e = (AvaticaRuntimeException) SqlStatePreservingMeta.translate(
        new RuntimeException(new SQLException("no state")));
    assertEquals("XX000", e.getSqlState());
  }

  @Test
  void otherFailuresAreInternalErrors() {
    AvaticaRuntimeException e = (AvaticaRuntimeException) SqlStatePreservingMeta.translate(
        new NullPointerException("boom"));
    assertEquals("XX000", e.getSqlState());
    assertTrue(e.getErrorMessage().contains("boom"), e.getErrorMessage());
  }

  @Test
  void avaticaSignalsPassUnchanged() {
    NoSuchConnectionException missing = new NoSuchConnectionException("gone");
    assertSame(missing, SqlStatePreservingMeta.translate(missing));
    AvaticaRuntimeException already = new AvaticaRuntimeException("x", 1, "53300", AvaticaSeverity.ERROR);
    assertSame(already, SqlStatePreservingMeta.translate(already));
    NoSuchStatementException checked = new NoSuchStatementException(null);
    assertSame(checked, SqlStatePreservingMeta.translate(checked));
    StackOverflowError error = new StackOverflowError();
    assertSame(error, SqlStatePreservingMeta.translate(error));
  }

  @Test
  void clientTransportPropertiesDoNotReachTheEmbeddedDriver() {
    Properties client = new Properties();
    client.setProperty("url", "http://127.0.0.1:8765");
    client.setProperty("serialization", "protobuf");
    client.setProperty("avatica.connectioncache.maxcapacity", "10");
    client.setProperty("transparent_reconnection", "true");
    client.setProperty("schema", "warehouse");
    client.setProperty("timeZone", "Asia/Kolkata");
    client.setProperty("user", "ana");
    client.setProperty("queryTimeout", "30s");
    Properties embedded = MeridianMeta.embeddedProperties(client);
    Properties expected = new Properties();
    expected.setProperty("schema", "warehouse");
    expected.setProperty("timeZone", "Asia/Kolkata");
    expected.setProperty("user", "ana");
    expected.setProperty("queryTimeout", "30s");
    assertEquals(expected, embedded);
  }
}
