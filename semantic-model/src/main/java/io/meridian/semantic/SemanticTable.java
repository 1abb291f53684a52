package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A governed table: one source table or query, the dimensions and measures defined over its rows, and its segments.
 * It becomes a SQL table in schema {@code semantic}.
 *
 * @param name lower-case identifier, unique in the model
 * @param source where the rows come from
 * @param primaryKey the columns that identify a row (may be empty when not declared)
 * @param dimensions in file order
 * @param measures in file order
 * @param segments in file order
 * @param metadata description, owner, tags, certification
 * @param position where the table is declared
 */
public record SemanticTable(String name, TableSource source, List<String> primaryKey, List<Dimension> dimensions,
    List<Measure> measures, List<Segment> segments, Metadata metadata, SourcePosition position) {
  public SemanticTable {
    requireNonNull(name, "name is null");
    requireNonNull(source, "source is null");
    primaryKey = List.copyOf(requireNonNull(primaryKey, "primaryKey is null"));
    dimensions = List.copyOf(requireNonNull(dimensions, "dimensions is null"));
    measures = List.copyOf(requireNonNull(measures, "measures is null"));
    segments = List.copyOf(requireNonNull(segments, "segments is null"));
    requireNonNull(metadata, "metadata is null");
    requireNonNull(position, "position is null");
    Set<String> names = new HashSet<>();
    for (String member : memberNames(dimensions, measures, segments)) {
      if (!names.add(member)) {
        throw new IllegalArgumentException("table " + name + " declares '" + member + "' twice");
      }
    }
  }

  private static List<String> memberNames(List<Dimension> d, List<Measure> m, List<Segment> s) {
    return Stream.of(d.stream().map(Dimension::name), m.stream().map(Measure::name),
        s.stream().map(Segment::name)).flatMap(x -> x).toList();
  }

  public Optional<Dimension> dimension(String name) {
    return dimensions.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  public Optional<Measure> measure(String name) {
    return measures.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public Optional<Segment> segment(String name) {
    return segments.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
