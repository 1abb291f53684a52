package io.meridian.spi;

import java.util.Set;
import org.apache.calcite.schema.Schema;

/**
 * A configured, running source: its name, what it can do, its tables as a Calcite {@link Schema}, and the version of
 * its data. Implementations own their resources (pools, clients) and release them on {@link #close()}.
 */
public interface Connector extends AutoCloseable {
  /** The source name from the configuration; also the SQL schema name its tables appear under. */
  String name();

  SourceKind kind();

  /** What this source can run itself; rules consult this before pushing work down. */
  Set<Capability> capabilities();

  /** The tables of this source. The same instance is shared by all connections. */
  Schema schema();

  /** The current data version, or an unknown version when the source cannot tell. */
  DataVersion dataVersion();

  /**
   * The current version of the data in some of this source's tables (names as {@link #schema()} knows them): what
   * the result cache compares to decide that an answer read from these tables still holds. A source that versions
   * each table (Iceberg snapshots) answers for exactly these tables; the default is the whole source's version.
   * Called on every cacheable execution, so it must be cheap (a metadata read, not a scan).
   */
  default DataVersion dataVersion(java.util.Set<String> tables) {
    return dataVersion();
  }

  /** Checks the source answers, within its connection timeout; throws {@link MeridianException} if not. */
  void checkHealth();

  @Override
  void close();
}
