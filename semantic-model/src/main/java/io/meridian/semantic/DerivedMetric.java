package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A SQL expression over measures ({@code <table>.<measure>}) and metrics (by name), each aggregated first:
 * {@code net_revenue = payments.revenue - payments.refunds}.
 *
 * @param name the metric's name
 * @param expr the expression; its identifiers are the inputs
 * @param inputs the measures and metrics the expression reads, in the order written, without repeats
 * @param metadata description, owner, tags, certification
 * @param position where the metric is declared
 */
public record DerivedMetric(String name, SqlExpression expr, List<MetricInput> inputs, Metadata metadata,
    SourcePosition position) implements Metric {
  public DerivedMetric {
    requireNonNull(name, "name is null");
    requireNonNull(expr, "expr is null");
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
  }
}
