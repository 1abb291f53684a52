package io.meridian.engine;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Everything that makes two prepares of a statement produce the same plan: the SQL text, the default schema, the row
 * limit and the result element type. (All Meridian connections share lexical settings and schema, and plans do not
 * depend on the caller; when access policies arrive, the caller's identity and policy version join this key.) Which
 * rollups may answer is part of the plan, so their state ({@link io.meridian.engine.rollup.RollupManager#stateToken})
 * and whether the connection uses them are in the key too. So are the versions of the hybrid tables' histories, for a
 * statement that may read one ({@link io.meridian.engine.hybrid.HybridConnector#planVersion}): its plan holds the
 * boundary derived from them.
 */
record PlanKey(String sql, List<String> defaultSchemaPath, long maxRowCount, String elementType, String rollups,
    String hybrid) {
  PlanKey {
    requireNonNull(sql, "sql is null");
    defaultSchemaPath = defaultSchemaPath == null ? List.of() : List.copyOf(defaultSchemaPath);
    requireNonNull(elementType, "elementType is null");
    requireNonNull(rollups, "rollups is null");
    requireNonNull(hybrid, "hybrid is null");
  }
}
