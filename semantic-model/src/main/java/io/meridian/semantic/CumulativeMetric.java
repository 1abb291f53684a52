package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A measure accumulated over time at a grain: a running total since the beginning ({@code window} empty) or over a
 * trailing window ({@code 7 days}), for instance daily streams of the last 7 days.
 *
 * @param name the metric's name
 * @param measure the accumulated measure; it must be additive or re-aggregable for a running total to make sense
 * @param timeTable the table of the time dimension (the measure's table, or one it joins to)
 * @param timeDimension the time dimension the accumulation follows
 * @param window the trailing window; empty for a running total from the first row
 * @param grain the grain at which values are reported and the window is counted
 * @param metadata description, owner, tags, certification
 * @param position where the metric is declared
 */
public record CumulativeMetric(String name, MetricInput.MeasureRef measure, String timeTable, String timeDimension,
    Optional<TrailingWindow> window, TimeGrain grain, Metadata metadata, SourcePosition position) implements Metric {
  public CumulativeMetric {
    requireNonNull(name, "name is null");
    requireNonNull(measure, "measure is null");
    requireNonNull(timeTable, "timeTable is null");
    requireNonNull(timeDimension, "timeDimension is null");
    requireNonNull(window, "window is null");
    requireNonNull(grain, "grain is null");
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
    if (window.isPresent() && window.get().unit() != grain) {
      throw new IllegalArgumentException("window of " + name + " must be counted in its grain " + grain.key());
    }
  }

  @Override
  public List<MetricInput> inputs() {
    return List.of(measure);
  }

  /**
   * A window of the last {@code length} periods of {@code unit}, the current one included: {@code 7 days}.
   *
   * @param length how many periods, at least 1
   * @param unit the period
   */
  public record TrailingWindow(int length, TimeGrain unit) {
    public TrailingWindow {
      requireNonNull(unit, "unit is null");
      if (length < 1) {
        throw new IllegalArgumentException("window length must be at least 1, got " + length);
      }
    }

    @Override
    public String toString() {
      return length + " " + unit.key() + (length == 1 ? "" : "s");
    }
  }
}
