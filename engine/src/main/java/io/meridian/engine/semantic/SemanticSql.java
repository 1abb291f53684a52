package io.meridian.engine.semantic;

import java.util.Locale;

/** Text-level adjustments made before Calcite parses a statement. */
public final class SemanticSql {
  /**
   * What {@code MEASURE(} is spelled as for Calcite's parser, which reserves {@code MEASURE} (for
   * {@code AS MEASURE}). Same length, so every position in error messages stays right.
   */
  public static final String MEASURE_ALIAS = "MEASUR_";

  private SemanticSql() {}

  /**
   * Respells {@code MEASURE(x)} calls outside strings, quoted identifiers and comments as
   * {@code MEASUR_(x)}; everything else is left as written.
   */
  public static String measureCalls(String sql) {
    if (sql.toUpperCase(Locale.ROOT).indexOf("MEASURE") < 0) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql);
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = sql.indexOf(c, i + 1);
        while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == c) {
          end = sql.indexOf(c, end + 2);
        }
        i = end < 0 ? n : end + 1;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
          i++;
        }
        if (sql.substring(start, i).equalsIgnoreCase("MEASURE")) {
          int j = i;
          while (j < n && Character.isWhitespace(sql.charAt(j))) {
            j++;
          }
          if (j < n && sql.charAt(j) == '(') {
            out.replace(start, i, MEASURE_ALIAS);
          }
        }
      } else {
        i++;
      }
    }
    return out.toString();
  }
}
