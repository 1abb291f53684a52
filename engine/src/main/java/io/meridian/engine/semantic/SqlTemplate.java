package io.meridian.engine.semantic;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.util.SqlShuttle;
import io.meridian.semantic.SqlExpression;

/**
 * SQL written as text with holes, {@code "$name"}, filled with parse trees. Generated structure (joins, aggregates,
 * casts) is easiest to read as text, while the user's own expressions must stay trees: they hold dynamic parameters
 * and positions that text would lose.
 */
final class SqlTemplate {
  private SqlTemplate() {}

  static SqlNode query(String text, Map<String, SqlNode> holes) {
    try {
      return fill(SqlParser.create(text, SqlExpression.PARSER_CONFIG).parseQuery(), holes);
    } catch (SqlParseException e) {
      throw new MeridianException(ErrorCode.INTERNAL_ERROR, "generated SQL does not parse: " + text, e);
    }
  }

  static SqlNode expression(String text, Map<String, SqlNode> holes) {
    try {
      return fill(SqlParser.create(text, SqlExpression.PARSER_CONFIG).parseExpression(), holes);
    } catch (SqlParseException e) {
      throw new MeridianException(ErrorCode.INTERNAL_ERROR, "generated SQL does not parse: " + text, e);
    }
  }

  /** {@code "name"}, quoted for the generated text. */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** {@code "a"."b"}. */
  static String quote(String qualifier, String name) {
    return quote(qualifier) + "." + quote(name);
  }

  private static SqlNode fill(SqlNode node, Map<String, SqlNode> holes) {
    return node.accept(new SqlShuttle() {
      @Override
      public SqlNode visit(SqlIdentifier id) {
        if (id.isSimple() && id.getSimple().startsWith("$")) {
          SqlNode value = holes.get(id.getSimple().substring(1));
          if (value == null) {
            throw new IllegalStateException("unfilled hole " + id.getSimple());
          }
          return value;
        }
        return id;
      }

      @Override
      public SqlNode visit(SqlCall call) {
        SqlNode result = super.visit(call);
        return result == null ? call : result;
      }
    });
  }
}
