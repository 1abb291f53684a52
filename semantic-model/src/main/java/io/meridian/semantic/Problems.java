package io.meridian.semantic;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one load; the loader reports them all at the end. */
final class Problems {
  private final List<ModelProblem> problems = new ArrayList<>();

  void add(SourcePosition position, String message) {
    problems.add(new ModelProblem(position, message));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  int size() {
    return problems.size();
  }

  /** The problems by file, line and column; problems at the same place keep the order they were found in. */
  List<ModelProblem> sorted() {
    List<ModelProblem> copy = new ArrayList<>(problems);
    copy.sort(Comparator.comparing(ModelProblem::position));
    return List.copyOf(copy);
  }
}
