package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** A YAML value with the position of each key and value: what the loader reads model files into. */
sealed interface YamlNode {
  SourcePosition position();

  /** What the node is, for messages: "a list", "a mapping", "a value". */
  String describe();

  /**
   * A scalar.
   *
   * @param text the value's text (for {@code null} or an empty value, "")
   * @param isNull whether the value is empty or {@code null}
   * @param position where the value starts (its opening quote or block indicator, if any)
   * @param content where the text starts when it stands verbatim on one line of the file (so positions inside it can
   *     be mapped to the file); empty otherwise
   */
  record Scalar(String text, boolean isNull, SourcePosition position, Optional<SourcePosition> content)
      implements YamlNode {
    public Scalar {
      requireNonNull(text, "text is null");
      requireNonNull(position, "position is null");
      requireNonNull(content, "content is null");
    }

    @Override
    public String describe() {
      return "a single value";
    }
  }

  /** A list of values. */
  record Sequence(List<YamlNode> items, SourcePosition position) implements YamlNode {
    public Sequence {
      items = List.copyOf(items);
      requireNonNull(position, "position is null");
    }

    @Override
    public String describe() {
      return "a list";
    }
  }

  /** A mapping; keys are unique (the reader reports repeated keys and keeps the first). */
  record Mapping(List<Entry> entries, SourcePosition position) implements YamlNode {
    public Mapping {
      entries = List.copyOf(entries);
      requireNonNull(position, "position is null");
    }

    Optional<Entry> entry(String key) {
      return entries.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    @Override
    public String describe() {
      return "a mapping of keys to values";
    }
  }

  /** One key of a mapping and its value. */
  record Entry(String key, SourcePosition keyPosition, YamlNode value) {
    public Entry {
      requireNonNull(key, "key is null");
      requireNonNull(keyPosition, "keyPosition is null");
      requireNonNull(value, "value is null");
    }
  }
}
