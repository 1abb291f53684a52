package io.meridian.engine.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.engine.semantic.SemanticColumn.DimensionColumn;
import io.meridian.engine.semantic.SemanticColumn.MeasureColumn;
import io.meridian.engine.semantic.SemanticColumn.MetricColumn;
import io.meridian.engine.semantic.SemanticColumn.SegmentColumn;
import io.meridian.semantic.Dimension;
import io.meridian.semantic.Measure;
import io.meridian.semantic.Metric;
import io.meridian.semantic.MetricInput;
import io.meridian.semantic.Relationship;
import io.meridian.semantic.Segment;
import io.meridian.semantic.SemanticModel;
import io.meridian.semantic.SemanticTable;
import io.meridian.semantic.TimeGrain;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one semantic table looks like in SQL: its own dimensions (and their time-grain columns), segments and
 * measures; the members of every table its relationships reach, as {@code <table>__<name>} and also by their bare name
 * when that is unambiguous; and every metric whose measures are all within reach. Whether a member can be used with
 * another in one query (no fan-out) is decided per query by {@link SemanticExpander}.
 */
public final class SemanticView {
  private final SemanticTable table;
  private final Map<String, SemanticColumn> columns;

  private SemanticView(SemanticTable table, Map<String, SemanticColumn> columns) {
    this.table = table;
    this.columns = columns;
  }

  public static SemanticView of(SemanticModel model, SemanticTable table) {
    requireNonNull(model, "model is null");
    requireNonNull(table, "table is null");
    Map<String, SemanticColumn> columns = new LinkedHashMap<>();
    members(table, "").forEach(c -> columns.put(c.name(), c));
    Set<String> reachable = reachable(model, table.name());
    Map<String, List<SemanticColumn>> bare = new HashMap<>();
    for (String other : reachable) {
      if (other.equals(table.name())) {
        continue;
      }
      SemanticTable u = model.table(other).orElseThrow();
      for (SemanticColumn c : members(u, u.name() + "__")) {
        columns.putIfAbsent(c.name(), c);
      }
      for (SemanticColumn c : members(u, "")) {
        bare.computeIfAbsent(c.name(), k -> new ArrayList<>()).add(c);
      }
    }
    bare.forEach((name, candidates) -> {
      if (candidates.size() == 1 && !columns.containsKey(name)) {
        columns.put(name, candidates.get(0));
      }
    });
    for (Metric metric : model.metrics()) {
      if (reachable.containsAll(baseTables(model, metric)) && !columns.containsKey(metric.name())) {
        columns.put(metric.name(), new MetricColumn(metric.name(), metric));
      }
    }
    return new SemanticView(table, java.util.Collections.unmodifiableMap(columns));
  }

  private static List<SemanticColumn> members(SemanticTable t, String prefix) {
    List<SemanticColumn> list = new ArrayList<>();
    for (Dimension d : t.dimensions()) {
      list.add(new DimensionColumn(prefix + d.name(), t.name(), d, Optional.empty()));
      for (TimeGrain g : d.grains()) {
        list.add(new DimensionColumn(prefix + g.columnName(d.name()), t.name(), d, Optional.of(g)));
      }
    }
    for (Segment s : t.segments()) {
      list.add(new SegmentColumn(prefix + s.name(), t.name(), s));
    }
    for (Measure m : t.measures()) {
      list.add(new MeasureColumn(prefix + m.name(), t.name(), m));
    }
    return list;
  }

  /** Tables connected to {@code start} by relationships in either direction, including itself. */
  static Set<String> reachable(SemanticModel model, String start) {
    Set<String> seen = new LinkedHashSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(start);
    seen.add(start);
    while (!queue.isEmpty()) {
      String at = queue.poll();
      for (Relationship r : model.relationships()) {
        String next = r.from().equals(at) ? r.to() : r.to().equals(at) ? r.from() : null;
        if (next != null && seen.add(next)) {
          queue.add(next);
        }
      }
    }
    return seen;
  }

  /** The tables of the measures a metric is built on, through other metrics. */
  static Set<String> baseTables(SemanticModel model, Metric metric) {
    Set<String> tables = new LinkedHashSet<>();
    for (MetricInput.MeasureRef ref : baseMeasures(model, metric, new LinkedHashSet<>())) {
      tables.add(ref.table());
    }
    return tables;
  }

  /** The measures a metric is built on, through other metrics. */
  static List<MetricInput.MeasureRef> baseMeasures(SemanticModel model, Metric metric, Set<String> visiting) {
    List<MetricInput.MeasureRef> refs = new ArrayList<>();
    if (!visiting.add(metric.name())) {
      return refs;
    }
    for (MetricInput input : metric.inputs()) {
      if (input instanceof MetricInput.MeasureRef m) {
        refs.add(m);
      } else if (input instanceof MetricInput.MetricRef r) {
        model.metric(r.metric()).ifPresent(inner -> refs.addAll(baseMeasures(model, inner, visiting)));
      }
    }
    visiting.remove(metric.name());
    return refs;
  }

  public SemanticTable table() {
    return table;
  }

  /** Columns by SQL name, in display order. */
  public Map<String, SemanticColumn> columns() {
    return columns;
  }

  public Optional<SemanticColumn> column(String name) {
    return Optional.ofNullable(columns.get(name));
  }
}
