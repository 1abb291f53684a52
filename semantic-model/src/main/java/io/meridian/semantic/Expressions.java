package io.meridian.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Parses model expressions, finds the names they use, and infers their type where it is evident from the
 * expression's shape (a comparison is boolean, a column has its type, arithmetic over numbers is numeric). Inference
 * is deliberately shallow: where it cannot tell, it says nothing, and the check is left to the engine's validator.
 */
final class Expressions {
  /** Names Calcite parses as identifiers that are in fact functions without parentheses. */
  private static final Set<String> NILADIC = Set.of("current_date", "current_time", "current_timestamp",
      "localtime", "localtimestamp", "current_user", "session_user", "user", "current_role", "current_catalog",
      "current_schema", "current_path", "system_user");

  /** The broad kinds of value the checks need. */
  enum ValueType {
    BOOLEAN, NUMERIC, TEXT, DATE, TIMESTAMP, TIME, OTHER;

    static ValueType of(SqlTypeName t) {
      if (t == SqlTypeName.BOOLEAN) {
        return BOOLEAN;
      }
      if (SqlTypeName.NUMERIC_TYPES.contains(t)) {
        return NUMERIC;
      }
      if (SqlTypeName.CHAR_TYPES.contains(t)) {
        return TEXT;
      }
      if (t == SqlTypeName.DATE) {
        return DATE;
      }
      return switch (t) {
        case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> TIMESTAMP;
        case TIME, TIME_WITH_LOCAL_TIME_ZONE, TIME_TZ -> TIME;
        default -> OTHER;
      };
    }

    boolean isTime() {
      return this == DATE || this == TIMESTAMP;
    }

    String describe() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A parsed expression and the scalar it was written in. */
  record Parsed(SqlExpression expression, SqlNode node, YamlNode.Scalar scalar) {}

  private Expressions() {}

  /** Parses {@code scalar}'s text, reporting a syntax error at its place in the file. */
  static Optional<Parsed> parse(YamlNode.Scalar scalar, String what, Problems problems) {
    try {
      SqlNode node = SqlExpression.parse(scalar.text());
      return Optional.of(new Parsed(new SqlExpression(scalar.text(), scalar.position()), node, scalar));
    } catch (SqlParseException e) {
      String message = e.getMessage() == null ? "syntax error" : e.getMessage();
      int nl = message.indexOf('\n');
      message = (nl < 0 ? message : message.substring(0, nl)).strip();
      message = message.replaceAll(" at line \\d+, column \\d+\\.?$", "");
      problems.add(at(scalar, e.getPos()), "cannot parse " + what + " '" + scalar.text() + "': " + message);
      return Optional.empty();
    }
  }

  /** The file position of a position inside the scalar's text (the scalar's own position when unknown). */
  static SourcePosition at(YamlNode.Scalar scalar, SqlParserPos pos) {
    if (pos == null || pos.getLineNum() != 1 || scalar.content().isEmpty() || pos.getColumnNum() < 1) {
      return scalar.position();
    }
    return scalar.content().get().shift(0, pos.getColumnNum() - 1);
  }

  /** The identifiers of an expression that name columns (or measures and metrics), in the order written. */
  static List<SqlIdentifier> identifiers(SqlNode node) {
    List<SqlIdentifier> found = new ArrayList<>();
    node.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlIdentifier id) {
        if (!id.isStar() && !(id.isSimple() && NILADIC.contains(id.getSimple().toLowerCase(Locale.ROOT)))) {
          found.add(id);
        }
        return null;
      }

      @Override
      public Void visit(SqlDataTypeSpec type) {
        return null;
      }
    });
    return found;
  }

  /** The first sub-query or aggregate-looking construct model expressions may not hold, if any. */
  static Optional<SqlNode> subQuery(SqlNode node) {
    List<SqlNode> found = new ArrayList<>();
    node.accept(new SqlBasicVisitor<Void>() {
      @Override
      public Void visit(SqlCall call) {
        if (call.getKind() == SqlKind.SELECT || call.getKind() == SqlKind.UNION || call.getKind() == SqlKind.WITH
            || call.getKind() == SqlKind.VALUES) {
          found.add(call);
          return null;
        }
        return super.visit(call);
      }
    });
    return found.stream().findFirst();
  }

  /**
   * The type of an expression when evident, given the types of the identifiers it names.
   *
   * @param column the type of a column identifier, empty when unknown
   */
  static Optional<ValueType> type(SqlNode node, Function<SqlIdentifier, Optional<ValueType>> column) {
    if (node instanceof SqlIdentifier id) {
      return identifiers(id).isEmpty() ? Optional.empty() : column.apply(id);
    }
    if (node instanceof SqlLiteral literal) {
      if (literal instanceof SqlNumericLiteral) {
        return Optional.of(ValueType.NUMERIC);
      }
      return switch (literal.getTypeName()) {
        case BOOLEAN -> Optional.of(ValueType.BOOLEAN);
        case CHAR, VARCHAR -> Optional.of(ValueType.TEXT);
        case DATE -> Optional.of(ValueType.DATE);
        case TIMESTAMP -> Optional.of(ValueType.TIMESTAMP);
        default -> Optional.empty();
      };
    }
    if (node instanceof SqlCase c) {
      for (SqlNode result : c.getThenOperands()) {
        Optional<ValueType> t = type(result, column);
        if (t.isPresent()) {
          return t;
        }
      }
      return c.getElseOperand() == null ? Optional.empty() : type(c.getElseOperand(), column);
    }
    if (!(node instanceof SqlCall call)) {
      return Optional.empty();
    }
    SqlKind kind = call.getKind();
    if (SqlKind.COMPARISON.contains(kind) || kind == SqlKind.AND || kind == SqlKind.OR || kind == SqlKind.NOT
        || kind == SqlKind.IS_NULL || kind == SqlKind.IS_NOT_NULL || kind == SqlKind.IS_TRUE
        || kind == SqlKind.IS_FALSE || kind == SqlKind.IS_NOT_TRUE || kind == SqlKind.IS_NOT_FALSE
        || kind == SqlKind.LIKE || kind == SqlKind.SIMILAR || kind == SqlKind.BETWEEN || kind == SqlKind.IN
        || kind == SqlKind.NOT_IN || kind == SqlKind.EXISTS || kind == SqlKind.IS_DISTINCT_FROM
        || kind == SqlKind.IS_NOT_DISTINCT_FROM) {
      return Optional.of(ValueType.BOOLEAN);
    }
    if (kind == SqlKind.CAST && call.operandCount() == 2 && call.operand(1) instanceof SqlDataTypeSpec spec
        && spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic) {
      SqlTypeName t = SqlTypeName.get(basic.getTypeName().getSimple().toUpperCase(Locale.ROOT));
      return t == null ? Optional.empty() : Optional.of(ValueType.of(t));
    }
    if (kind == SqlKind.PLUS || kind == SqlKind.MINUS || kind == SqlKind.TIMES || kind == SqlKind.DIVIDE
        || kind == SqlKind.MOD || kind == SqlKind.MINUS_PREFIX || kind == SqlKind.PLUS_PREFIX) {
      boolean numeric = true;
      for (SqlNode operand : call.getOperandList()) {
        Optional<ValueType> t = type(operand, column);
        if (t.isEmpty() || t.get() != ValueType.NUMERIC) {
          numeric = false;
        }
      }
      return numeric ? Optional.of(ValueType.NUMERIC) : Optional.empty();
    }
    if (kind == SqlKind.COALESCE || kind == SqlKind.NULLIF) {
      for (SqlNode operand : call.getOperandList()) {
        Optional<ValueType> t = operand instanceof SqlNodeList ? Optional.empty() : type(operand, column);
        if (t.isPresent()) {
          return t;
        }
      }
    }
    return Optional.empty();
  }
}
