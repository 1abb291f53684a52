package io.meridian.engine.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code hybrid:} section of a {@code kind: hybrid} source: its tables, each one logical table whose history is
 * read from one source (the lake) and whose recent rows from another (Pinot).
 *
 * @param tables {@code tables}: the hybrid tables (at least one)
 */
public record HybridSourceConfig(List<HybridTableConfig> tables) {
  public HybridSourceConfig {
    if (tables == null || tables.isEmpty()) {
      throw new IllegalArgumentException("tables: a hybrid source needs at least one table");
    }
    tables = List.copyOf(tables);
    Set<String> names = new HashSet<>();
    for (HybridTableConfig t : tables) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException("duplicate hybrid table '" + t.name() + "'");
      }
    }
  }
}
