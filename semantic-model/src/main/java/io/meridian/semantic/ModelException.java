package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The semantic model is invalid: carries every problem found (not only the first), each with its file, line and
 * column. The message has one {@code file:line:column: message} line per problem. The code is
 * {@link ErrorCode#INVALID_CONFIGURATION} (SQLSTATE {@code F0000}), as for {@code meridian.yaml}.
 */
public final class ModelException extends MeridianException {
  private static final long serialVersionUID = 1L;

  private final List<ModelProblem> problems;

  public ModelException(List<ModelProblem> problems) {
    super(ErrorCode.INVALID_CONFIGURATION, message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<ModelProblem> problems) {
    requireNonNull(problems, "problems is null");
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a model exception needs at least one problem");
    }
    return problems.stream().map(ModelProblem::toString).collect(Collectors.joining("\n"));
  }

  /** The problems, ordered by file, line and column. */
  public List<ModelProblem> problems() {
    return problems;
  }
}
