package io.meridian.engine.rollup;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What is known of one rollup: whether and when it was built, from which source versions, and how it is used.
 *
 * @param name the rollup's name
 * @param table its semantic table
 * @param state {@code fresh} (answers everything), {@code behind} (answers up to a seam; the source answers the rest),
 *     {@code stale} (not used: see {@code reason}) or {@code missing} (not built)
 * @param reason why it is behind, stale or missing; empty when fresh
 * @param rows its row count (0 when missing)
 * @param inMemory whether its rows are answered from memory
 * @param builtAt when its current rows were built
 * @param buildMillis how long the last build here took
 * @param builds builds run by this engine
 * @param hits queries it answered (scans of its rows) in this engine
 * @param sourceVersions the data version of each source table it was built from ({@code lake.plays -> 6071...})
 * @param coveredTo the latest time bucket it holds, for a rollup with a time dimension
 * @param stalenessSeconds how far behind its sources it is: 0 when fresh, else seconds since it was built
 * @param lastError the last build or refresh failure here, if any
 */
public record RollupStatus(String name, String table, String state, Optional<String> reason, long rows,
    boolean inMemory, Optional<Instant> builtAt, long buildMillis, long builds, long hits,
    Map<String, String> sourceVersions, Optional<String> coveredTo, long stalenessSeconds,
    Optional<String> lastError) {}
