package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkRange;

import java.time.Duration;
import java.util.Map;

/**
 * Where and how Meridian keeps the rollups the semantic model declares ({@code rollups:} in {@code meridian.yaml}).
 * Rollups are Iceberg tables in a lake Meridian owns; several servers given the same catalog share them.
 *
 * @param catalog {@code catalog}: the Iceberg catalog's properties, as for a lake source ({@code type}: hadoop, jdbc
 *     or rest; {@code warehouse}, relative to the configuration file when local; default a hadoop catalog in the
 *     folder {@code rollups} next to the configuration file)
 * @param namespace {@code namespace}: the Iceberg namespace of the rollup tables (default {@code meridian_rollups})
 * @param memoryMaxRows {@code memory-max-rows}: rollups of at most this many rows are also kept in memory and answered
 *     from there (0..100,000,000; default 1,000,000); larger ones are read from their Iceberg table
 * @param refreshCheck {@code refresh-check}: how often each rollup's refresh policy is checked in the background, and
 *     missing rollups built ({@code 0} = never: rollups are built and refreshed by {@code bin/meridian rollups});
 *     default {@code 1m}
 */
public record RollupsConfig(Map<String, String> catalog, String namespace, Integer memoryMaxRows,
    Duration refreshCheck) {
  public static final RollupsConfig DEFAULT = new RollupsConfig(null, null, null, null);

  public RollupsConfig {
    catalog = catalog == null || catalog.isEmpty() ? Map.of("type", "hadoop", "warehouse", "rollups")
        : Map.copyOf(catalog);
    namespace = namespace == null ? "meridian_rollups" : namespace;
    memoryMaxRows = checkRange("memory-max-rows", memoryMaxRows == null ? 1_000_000 : memoryMaxRows, 0,
        100_000_000);
    refreshCheck = checkRange("refresh-check", refreshCheck == null ? Duration.ofMinutes(1) : refreshCheck,
        Duration.ZERO, Duration.ofDays(1));
  }
}
