package io.meridian.engine.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.semantic.Dimension;
import io.meridian.semantic.Measure;
import io.meridian.semantic.Metadata;
import io.meridian.semantic.Metric;
import io.meridian.semantic.Segment;
import io.meridian.semantic.TimeGrain;
import java.util.Optional;

/** A column of a semantic table as SQL sees it: a dimension (maybe at a time grain), a segment, a measure or a metric. */
public sealed interface SemanticColumn {
  /** The column name in SQL. */
  String name();

  /** {@code dimension}, {@code segment}, {@code measure} or {@code metric}; reported in {@code getColumns}. */
  String kind();

  Metadata metadata();

  /** A dimension of {@code table}, at {@code grain} when the column is a time grain column. */
  record DimensionColumn(String name, String table, Dimension dimension, Optional<TimeGrain> grain)
      implements SemanticColumn {
    public DimensionColumn {
      requireNonNull(name, "name is null");
      requireNonNull(table, "table is null");
      requireNonNull(dimension, "dimension is null");
      requireNonNull(grain, "grain is null");
    }

    @Override
    public String kind() {
      return "dimension";
    }

    @Override
    public Metadata metadata() {
      return dimension.metadata();
    }
  }

  /** A named filter of {@code table}, usable as a boolean column. */
  record SegmentColumn(String name, String table, Segment segment) implements SemanticColumn {
    public SegmentColumn {
      requireNonNull(name, "name is null");
      requireNonNull(table, "table is null");
      requireNonNull(segment, "segment is null");
    }

    @Override
    public String kind() {
      return "segment";
    }

    @Override
    public Metadata metadata() {
      return segment.metadata();
    }
  }

  /** A measure of {@code table}: aggregated at that table's grain. */
  record MeasureColumn(String name, String table, Measure measure) implements SemanticColumn {
    public MeasureColumn {
      requireNonNull(name, "name is null");
      requireNonNull(table, "table is null");
      requireNonNull(measure, "measure is null");
    }

    @Override
    public String kind() {
      return "measure";
    }

    @Override
    public Metadata metadata() {
      return measure.metadata();
    }
  }

  /** A metric built on measures. */
  record MetricColumn(String name, Metric metric) implements SemanticColumn {
    public MetricColumn {
      requireNonNull(name, "name is null");
      requireNonNull(metric, "metric is null");
    }

    @Override
    public String kind() {
      return "metric";
    }

    @Override
    public Metadata metadata() {
      return metric.metadata();
    }
  }
}
