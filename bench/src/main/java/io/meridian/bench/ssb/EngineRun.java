package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One engine's runs of one query: planning (prepare) and execution (execute and fetch every value) times of each
 * timed run, and how its answer compared with DuckDB's.
 *
 * @param engine the engine's name
 * @param planMillis time in {@code prepareStatement} per run
 * @param execMillis time from {@code executeQuery} until every value was read, per run
 * @param difference empty when the answer equals DuckDB's, else how it differs (or why the engine failed)
 */
public record EngineRun(String engine, List<Double> planMillis, List<Double> execMillis, String difference) {
  public EngineRun {
    requireNonNull(engine, "engine is null");
    planMillis = List.copyOf(planMillis);
    execMillis = List.copyOf(execMillis);
    requireNonNull(difference, "difference is null");
  }

  public static EngineRun failed(String engine, String why) {
    return new EngineRun(engine, List.of(), List.of(), why);
  }

  public boolean correct() {
    return difference.isEmpty();
  }

  public boolean timed() {
    return !execMillis.isEmpty();
  }

  /** Median of plan + execute over the timed runs. */
  public double totalMedian() {
    double[] totals = new double[execMillis.size()];
    for (int i = 0; i < totals.length; i++) {
      totals[i] = planMillis.get(i) + execMillis.get(i);
    }
    return median(totals);
  }

  public double planMedian() {
    return median(planMillis.stream().mapToDouble(Double::doubleValue).toArray());
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
