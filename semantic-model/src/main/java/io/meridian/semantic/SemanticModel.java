package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A whole, validated semantic model: its tables, the relationships that join them and its metrics. Immutable and
 * safe to share between threads. Built by {@link ModelLoader}, which guarantees that every reference resolves, that
 * expressions name existing columns and that at most one join path joins any two tables.
 *
 * @param tables in load order (files sorted by name, then file order)
 * @param relationships in load order
 * @param metrics in load order
 * @param rollups in load order
 */
public record SemanticModel(List<SemanticTable> tables, List<Relationship> relationships, List<Metric> metrics,
    List<Rollup> rollups) {
  /** A model without tables, relationships or metrics. */
  public static final SemanticModel EMPTY = new SemanticModel(List.of(), List.of(), List.of());

  public SemanticModel {
    tables = List.copyOf(requireNonNull(tables, "tables is null"));
    relationships = List.copyOf(requireNonNull(relationships, "relationships is null"));
    metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
    index(tables, SemanticTable::name, "table");
    index(relationships, Relationship::name, "relationship");
    index(metrics, Metric::name, "metric");
    rollups = List.copyOf(requireNonNull(rollups, "rollups is null"));
    index(rollups, Rollup::name, "rollup");
  }

  /** A model without rollups. */
  public SemanticModel(List<SemanticTable> tables, List<Relationship> relationships, List<Metric> metrics) {
    this(tables, relationships, metrics, List.of());
  }

  public Optional<Rollup> rollup(String name) {
    return rollups.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  private static <T> Map<String, T> index(List<T> items, Function<T, String> name, String what) {
    Map<String, T> byName = new LinkedHashMap<>();
    for (T item : items) {
      if (byName.put(name.apply(item), item) != null) {
        throw new IllegalArgumentException("duplicate " + what + " " + name.apply(item));
      }
    }
    return byName;
  }

  public Optional<SemanticTable> table(String name) {
    return tables.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public Optional<Relationship> relationship(String name) {
    return relationships.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  public Optional<Metric> metric(String name) {
    return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** The measure {@code table.measure}, if both exist. */
  public Optional<Measure> measure(String table, String measure) {
    return table(table).flatMap(t -> t.measure(measure));
  }

  /**
   * The unique join path that brings table {@code to}'s columns to {@code from}'s rows without multiplying them (see
   * {@link JoinPath}); an empty path when both are the same table.
   *
   * @throws MeridianException ({@link ErrorCode#VALIDATION_ERROR}) when a table is unknown, when no path exists, or
   *     when two do (the loader rejects such models, so this only happens for models built by hand)
   */
  public JoinPath joinPath(String from, String to) {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    for (String t : List.of(from, to)) {
      if (table(t).isEmpty()) {
        throw new MeridianException(ErrorCode.VALIDATION_ERROR, "unknown semantic table '" + t + "'");
      }
    }
    if (from.equals(to)) {
      return new JoinPath(from, to, List.of());
    }
    List<List<JoinPath.Step>> paths = new JoinGraph(relationships).pathsFrom(from, 2).getOrDefault(to, List.of());
    if (paths.isEmpty()) {
      throw new MeridianException(ErrorCode.VALIDATION_ERROR, "no relationship joins table '" + from + "' to '" + to
          + "' without multiplying its rows (a path must follow many_to_one or one_to_one relationships)");
    }
    if (paths.size() > 1) {
      throw new MeridianException(ErrorCode.VALIDATION_ERROR, "tables '" + from + "' and '" + to
          + "' are joined by more than one path: " + JoinGraph.describe(paths.get(0)) + " and "
          + JoinGraph.describe(paths.get(1)));
    }
    return new JoinPath(from, to, paths.get(0));
  }
}
