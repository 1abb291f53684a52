package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The joins that bring the columns of table {@code to} to the rows of table {@code from} without multiplying them:
 * every step goes from a "many" (or "one") side to a "one" side. Empty when {@code from} and {@code to} are the same
 * table.
 *
 * @param from the table whose rows are kept (a measure's table)
 * @param to the table reached (a dimension's table)
 * @param steps the joins, in order
 */
public record JoinPath(String from, String to, List<Step> steps) {
  public JoinPath {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    steps = List.copyOf(requireNonNull(steps, "steps is null"));
  }

  /**
   * One join of a path.
   *
   * @param relationship the relationship used
   * @param left the table joined from
   * @param right the table joined to
   * @param keys the joined columns, oriented: {@link Relationship.Key#fromColumn()} is a column of {@code left}
   */
  public record Step(Relationship relationship, String left, String right, List<Relationship.Key> keys) {
    public Step {
      requireNonNull(relationship, "relationship is null");
      requireNonNull(left, "left is null");
      requireNonNull(right, "right is null");
      keys = List.copyOf(requireNonNull(keys, "keys is null"));
    }
  }
}
