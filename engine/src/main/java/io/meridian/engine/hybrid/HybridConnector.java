package io.meridian.engine.hybrid;

import static java.util.Objects.requireNonNull;

import io.meridian.engine.config.HybridTableConfig;
import io.meridian.spi.Capability;
import io.meridian.spi.Connector;
import io.meridian.spi.DataVersion;
import io.meridian.spi.SourceKind;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * A {@code kind: hybrid} source: a schema of {@link HybridTable}s over two other sources. It owns nothing; its data
 * version combines those of the sources it reads.
 */
public final class HybridConnector implements Connector {
  private final String name;
  private final List<Connector> sources;
  private final Schema schema;
  private final List<HybridTable> tables;

  public HybridConnector(String name, List<HybridTableConfig> tables, Function<String, Connector> connectors) {
    this.name = requireNonNull(name, "name is null");
    Map<String, Table> map = new LinkedHashMap<>();
    Set<Connector> used = new java.util.LinkedHashSet<>();
    for (HybridTableConfig t : tables) {
      Connector history = connectors.apply(HybridTableConfig.sourceOf(t.history()));
      Connector recent = connectors.apply(HybridTableConfig.sourceOf(t.recent()));
      used.add(history);
      used.add(recent);
      map.put(t.name(), new HybridTable(t, history, recent));
    }
    this.sources = List.copyOf(used);
    this.tables = map.values().stream().map(HybridTable.class::cast).toList();
    Map<String, Table> frozen = Map.copyOf(map);
    this.schema = new AbstractSchema() {
      @Override
      protected Map<String, Table> getTableMap() {
        return frozen;
      }
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SourceKind kind() {
    return SourceKind.HYBRID;
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.noneOf(Capability.class);
  }

  @Override
  public Schema schema() {
    return schema;
  }

  /** Known only when every source it reads knows its version: then it is their versions together. */
  @Override
  public DataVersion dataVersion() {
    StringBuilder version = new StringBuilder();
    for (Connector source : sources) {
      DataVersion v = source.dataVersion();
      if (!v.isKnown()) {
        return new DataVersion(name, DataVersion.UNKNOWN, Instant.now());
      }
      version.append(source.name()).append('=').append(v.version()).append(';');
    }
    return new DataVersion(name, version.toString(), Instant.now());
  }

  /** What plans over this source's tables depend on: each table's {@link HybridTable#planVersion()}. */
  public String planVersion() {
    StringBuilder version = new StringBuilder();
    for (HybridTable table : tables) {
      version.append(table.planVersion()).append(';');
    }
    return version.toString();
  }

  @Override
  public void checkHealth() {
    sources.forEach(Connector::checkHealth);
  }

  @Override
  public void close() {
    // The sources are closed by the engine that owns them.
  }
}
