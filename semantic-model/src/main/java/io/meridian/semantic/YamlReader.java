package io.meridian.semantic;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark;
import com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one YAML document into {@link YamlNode}s that remember where each key and value is. Uses Jackson's streaming
 * YAML parser (not data binding), so that every structural problem of a file can be reported, not only the first.
 * Aliases ({@code *name}) are rejected: a model should say each thing once, where it is read.
 */
final class YamlReader {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private final Path file;
  private final String text;
  private final String[] lines;
  private final Problems problems;
  private YAMLParser parser;

  YamlReader(Path file, String text, Problems problems) {
    this.file = file;
    this.text = text;
    this.lines = text.split("\r\n|\r|\n", -1);
    this.problems = problems;
  }

  /**
   * The document's root, or empty when the file is empty or not valid YAML (then a problem is recorded).
   *
   * <p>Jackson 2 exposes SnakeYAML's problem and context marks only through its deprecated wrapper exception (to go
   * in Jackson 3); the alternative, SnakeYAML's own class, is not a declared dependency.
   */
  @SuppressWarnings("deprecation")
  Optional<YamlNode> read() {
    try (YAMLParser p = FACTORY.createParser(text)) {
      parser = p;
      JsonToken first = p.nextToken();
      if (first == null) {
        return Optional.empty();
      }
      YamlNode root = value(first);
      if (p.nextToken() != null) {
        problems.add(position(p.currentTokenLocation()), "a model file holds one YAML document; remove the second");
      }
      return Optional.of(root);
    } catch (MarkedYAMLException e) {
      // Point at the problem, and say what the parser was reading (the context) and where that began.
      Mark at = e.getProblemMark();
      SourcePosition where = at == null ? position(e.getLocation())
          : new SourcePosition(file, at.getLine() + 1, at.getColumn() + 1);
      String message = e.getProblem() == null ? firstLine(e.getOriginalMessage()) : e.getProblem();
      Mark context = e.getContextMark();
      if (e.getContext() != null && context != null) {
        message += " (" + e.getContext() + " from line " + (context.getLine() + 1) + ", column "
            + (context.getColumn() + 1) + ")";
      }
      problems.add(where, "invalid YAML: " + message);
      return Optional.empty();
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      problems.add(l == null ? SourcePosition.of(file) : position(l),
          "invalid YAML: " + firstLine(e.getOriginalMessage()));
      return Optional.empty();
    } catch (IOException e) {
      problems.add(SourcePosition.of(file), "cannot read: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "syntax error";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }

  private YamlNode value(JsonToken token) throws IOException {
    SourcePosition at = position(parser.currentTokenLocation());
    switch (token) {
      case START_OBJECT -> {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Map<String, SourcePosition> seen = new HashMap<>();
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          SourcePosition keyAt = position(parser.currentTokenLocation());
          YamlNode v = value(parser.nextToken());
          SourcePosition first = seen.putIfAbsent(key, keyAt);
          if (first != null) {
            problems.add(keyAt, "duplicate key '" + key + "' (first at line " + first.line() + ")");
          } else {
            entries.add(new YamlNode.Entry(key, keyAt, v));
          }
        }
        return new YamlNode.Mapping(entries, at);
      }
      case START_ARRAY -> {
        List<YamlNode> items = new ArrayList<>();
        JsonToken t;
        while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
          items.add(value(t));
        }
        return new YamlNode.Sequence(items, at);
      }
      default -> {
        if (parser.isCurrentAlias()) {
          problems.add(at, "YAML aliases (*" + parser.getText() + ") are not supported in model files; "
              + "write the value out");
          return new YamlNode.Scalar("", true, at, Optional.empty());
        }
        boolean isNull = token == JsonToken.VALUE_NULL;
        String value = isNull ? "" : parser.getText();
        return new YamlNode.Scalar(value, isNull, at, content(at, value));
      }
    }
  }

  /** Where {@code value} stands verbatim in the file from {@code at}, skipping an opening quote. */
  private Optional<SourcePosition> content(SourcePosition at, String value) {
    if (at.line() < 1 || at.line() > lines.length || value.isEmpty() || value.indexOf('\n') >= 0) {
      return Optional.empty();
    }
    String line = lines[at.line() - 1];
    int index = at.column() - 1;
    if (index < 0 || index >= line.length()) {
      return Optional.empty();
    }
    char c = line.charAt(index);
    int skip = c == '"' || c == '\'' ? 1 : 0;
    return line.startsWith(value, index + skip) ? Optional.of(at.shift(0, skip)) : Optional.empty();
  }

  private SourcePosition position(JsonLocation l) {
    return new SourcePosition(file, Math.max(0, l.getLineNr()), Math.max(0, l.getColumnNr()));
  }
}
