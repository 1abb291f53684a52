package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

/** Where a semantic table's rows come from: a table of a source, or a query run on one source. */
public sealed interface TableSource {
  /** The source (as named in {@code meridian.yaml}) that holds the rows. */
  String source();

  /**
   * A table of a source: {@code source: warehouse.plays}.
   *
   * @param source the source name
   * @param table the table's name in that source (its configured schema)
   */
  record Table(String source, String table) implements TableSource {
    public Table {
      requireNonNull(source, "source is null");
      requireNonNull(table, "table is null");
    }

    @Override
    public String toString() {
      return source + "." + table;
    }
  }

  /**
   * A query in the source's own SQL dialect: {@code sql: SELECT ...} with {@code source_name: warehouse}.
   *
   * @param source the source name
   * @param sql the query text, sent to the source as written
   */
  record Query(String source, String sql) implements TableSource {
    public Query {
      requireNonNull(source, "source is null");
      requireNonNull(sql, "sql is null");
    }
  }
}
