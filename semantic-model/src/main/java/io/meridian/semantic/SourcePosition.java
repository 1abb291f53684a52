package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where a model element or a problem is in a model file; lines and columns count from 1 (0 when unknown).
 *
 * @param file the model file (or the model folder, for problems that concern no file)
 * @param line the line, from 1
 * @param column the column, from 1
 */
public record SourcePosition(Path file, int line, int column) implements Comparable<SourcePosition> {
  public SourcePosition {
    requireNonNull(file, "file is null");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must not be negative, got " + line + ":" + column);
    }
  }

  /** A position that concerns a whole file or folder. */
  public static SourcePosition of(Path file) {
    return new SourcePosition(file, 0, 0);
  }

  /** The same file, {@code lines} and {@code columns} further on. */
  SourcePosition shift(int lines, int columns) {
    return new SourcePosition(file, line + lines, column + columns);
  }

  @Override
  public int compareTo(SourcePosition o) {
    int c = file.compareTo(o.file);
    if (c == 0) {
      c = Integer.compare(line, o.line);
    }
    return c != 0 ? c : Integer.compare(column, o.column);
  }

  /** {@code file:line:column}, the form compilers and editors understand. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
