package io.meridian.engine.semantic;

import io.meridian.semantic.Aggregation;
import io.meridian.semantic.Measure;
import io.meridian.semantic.Rollup;
import io.meridian.semantic.TimeGrain;
import java.util.List;

/**
 * The column names of a rollup's table: one per dimension ({@code <table>__<dimension>}), the time dimension at its
 * grain ({@code <table>__<dimension>__<grain>}), and one per measure, or two for an average ({@code <measure>__sum},
 * {@code <measure>__count}), which is stored as its additive parts.
 */
public final class RollupColumns {
  private RollupColumns() {}

  public static String dimension(Rollup.DimensionRef ref) {
    return ref.table() + "__" + ref.dimension();
  }

  public static String time(Rollup.DimensionRef ref, TimeGrain grain) {
    return dimension(ref) + grain.suffix();
  }

  /** The stored parts of a measure: its own value, or the sum and count of an average. */
  public static List<String> measure(Measure m) {
    return m.aggregation() == Aggregation.AVG ? List.of(m.name() + "__sum", m.name() + "__count")
        : List.of(m.name());
  }

  /** Every column of the rollup's table, in order: dimensions, the time dimension, measure parts. */
  public static List<String> all(Rollup rollup, List<Measure> measures) {
    java.util.ArrayList<String> all = new java.util.ArrayList<>();
    rollup.dimensions().forEach(d -> all.add(dimension(d)));
    rollup.time().ifPresent(t -> all.add(time(t, rollup.grain().orElseThrow())));
    measures.forEach(m -> all.addAll(measure(m)));
    return List.copyOf(all);
  }

  /** Whether values at {@code fine} can be grouped into {@code coarse} (weeks do not fit in months). */
  public static boolean rollsUp(TimeGrain fine, TimeGrain coarse) {
    if (coarse.ordinal() < fine.ordinal()) {
      return false;
    }
    return fine == coarse || fine != TimeGrain.WEEK;
  }

  /** UTC epoch milliseconds truncated to a grain (weeks start on Monday). */
  public static long floor(long millis, TimeGrain grain) {
    java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000L),
        (int) Math.floorMod(millis, 1000L) * 1_000_000, java.time.ZoneOffset.UTC);
    java.time.LocalDateTime day = t.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    java.time.LocalDateTime f = switch (grain) {
      case HOUR -> t.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
      case DAY -> day;
      case WEEK -> day.with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
      case MONTH -> day.withDayOfMonth(1);
      case QUARTER -> day.withDayOfMonth(1).withMonth((t.getMonthValue() - 1) / 3 * 3 + 1);
      case YEAR -> day.withDayOfYear(1);
    };
    return f.toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
  }
}
