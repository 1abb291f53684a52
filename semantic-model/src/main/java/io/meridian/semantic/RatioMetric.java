package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One measure or metric divided by another, each aggregated on its own table before the division (so a ratio of
 * measures of different tables is correct): {@code arpu = payments.revenue / payments.paying_accounts}. The division is
 * in floating point and is NULL when the denominator is 0.
 *
 * @param name the metric's name
 * @param numerator what is divided
 * @param denominator what it is divided by
 * @param metadata description, owner, tags, certification
 * @param position where the metric is declared
 */
public record RatioMetric(String name, MetricInput numerator, MetricInput denominator, Metadata metadata,
    SourcePosition position) implements Metric {
  public RatioMetric {
    requireNonNull(name, "name is null");
    requireNonNull(numerator, "numerator is null");
    requireNonNull(denominator, "denominator is null");
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
  }

  @Override
  public List<MetricInput> inputs() {
    return List.of(numerator, denominator);
  }
}
