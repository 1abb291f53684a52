package io.meridian.server.cli;

import java.io.PrintStream;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a result set as an aligned table (header, rows, row count; SQL NULL shown as {@code NULL}, numbers
 * right-aligned) or as RFC 4180 CSV (a header line, CRLF line ends; SQL NULL is an empty field, the empty string a
 * quoted {@code ""}).
 */
final class ResultPrinter {
  private static final String NULL_TEXT = "NULL";
  private static final String CRLF = "\r\n";

  private ResultPrinter() {}

  /** Output format of the {@code sql} command. */
  enum Format { TABLE, CSV }

  static long print(ResultSet rs, Format format, PrintStream out) throws SQLException {
    return switch (format) {
      case TABLE -> table(rs, out);
      case CSV -> csv(rs, out);
    };
  }

  /** Prints an aligned table; reads the whole result first to size the columns. Returns the row count. */
  static long table(ResultSet rs, PrintStream out) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    String[] header = new String[n];
    boolean[] rightAlign = new boolean[n];
    int[] width = new int[n];
    for (int i = 0; i < n; i++) {
      header[i] = md.getColumnLabel(i + 1);
      rightAlign[i] = isNumeric(md.getColumnType(i + 1));
      width[i] = displayWidth(header[i]);
    }
    List<String[]> rows = new ArrayList<>();
    while (rs.next()) {
      String[] row = new String[n];
      for (int i = 0; i < n; i++) {
        String v = rs.getString(i + 1);
        row[i] = v == null ? NULL_TEXT : escapeControls(v);
        width[i] = Math.max(width[i], displayWidth(row[i]));
      }
      rows.add(row);
    }
    StringBuilder b = new StringBuilder();
    appendRow(b, header, width, new boolean[n]);
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "-" : "-+-").append("-".repeat(width[i]));
    }
    b.append("-\n");
    for (String[] row : rows) {
      appendRow(b, row, width, rightAlign);
    }
    b.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
    out.print(b);
    out.flush();
    return rows.size();
  }

  /** Streams CSV; returns the row count. */
  static long csv(ResultSet rs, PrintStream out) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        line.append(',');
      }
      appendCsvField(line, md.getColumnLabel(i + 1));
    }
    out.print(line.append(CRLF));
    long count = 0;
    while (rs.next()) {
      line.setLength(0);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          line.append(',');
        }
        String v = rs.getString(i + 1);
        if (v != null) {
          appendCsvField(line, v);
        }
      }
      out.print(line.append(CRLF));
      count++;
    }
    out.flush();
    return count;
  }

  static void appendCsvField(StringBuilder b, String value) {
    boolean quote = value.isEmpty();
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (quote) {
      b.append('"').append(value.replace("\"", "\"\"")).append('"');
    } else {
      b.append(value);
    }
  }

  private static void appendRow(StringBuilder b, String[] cells, int[] width, boolean[] rightAlign) {
    for (int i = 0; i < cells.length; i++) {
      b.append(i == 0 ? " " : " | ");
      String pad = " ".repeat(width[i] - displayWidth(cells[i]));
      if (rightAlign[i]) {
        b.append(pad).append(cells[i]);
      } else if (i == cells.length - 1) {
        b.append(cells[i]);
      } else {
        b.append(cells[i]).append(pad);
      }
    }
    b.append('\n');
  }

  private static int displayWidth(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String escapeControls(String s) {
    if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0 && s.indexOf('\t') < 0) {
      return s;
    }
    return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
  }

  private static boolean isNumeric(int sqlType) {
    return switch (sqlType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.REAL, Types.FLOAT, Types.DOUBLE,
          Types.DECIMAL, Types.NUMERIC -> true;
      default -> false;
    };
  }
}
