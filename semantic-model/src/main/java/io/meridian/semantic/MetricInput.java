package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

/** What a metric is computed from: a measure of a table, or another metric. */
public sealed interface MetricInput {
  /**
   * A measure: {@code payments.revenue}.
   *
   * @param table the semantic table
   * @param measure the measure of that table
   */
  record MeasureRef(String table, String measure) implements MetricInput {
    public MeasureRef {
      requireNonNull(table, "table is null");
      requireNonNull(measure, "measure is null");
    }

    @Override
    public String toString() {
      return table + "." + measure;
    }
  }

  /**
   * Another metric: {@code arpu}.
   *
   * @param metric the metric's name
   */
  record MetricRef(String metric) implements MetricInput {
    public MetricRef {
      requireNonNull(metric, "metric is null");
    }

    @Override
    public String toString() {
      return metric;
    }
  }
}
