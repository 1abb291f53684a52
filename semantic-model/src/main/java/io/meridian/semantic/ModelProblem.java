package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

/**
 * One problem found in the semantic model, with where it is.
 *
 * @param position the offending key or value
 * @param message what is wrong and, where it helps, what was expected
 */
public record ModelProblem(SourcePosition position, String message) {
  public ModelProblem {
    requireNonNull(position, "position is null");
    requireNonNull(message, "message is null");
  }

  /** {@code file:line:column: message}. */
  @Override
  public String toString() {
    return position + ": " + message;
  }
}
