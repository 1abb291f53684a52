package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * A SQL expression of the model (a dimension's or measure's {@code expr}, a {@code filter}, a relationship's
 * {@code on}), as written and as a Calcite parse tree. Expressions follow Meridian's PostgreSQL-like lexical rules
 * ({@link #PARSER_CONFIG}): unquoted names fold to lower case, double quotes keep case.
 *
 * <p>Design note: Calcite's validator rewrites parse trees in place, so {@link #node()} parses the text afresh on each
 * call; a caller may splice the tree into a query without corrupting the model. The loader has already parsed every
 * expression once, so {@link #node()} does not fail.
 *
 * @param sql the expression text, as written in the model file
 * @param position where the text starts in the model file
 */
public record SqlExpression(String sql, SourcePosition position) {
  /** The lexical rules of model expressions; the same as those of Meridian connections. */
  public static final SqlParser.Config PARSER_CONFIG = SqlParser.config()
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.TO_LOWER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false)
      .withConformance(SqlConformanceEnum.LENIENT);

  public SqlExpression {
    requireNonNull(sql, "sql is null");
    requireNonNull(position, "position is null");
  }

  /** A fresh parse tree of {@link #sql()}. */
  public SqlNode node() {
    try {
      return parse(sql);
    } catch (SqlParseException e) {
      throw new IllegalStateException("model expression no longer parses: " + sql, e);
    }
  }

  static SqlNode parse(String sql) throws SqlParseException {
    return SqlParser.create(sql, PARSER_CONFIG).parseExpression();
  }

  @Override
  public String toString() {
    return sql;
  }
}
