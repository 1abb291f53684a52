package io.meridian.tck.semantic;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A golden script: cases of a Meridian query and, computed independently, either the plain SQL that the source runs
 * to give the expected rows, or the error expected. Format:
 * <pre>
 * === title
 * --- meridian
 * SELECT ... FROM semantic.plays ...
 * --- expected [ordered]
 * SELECT ... plain SQL on the source database ...
 * </pre>
 * or, instead of {@code expected}, {@code --- error SQLSTATE} followed by a line the message must contain.
 * Lines starting with {@code #} outside queries are comments.
 */
record GoldenScript(String name, List<Case> cases) {
  /** One case. {@code expectedSql} is null when an error is expected. */
  record Case(String title, String meridianSql, String expectedSql, boolean ordered, String errorState,
      String errorText, int line) {
    @Override
    public String toString() {
      return title;
    }
  }

  static GoldenScript load(String resource) throws IOException {
    try (InputStream in = GoldenScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no golden script " + resource);
      }
      return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static GoldenScript parse(String name, String text) {
    List<Case> cases = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    String title = null;
    String section = null;
    String sectionArgs = "";
    int titleLine = 0;
    StringBuilder meridian = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    String[] error = new String[2];
    boolean[] ordered = {false};
    for (int i = 0; i <= lines.length; i++) {
      String line = i < lines.length ? lines[i] : "=== <end>";
      if (line.startsWith("=== ")) {
        if (title != null) {
          cases.add(new Case(title, meridian.toString().trim(), expected.length() == 0 ? null
              : expected.toString().trim(), ordered[0], error[0], error[1], titleLine));
        }
        title = line.substring(4).trim();
        titleLine = i + 1;
        section = null;
        meridian.setLength(0);
        expected.setLength(0);
        error[0] = null;
        error[1] = null;
        ordered[0] = false;
      } else if (line.startsWith("--- ")) {
        String[] parts = line.substring(4).trim().split("\\s+", 2);
        section = parts[0];
        sectionArgs = parts.length > 1 ? parts[1] : "";
        if (section.equals("expected")) {
          ordered[0] = sectionArgs.equals("ordered");
        } else if (section.equals("error")) {
          error[0] = sectionArgs;
        } else if (!section.equals("meridian")) {
          throw new IllegalArgumentException(name + ":" + (i + 1) + ": unknown section " + section);
        }
      } else if (section == null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          throw new IllegalArgumentException(name + ":" + (i + 1) + ": text outside a section: " + line);
        }
      } else if (section.equals("meridian")) {
        meridian.append(line).append('\n');
      } else if (section.equals("expected")) {
        expected.append(line).append('\n');
      } else if (!line.isBlank() && error[1] == null) {
        error[1] = line.trim();
      }
    }
    return new GoldenScript(name, cases);
  }
}
