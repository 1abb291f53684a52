package io.meridian.engine;

import io.meridian.spi.SourceQueryNode;
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
  /** A source's part of the plan, with the query its {@code explain} already generated. */
  private record SourceQuery(SourceQueryNode source, String query) {}

  private final List<SourceQuery> sourceQueries = new ArrayList<>();

  private ExplainWriter(PrintWriter pw, SqlExplainLevel level) {
    super(pw, level, false);
  }

  static String explain(RelNode root, SqlExplainLevel level) {
    return explain(root, level, List.of());
  }

  /** The plan, then the queries sent to sources, then which rollup answered and why others did not. */
  static String explain(RelNode root, SqlExplainLevel level, List<String> rollupNotes) {
    StringWriter text = new StringWriter();
    PrintWriter pw = new PrintWriter(text);
    ExplainWriter writer = new ExplainWriter(pw, level);
    pw.println("Meridian plan (operators run in Meridian; SourceQuery = pushed down to a source):");
    root.explain(writer);
    pw.println();
    pw.println("Source queries:");
    int i = 1;
    for (SourceQuery q : writer.sourceQueries) {
      pw.println("  [" + i++ + "] " + q.source().sourceName() + ": " + q.query().replace("\n", "\n      "));
      for (String detail : q.source().sourceDetails(q.query())) {
        pw.println("      -- " + detail);
      }
    }
    if (writer.sourceQueries.isEmpty()) {
      pw.println("  (none)");
    }
    if (!rollupNotes.isEmpty()) {
      pw.println();
      pw.println("Rollups:");
      rollupNotes.forEach(note -> pw.println("  - " + note));
    }
    pw.flush();
    return text.toString();
  }

  @Override
  protected void explain_(RelNode rel, List<Pair<String, @Nullable Object>> values) {
    if (rel instanceof SourceQueryNode source) {
      String query = values.stream().filter(v -> v.left.equals("query")).map(v -> String.valueOf(v.right))
          .findFirst().orElseGet(source::sourceQuery);
      sourceQueries.add(new SourceQuery(source, query));
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
