package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * An aggregate over a semantic table's rows; every measure is a metric in its own right, addressed as
 * {@code <table>.<measure>}.
 *
 * @param name lower-case identifier, unique within its table (and distinct from its dimensions and segments)
 * @param aggregation how rows are aggregated
 * @param expr what is aggregated; empty only for a {@code count} without {@code expr}, which counts rows
 *     ({@code COUNT(*)}); for other aggregations the name itself when the file gives none
 * @param filter rows that count, if the measure is filtered ({@code COUNT(*) FILTER (WHERE ...)})
 * @param metadata description, owner, tags, certification
 * @param position where the measure is declared
 */
public record Measure(String name, Aggregation aggregation, Optional<SqlExpression> expr,
    Optional<SqlExpression> filter, Metadata metadata, SourcePosition position) {
  public Measure {
    requireNonNull(name, "name is null");
    requireNonNull(aggregation, "aggregation is null");
    requireNonNull(expr, "expr is null");
    requireNonNull(filter, "filter is null");
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
    if (expr.isEmpty() && aggregation != Aggregation.COUNT) {
      throw new IllegalArgumentException("only count may omit its expression: " + name);
    }
  }
}
