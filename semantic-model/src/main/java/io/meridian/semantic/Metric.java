package io.meridian.semantic;

import java.util.List;

/**
 * A governed business metric defined over measures and other metrics. Measures are metrics in their own right
 * ({@code plays.streams}); this type covers the composite kinds.
 */
public sealed interface Metric permits RatioMetric, DerivedMetric, CumulativeMetric {
  /** Lower-case identifier, unique among metrics and distinct from every measure's name. */
  String name();

  Metadata metadata();

  SourcePosition position();

  /** The measures and metrics this metric reads, in the order written. */
  List<MetricInput> inputs();
}
