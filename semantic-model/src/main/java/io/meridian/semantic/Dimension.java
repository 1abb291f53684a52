package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An attribute of a semantic table's rows to group and filter by.
 *
 * @param name lower-case identifier, unique within its table (and distinct from its measures and segments)
 * @param kind what the values are
 * @param expr the SQL expression over the table's columns (the name itself when the file gives none)
 * @param grains for {@link DimensionKind#TIME} dimensions the grains exposed as {@code name__grain} columns, finest
 *     first; empty for other kinds
 * @param metadata description, owner, tags, certification
 * @param position where the dimension is declared
 */
public record Dimension(String name, DimensionKind kind, SqlExpression expr, List<TimeGrain> grains,
    Metadata metadata, SourcePosition position) {
  public Dimension {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(expr, "expr is null");
    grains = List.copyOf(requireNonNull(grains, "grains is null"));
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
    if (kind != DimensionKind.TIME && !grains.isEmpty()) {
      throw new IllegalArgumentException("only time dimensions have grains: " + name);
    }
  }
}
