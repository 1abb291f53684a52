package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How two semantic tables join: an equi-join on one or more column pairs, with a cardinality.
 *
 * @param name lower-case identifier, unique among relationships
 * @param kind the cardinality from {@code from} to {@code to}
 * @param from a semantic table (the many side of a {@code many_to_one})
 * @param to a semantic table (the one side of a {@code many_to_one})
 * @param keys the joined columns, a column of {@code from} with a column of {@code to}, in the order of {@code on}
 * @param on the join condition as written
 * @param metadata description, owner, tags, certification
 * @param position where the relationship is declared
 */
public record Relationship(String name, RelationshipKind kind, String from, String to, List<Key> keys,
    SqlExpression on, Metadata metadata, SourcePosition position) {
  public Relationship {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    keys = List.copyOf(requireNonNull(keys, "keys is null"));
    requireNonNull(on, "on is null");
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("relationship " + name + " has no key columns");
    }
  }

  /**
   * One pair of joined columns.
   *
   * @param fromColumn a column of the {@code from} table
   * @param toColumn a column of the {@code to} table
   */
  public record Key(String fromColumn, String toColumn) {
    public Key {
      requireNonNull(fromColumn, "fromColumn is null");
      requireNonNull(toColumn, "toColumn is null");
    }
  }
}
