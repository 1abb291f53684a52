package io.meridian.engine.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.semantic.Rollup;
import java.util.List;
import java.util.Optional;

/**
 * A rollup as the rewrite sees it when a query is expanded: where its rows are, and whether they may answer.
 *
 * @param rollup the declaration
 * @param table the SQL path of the table holding its rows ({@code meridian_rollups.plays_daily})
 * @param unusable why it may not answer at all (not built, built from another model, its source changed in a way
 *     it cannot follow); empty when it may
 * @param seam when its source has moved on since the build by appends only: a literal of the rollup's time column
 *     type ({@code TIMESTAMP '2024-03-01 00:00:00'}); the rollup answers times before it, the source the rest
 * @param types the SQL type of each column of the rollup's table ({@code DECIMAL(38, 2)}), by column name
 */
public record RollupCandidate(Rollup rollup, List<String> table, Optional<String> unusable, Optional<String> seam,
    java.util.Map<String, String> types) {
  public RollupCandidate {
    requireNonNull(rollup, "rollup is null");
    table = List.copyOf(requireNonNull(table, "table is null"));
    requireNonNull(unusable, "unusable is null");
    requireNonNull(seam, "seam is null");
    types = java.util.Map.copyOf(requireNonNull(types, "types is null"));
  }

  /** The rollups of one semantic table, for the rewrite. */
  @FunctionalInterface
  public interface Catalog {
    /** The rollups of semantic table {@code table}, best first (the rewrite uses the first that can answer). */
    List<RollupCandidate> candidates(String table);
  }
}
