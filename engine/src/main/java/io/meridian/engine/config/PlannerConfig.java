package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkRange;

import java.time.Duration;

/**
 * Planning and execution limits ({@code planner:} in {@code meridian.yaml}).
 *
 * @param planCacheSize {@code plan-cache-size}: prepared plans kept for reuse by repeated statements (0 disables;
 *     default 1000)
 * @param exhaustiveJoinLimit {@code exhaustive-join-limit}: queries with at most this many joins are ordered by
 *     exhaustive search; larger ones by a bounded heuristic (default 1, so planning time grows gently with joins)
 * @param queryTimeout {@code query-timeout}: the longest any query may run; a statement's own timeout can only be
 *     shorter (0 = no limit, default 0)
 * @param runtimeFilterMaxKeys {@code runtime-filter-max-keys}: the most distinct keys a join's build side sends to
 *     the probe side's source as a runtime filter; with more, only their range is sent (0 turns runtime filters
 *     off; default 100,000, a few megabytes per filter at most)
 */
public record PlannerConfig(Integer planCacheSize, Integer exhaustiveJoinLimit, Duration queryTimeout,
    Integer runtimeFilterMaxKeys) {
  public static final PlannerConfig DEFAULT = new PlannerConfig(null, null, null, null);

  public PlannerConfig {
    planCacheSize = checkRange("plan-cache-size", planCacheSize == null ? 1000 : planCacheSize, 0, 1_000_000);
    exhaustiveJoinLimit = checkRange("exhaustive-join-limit", exhaustiveJoinLimit == null ? 1 : exhaustiveJoinLimit, 0, 4);
    queryTimeout = checkRange("query-timeout", queryTimeout == null ? Duration.ZERO : queryTimeout,
        Duration.ZERO, Duration.ofDays(1));
    runtimeFilterMaxKeys = checkRange("runtime-filter-max-keys",
        runtimeFilterMaxKeys == null ? 100_000 : runtimeFilterMaxKeys, 0, 10_000_000);
  }
}
