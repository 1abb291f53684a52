package io.meridian.engine;

import io.meridian.connector.jdbc.SourceToEnumerableConverter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.externalize.RelWriterImpl;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.util.Pair;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Writes a plan for people: what runs in Meridian as an indented tree, each source's part as one
 * {@code SourceQuery} leaf, and after the tree the exact query text sent to each source.
 */
final class ExplainWriter extends RelWriterImpl {
  private final List<SourceToEnumerableConverter> sourceQueries = new ArrayList<>();

  private ExplainWriter(PrintWriter pw, SqlExplainLevel level) {
    super(pw, level, false);
  }

  static String explain(RelNode root, SqlExplainLevel level) {
    StringWriter text = new StringWriter();
    PrintWriter pw = new PrintWriter(text);
    ExplainWriter writer = new ExplainWriter(pw, level);
    pw.println("Meridian plan (operators run in Meridian; SourceQuery = pushed down to a source):");
    root.explain(writer);
    pw.println();
    pw.println("Source queries:");
    int i = 1;
    for (SourceToEnumerableConverter source : writer.sourceQueries) {
      pw.println("  [" + i++ + "] " + source.sourceName() + ": " + source.sourceQuery().replace("\n", "\n      "));
      for (String detail : source.sourceDetails()) {
        pw.println("      -- " + detail);
      }
    }
    if (writer.sourceQueries.isEmpty()) {
      pw.println("  (none)");
    }
    pw.flush();
    return text.toString();
  }

  @Override
  protected void explain_(RelNode rel, List<Pair<String, @Nullable Object>> values) {
    if (rel instanceof SourceToEnumerableConverter source) {
      sourceQueries.add(source);
      StringBuilder s = new StringBuilder();
      spacer.spaces(s);
      s.append("SourceQuery(source=[").append(source.sourceName()).append("], query=[")
          .append(sourceQueries.size()).append("])");
      pw.println(s);
      return;
    }
    super.explain_(rel, values);
  }
}
