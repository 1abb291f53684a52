package io.meridian.semantic;

import java.util.List;
import java.util.Optional;

/**
 * What the loader needs to know about the sources to check a model: which sources exist and the columns of their
 * tables and queries. The engine implements it from the live sources; tests implement it with a map.
 */
public interface PhysicalCatalog {
  /** Whether a source of this name is configured. */
  boolean hasSource(String source);

  /** The columns of {@code table} in {@code source}; empty when the source or the table does not exist. */
  Optional<List<PhysicalColumn>> columns(String source, String table);

  /**
   * The columns a query returns when run on {@code source}; empty when the source does not exist.
   *
   * @throws io.meridian.spi.MeridianException when the source rejects the query; the loader reports its message
   */
  Optional<List<PhysicalColumn>> queryColumns(String source, String sql);
}
