package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.Capability;
import io.meridian.spi.Connector;
import io.meridian.spi.DataVersion;
import io.meridian.spi.SourceKind;
import io.meridian.spi.SourceQueryListener;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.util.BuiltInMethod;

/**
 * Entry point of the Pinot connector: tables from the controller, queries to the broker's SQL endpoint, pushdown
 * through {@link PinotRules}. Nothing is contacted until the first query, so a Pinot that is down does not stop
 * Meridian from starting; queries that need it fail with an error naming the source.
 */
public final class PinotConnector implements Connector {
  private final PinotSettings settings;
  private final PinotRuntime runtime;
  private final PinotSchema schema;

  public PinotConnector(PinotSettings settings, SourceQueryListener listener) {
    this.settings = requireNonNull(settings, "settings is null");
    PinotClient client = new PinotClient(settings);
    this.runtime = new PinotRuntime(settings, client, listener);
    this.schema = new PinotSchema(client, new PinotConvention(schemaExpression(settings.name()), runtime));
  }

  private static Expression schemaExpression(String name) {
    return Expressions.call(
        Expressions.call(DataContext.ROOT, BuiltInMethod.DATA_CONTEXT_GET_ROOT_SCHEMA.method),
        BuiltInMethod.SCHEMA_GET_SUB_SCHEMA.method,
        Expressions.constant(name));
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public SourceKind kind() {
    return SourceKind.PINOT;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.FILTER, Capability.PROJECT, Capability.AGGREGATE, Capability.SORT,
        Capability.LIMIT, Capability.CANCEL, Capability.RUNTIME_FILTER);
  }

  @Override
  public Schema schema() {
    return schema;
  }

  public PinotSettings settings() {
    return settings;
  }

  /** Pinot's statistics of recent queries, by the SQL sent. */
  public PinotRuntime runtime() {
    return runtime;
  }

  /**
   * Pinot ingests continuously and exposes no cheap watermark over its tables, so its version is a short bound: a
   * constant version valid for {@code version-granularity} (default one second), so an answer read from Pinot is
   * reused only while younger than that. A granularity of zero makes the version unknown: nothing is ever reused.
   */
  @Override
  public DataVersion dataVersion() {
    Instant now = Instant.now();
    if (settings.versionGranularity().isZero()) {
      return DataVersion.unknown(settings.name(), now);
    }
    return DataVersion.timeToLive(settings.name(), settings.versionGranularity(), now);
  }

  @Override
  public void checkHealth() {
    runtime.client().tables();
  }

  @Override
  public void close() {
    // The JDK HTTP client holds no connection that outlives its requests' idle timeout.
  }
}
