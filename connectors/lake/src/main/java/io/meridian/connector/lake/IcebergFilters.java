package io.meridian.connector.lake;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * Turns a filter on a lake table into the Iceberg expression that plans its files (partition pruning, then file
 * pruning on column statistics). The translation may only widen: a conjunct Iceberg cannot express becomes "true",
 * so planning keeps every file that could hold a matching row, and DuckDB applies the exact filter to the rows.
 */
final class IcebergFilters {
  private IcebergFilters() {}

  static Expression convert(RexNode condition, RelDataType rowType, RexBuilder rexBuilder) {
    return convertOrTrue(RexUtil.expandSearch(rexBuilder, null, condition), rowType);
  }

  private static Expression convertOrTrue(RexNode node, RelDataType rowType) {
    return tryConvert(node, rowType).orElse(Expressions.alwaysTrue());
  }

  /** The exact Iceberg form of {@code node}, or empty when there is none. */
  private static Optional<Expression> tryConvert(RexNode node, RelDataType rowType) {
    if (!(node instanceof RexCall call)) {
      if (node instanceof RexInputRef ref && ref.getType().getSqlTypeName() == SqlTypeName.BOOLEAN) {
        return Optional.of(Expressions.equal(name(ref, rowType), true));
      }
      return Optional.empty();
    }
    SqlKind kind = call.getKind();
    switch (kind) {
      case AND: {
        // A conjunction may drop what it cannot express: that only widens.
        Expression result = Expressions.alwaysTrue();
        for (RexNode operand : call.getOperands()) {
          result = Expressions.and(result, convertOrTrue(operand, rowType));
        }
        return Optional.of(result);
      }
      case OR: {
        List<Expression> parts = new ArrayList<>();
        for (RexNode operand : call.getOperands()) {
          Optional<Expression> part = tryConvert(operand, rowType);
          if (part.isEmpty()) {
            return Optional.empty();
          }
          parts.add(part.get());
        }
        Expression result = Expressions.alwaysFalse();
        for (Expression part : parts) {
          result = Expressions.or(result, part);
        }
        return Optional.of(result);
      }
      case NOT:
        return tryConvert(call.getOperands().get(0), rowType).map(Expressions::not);
      case IS_NULL:
      case IS_NOT_NULL: {
        if (!(call.getOperands().get(0) instanceof RexInputRef ref)) {
          return Optional.empty();
        }
        String column = name(ref, rowType);
        return Optional.of(kind == SqlKind.IS_NULL ? Expressions.isNull(column) : Expressions.notNull(column));
      }
      case EQUALS:
      case NOT_EQUALS:
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
        return comparison(call, rowType);
      default:
        return Optional.empty();
    }
  }

  private static Optional<Expression> comparison(RexCall call, RelDataType rowType) {
    RexNode left = strip(call.getOperands().get(0));
    RexNode right = strip(call.getOperands().get(1));
    SqlKind kind = call.getKind();
    if (left instanceof RexLiteral && right instanceof RexInputRef) {
      RexNode t = left;
      left = right;
      right = t;
      kind = kind.reverse();
    }
    if (!(left instanceof RexInputRef ref) || !(right instanceof RexLiteral literal)) {
      return Optional.empty();
    }
    Optional<Object> value = value(literal);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String column = name(ref, rowType);
    Object v = value.get();
    return Optional.of(switch (kind) {
      case EQUALS -> Expressions.equal(column, v);
      case NOT_EQUALS -> Expressions.notEqual(column, v);
      case LESS_THAN -> Expressions.lessThan(column, v);
      case LESS_THAN_OR_EQUAL -> Expressions.lessThanOrEqual(column, v);
      case GREATER_THAN -> Expressions.greaterThan(column, v);
      default -> Expressions.greaterThanOrEqual(column, v);
    });
  }

  /** Casts that only widen a column (as Calcite adds to compare an INTEGER with a BIGINT literal) can be seen through. */
  private static RexNode strip(RexNode node) {
    if (node instanceof RexCall call && call.getKind() == SqlKind.CAST
        && call.getOperands().get(0) instanceof RexInputRef ref
        && ref.getType().getSqlTypeName().getFamily() == call.getType().getSqlTypeName().getFamily()) {
      return ref;
    }
    return node;
  }

  /** The literal as Iceberg's expressions take it; timestamps in microseconds since the epoch (as UTC). */
  private static Optional<Object> value(RexLiteral literal) {
    if (literal.isNull()) {
      return Optional.empty();
    }
    switch (literal.getType().getSqlTypeName()) {
      case BOOLEAN:
        return Optional.ofNullable(literal.getValueAs(Boolean.class));
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT:
        return Optional.ofNullable(literal.getValueAs(Long.class));
      case DECIMAL:
        return Optional.ofNullable(literal.getValueAs(BigDecimal.class));
      case DOUBLE:
      case FLOAT:
      case REAL:
        return Optional.ofNullable(literal.getValueAs(Double.class));
      case CHAR:
      case VARCHAR: {
        NlsString s = literal.getValueAs(NlsString.class);
        return s == null ? Optional.empty() : Optional.of(s.getValue());
      }
      case DATE: {
        DateString d = literal.getValueAs(DateString.class);
        return d == null ? Optional.empty() : Optional.of(d.getDaysSinceEpoch());
      }
      case TIMESTAMP: {
        TimestampString t = literal.getValueAs(TimestampString.class);
        return t == null ? Optional.empty() : Optional.of(t.getMillisSinceEpoch() * 1000L);
      }
      default:
        return Optional.empty();
    }
  }

  private static String name(RexInputRef ref, RelDataType rowType) {
    return rowType.getFieldList().get(ref.getIndex()).getName();
  }
}
