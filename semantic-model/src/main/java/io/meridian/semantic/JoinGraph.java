package io.meridian.semantic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tables of a model as a directed graph whose edges go from a many (or one) side to a one side, so that following
 * them never multiplies rows: {@code many_to_one} from {@code from} to {@code to}, {@code one_to_many} from {@code to}
 * to {@code from}, {@code one_to_one} both ways. A join path is a walk that visits no table twice.
 *
 * <p>Design note: paths are enumerated by depth-first search, stopping at two per pair (two already mean ambiguity).
 * Models have tens of tables, so this is cheap; a model with hundreds of densely related tables would need a smarter
 * search.
 */
final class JoinGraph {
  private final Map<String, List<JoinPath.Step>> edges = new HashMap<>();
  private final Set<String> tables = new LinkedHashSet<>();

  JoinGraph(List<Relationship> relationships) {
    for (Relationship r : relationships) {
      tables.add(r.from());
      tables.add(r.to());
      switch (r.kind()) {
        case MANY_TO_ONE -> forward(r);
        case ONE_TO_MANY -> backward(r);
        case ONE_TO_ONE -> {
          forward(r);
          backward(r);
        }
      }
    }
  }

  private void forward(Relationship r) {
    edges.computeIfAbsent(r.from(), k -> new ArrayList<>()).add(new JoinPath.Step(r, r.from(), r.to(), r.keys()));
  }

  private void backward(Relationship r) {
    List<Relationship.Key> reversed = r.keys().stream()
        .map(k -> new Relationship.Key(k.toColumn(), k.fromColumn())).toList();
    edges.computeIfAbsent(r.to(), k -> new ArrayList<>()).add(new JoinPath.Step(r, r.to(), r.from(), reversed));
  }

  Set<String> tables() {
    return tables;
  }

  /** Up to {@code limit} join paths from {@code from} to every table reachable from it, by target table. */
  Map<String, List<List<JoinPath.Step>>> pathsFrom(String from, int limit) {
    Map<String, List<List<JoinPath.Step>>> found = new HashMap<>();
    Set<String> visited = new HashSet<>();
    visited.add(from);
    walk(from, new ArrayList<>(), visited, found, limit);
    return found;
  }

  private void walk(String at, List<JoinPath.Step> path, Set<String> visited,
      Map<String, List<List<JoinPath.Step>>> found, int limit) {
    for (JoinPath.Step step : edges.getOrDefault(at, List.of())) {
      String next = step.right();
      if (visited.contains(next)) {
        continue;
      }
      path.add(step);
      List<List<JoinPath.Step>> paths = found.computeIfAbsent(next, k -> new ArrayList<>());
      if (paths.size() < limit) {
        paths.add(List.copyOf(path));
      }
      visited.add(next);
      walk(next, path, visited, found, limit);
      visited.remove(next);
      path.remove(path.size() - 1);
    }
  }

  /** "a -> b" for messages: the relationship names of a path. */
  static String describe(List<JoinPath.Step> path) {
    return String.join(" -> ", path.stream().map(s -> s.relationship().name()).toList());
  }
}
