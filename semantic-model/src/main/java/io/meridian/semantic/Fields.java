package io.meridian.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the keys of one mapping of a model file, reporting (and skipping) what is wrong instead of stopping: unknown
 * keys with the list of expected ones, values of the wrong shape, missing required keys, bad names.
 */
final class Fields {
  /** Names of model elements: lower case, digits and underscores; {@code __} is reserved for time grains. */
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  /** Keys every element accepts. */
  static final List<String> METADATA_KEYS = List.of("description", "owner", "tags", "certified");

  private final YamlNode.Mapping map;
  private final String what;
  private final Problems problems;

  private Fields(YamlNode.Mapping map, String what, Problems problems) {
    this.map = map;
    this.what = what;
    this.problems = problems;
  }

  /**
   * Reads {@code node} as a mapping of the given keys (plus metadata keys when {@code withMetadata}); empty (with a
   * problem) when it is not a mapping.
   */
  static Optional<Fields> of(YamlNode node, String what, List<String> keys, boolean withMetadata, Problems problems) {
    if (!(node instanceof YamlNode.Mapping map)) {
      problems.add(node.position(), what + " must be a mapping of keys to values, got " + node.describe());
      return Optional.empty();
    }
    Set<String> expected = new TreeSet<>(keys);
    if (withMetadata) {
      expected.addAll(METADATA_KEYS);
    }
    for (YamlNode.Entry e : map.entries()) {
      if (!expected.contains(e.key())) {
        problems.add(e.keyPosition(), "unknown key '" + e.key() + "' in " + what + "; expected one of: "
            + String.join(", ", expected));
      }
    }
    return Optional.of(new Fields(map, what, problems));
  }

  SourcePosition position() {
    return map.position();
  }

  String what() {
    return what;
  }

  boolean has(String key) {
    return map.entry(key).isPresent();
  }

  /** Where the key is written, or the mapping's position when it is absent. */
  SourcePosition keyPosition(String key) {
    return map.entry(key).map(YamlNode.Entry::keyPosition).orElse(map.position());
  }

  /** The key's value, when present, not null and a single value. */
  Optional<YamlNode.Scalar> scalar(String key) {
    Optional<YamlNode.Entry> e = map.entry(key);
    if (e.isEmpty()) {
      return Optional.empty();
    }
    YamlNode v = e.get().value();
    if (v instanceof YamlNode.Scalar s) {
      if (s.isNull() || s.text().isBlank()) {
        problems.add(s.position(), "'" + key + "' of " + what + " is empty");
        return Optional.empty();
      }
      return Optional.of(s);
    }
    problems.add(v.position(), "'" + key + "' of " + what + " must be a single value, got " + v.describe());
    return Optional.empty();
  }

  /** A required single value; reports a missing key at the mapping. */
  Optional<YamlNode.Scalar> required(String key) {
    if (!has(key)) {
      problems.add(map.position(), what + " has no '" + key + "'");
      return Optional.empty();
    }
    return scalar(key);
  }

  Optional<String> string(String key) {
    return scalar(key).map(YamlNode.Scalar::text);
  }

  /** A required element name: lower-case identifier without {@code __}. */
  Optional<YamlNode.Scalar> name() {
    Optional<YamlNode.Scalar> name = required("name");
    if (name.isPresent() && !isName(name.get().text())) {
      problems.add(name.get().position(), "invalid name '" + name.get().text() + "' of " + what
          + ": use lower-case letters, digits and single underscores, starting with a letter");
      return Optional.empty();
    }
    return name;
  }

  static boolean isName(String s) {
    return NAME.matcher(s).matches() && !s.contains("__");
  }

  boolean bool(String key, boolean defaultValue) {
    Optional<YamlNode.Scalar> s = scalar(key);
    if (s.isEmpty()) {
      return defaultValue;
    }
    String v = s.get().text().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    problems.add(s.get().position(), "'" + key + "' of " + what + " must be true or false, got '" + s.get().text()
        + "'");
    return defaultValue;
  }

  /** A value among {@code keys} (case-insensitive), returned lower-case. */
  Optional<String> choice(String key, List<String> keys, boolean required) {
    Optional<YamlNode.Scalar> s = required ? required(key) : scalar(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String v = s.get().text().toLowerCase(Locale.ROOT);
    if (!keys.contains(v)) {
      problems.add(s.get().position(), "unknown " + key + " '" + s.get().text() + "' of " + what
          + "; expected one of: " + String.join(", ", keys));
      return Optional.empty();
    }
    return Optional.of(v);
  }

  /** A list of single values; empty when absent. A single value is read as a list of one. */
  List<YamlNode.Scalar> scalars(String key) {
    Optional<YamlNode.Entry> e = map.entry(key);
    if (e.isEmpty()) {
      return List.of();
    }
    YamlNode v = e.get().value();
    if (v instanceof YamlNode.Scalar s) {
      return s.isNull() ? List.of() : List.of(s);
    }
    if (!(v instanceof YamlNode.Sequence seq)) {
      problems.add(v.position(), "'" + key + "' of " + what + " must be a list, got " + v.describe());
      return List.of();
    }
    List<YamlNode.Scalar> out = new ArrayList<>();
    for (YamlNode item : seq.items()) {
      if (item instanceof YamlNode.Scalar s && !s.isNull()) {
        out.add(s);
      } else {
        problems.add(item.position(), "'" + key + "' of " + what + " must list single values, got "
            + item.describe());
      }
    }
    return out;
  }

  /** A list of mappings (the elements of a section); empty when absent. */
  List<YamlNode> list(String key) {
    Optional<YamlNode.Entry> e = map.entry(key);
    if (e.isEmpty()) {
      return List.of();
    }
    YamlNode v = e.get().value();
    if (v instanceof YamlNode.Sequence s) {
      return s.items();
    }
    if (v instanceof YamlNode.Scalar s && s.isNull()) {
      return List.of();
    }
    problems.add(v.position(), "'" + key + "' of " + what + " must be a list, got " + v.describe());
    return List.of();
  }

  /** The metadata keys of this element. */
  Metadata metadata() {
    List<String> tags = scalars("tags").stream().map(YamlNode.Scalar::text).toList();
    return new Metadata(string("description"), string("owner"), tags, bool("certified", false));
  }
}
