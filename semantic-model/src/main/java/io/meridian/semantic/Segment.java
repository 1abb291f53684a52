package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

/**
 * A named, governed filter on a semantic table's rows (for instance "full plays": 30 seconds or more).
 *
 * @param name lower-case identifier, unique within its table (and distinct from its dimensions and measures)
 * @param filter the condition over the table's columns
 * @param metadata description, owner, tags, certification
 * @param position where the segment is declared
 */
public record Segment(String name, SqlExpression filter, Metadata metadata, SourcePosition position) {
  public Segment {
    requireNonNull(name, "name is null");
    requireNonNull(filter, "filter is null");
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
  }
}
