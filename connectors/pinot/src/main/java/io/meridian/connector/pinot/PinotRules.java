package io.meridian.connector.pinot;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The pushdown rules of a Pinot source, and what each takes. Each is one of Calcite's JDBC converter rules with a
 * guard: the source takes only what Pinot computes exactly as Meridian would, and the rest stays in Meridian.
 *
 * <ul>
 *   <li>Filters: comparisons of a column with a literal Pinot reads exactly (a whole number for an integer column, a
 *       value a FLOAT holds exactly for a REAL column, timestamps, strings, booleans), IN lists and ranges, LIKE
 *       without ESCAPE, and AND/OR/NOT of these. A filter is split: what Pinot can take goes down, the remainder
 *       stays above (never dropped). Multi-value columns are never filtered in Pinot (Pinot matches any element).
 *       Parameters ({@code ?}) stay in Meridian.
 *   <li>Projections of plain columns and numeric constants (Pinot's transform functions differ from SQL's in
 *       types and NULLs).
 *   <li>Aggregations with one GROUP BY set: COUNT(*), COUNT(DISTINCT col) (Pinot's exact DISTINCTCOUNT), SUM, MIN,
 *       MAX and AVG of numeric single-value columns. Results are read strictly ({@link PinotTypes}).
 *   <li>ORDER BY and LIMIT/OFFSET over rows; over groups only without a LIMIT, because Pinot trims groups to about
 *       {@code 5 * LIMIT} per server before merging, which can change an ordered top-N (kept in Meridian instead).
 * </ul>
 */
final class PinotRules {
  private PinotRules() {}

  static List<RelOptRule> rules(PinotConvention out) {
    return List.of(
        FilterRule.create(out),
        ProjectRule.create(out),
        AggregateRule.create(out),
        SortRule.create(out),
        PinotToEnumerableConverterRule.create(out));
  }

  /** Pushes the part of a filter Pinot evaluates exactly; the rest stays in Meridian, above it. */
  static final class FilterRule extends JdbcRules.JdbcFilterRule {
    static FilterRule create(PinotConvention out) {
      return (FilterRule) Config.INSTANCE
          .withConversion(Filter.class, Convention.NONE, out, "PinotFilterRule:" + out.runtime().source())
          .withRuleFactory(FilterRule::new)
          .toRule();
    }

    private FilterRule(Config config) {
      super(config);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
      Filter filter = (Filter) rel;
      RelDataType row = filter.getInput().getRowType();
      RexBuilder rex = filter.getCluster().getRexBuilder();
      List<RexNode> taken = new ArrayList<>();
      List<RexNode> kept = new ArrayList<>();
      for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
        RexNode pushed = pushable(conjunct, row, rex);
        if (pushed != null) {
          taken.add(pushed);
        } else {
          kept.add(conjunct);
        }
      }
      if (taken.isEmpty()) {
        return null;
      }
      RelNode input = convert(filter.getInput(), filter.getInput().getTraitSet().replace(out));
      RelNode pushed = new JdbcRules.JdbcFilter(filter.getCluster(), filter.getTraitSet().replace(out), input,
          RexUtil.composeConjunction(rex, taken));
      return kept.isEmpty() ? pushed
          : LogicalFilter.create(pushed, RexUtil.composeConjunction(rex, kept));
    }
  }

  /** Pushes projections of plain columns. */
  static final class ProjectRule extends JdbcRules.JdbcProjectRule {
    static ProjectRule create(PinotConvention out) {
      return (ProjectRule) Config.INSTANCE
          .withConversion(Project.class, p -> p.getProjects().stream()
                  .allMatch(e -> e instanceof RexInputRef || e instanceof RexLiteral l && l.getValue() instanceof BigDecimal),
              Convention.NONE, out, "PinotProjectRule:" + out.runtime().source())
          .withRuleFactory(ProjectRule::new)
          .toRule();
    }

    private ProjectRule(Config config) {
      super(config);
    }
  }

  /** Pushes aggregations Pinot computes exactly (see the class comment). */
  static final class AggregateRule extends JdbcRules.JdbcAggregateRule {
    static AggregateRule create(PinotConvention out) {
      return (AggregateRule) Config.INSTANCE
          .withConversion(Aggregate.class, AggregateRule::canPush, Convention.NONE, out,
              "PinotAggregateRule:" + out.runtime().source())
          .withRuleFactory(AggregateRule::new)
          .toRule();
    }

    private AggregateRule(Config config) {
      super(config);
    }

    static boolean canPush(Aggregate aggregate) {
      if (aggregate.getGroupSets().size() != 1) {
        return false;
      }
      List<RelDataType> fields = aggregate.getInput().getRowType().getFieldList().stream().map(f -> f.getType())
          .toList();
      for (int key : aggregate.getGroupSet()) {
        if (fields.get(key).getSqlTypeName() == SqlTypeName.ARRAY) {
          return false;
        }
      }
      for (AggregateCall call : aggregate.getAggCallList()) {
        if (call.hasFilter() || call.isApproximate() || !call.collation.getFieldCollations().isEmpty()
            || call.distinctKeys != null) {
          return false;
        }
        List<Integer> args = call.getArgList();
        for (int arg : args) {
          if (fields.get(arg).getSqlTypeName() == SqlTypeName.ARRAY) {
            return false;
          }
        }
        SqlKind kind = call.getAggregation().getKind();
        switch (kind) {
          case COUNT:
            if (call.isDistinct() ? args.size() != 1 : !args.isEmpty()) {
              return false;
            }
            break;
          case SUM:
          case MIN:
          case MAX:
          case AVG:
            if (call.isDistinct() || args.size() != 1
                || !SqlTypeFamily.NUMERIC.contains(fields.get(args.get(0)))
                || fields.get(args.get(0)).getSqlTypeName() == SqlTypeName.DECIMAL) {
              return false;
            }
            // Pinot's AVG is a DOUBLE; Meridian's AVG of an integer column is an integer. Pushed only where the
            // types agree (the planner usually rewrites AVG into SUM / COUNT anyway).
            if (kind == SqlKind.AVG && !SqlTypeFamily.APPROXIMATE_NUMERIC.contains(call.getType())) {
              return false;
            }
            break;
          default:
            return false;
        }
      }
      return true;
    }
  }

  /** Pushes ORDER BY and LIMIT, except a LIMIT over groups (see the class comment). */
  static final class SortRule extends JdbcRules.JdbcSortRule {
    static SortRule create(PinotConvention out) {
      return (SortRule) Config.INSTANCE
          .withConversion(Sort.class, SortRule::canPush, Convention.NONE, out,
              "PinotSortRule:" + out.runtime().source())
          .withRuleFactory(SortRule::new)
          .toRule();
    }

    private SortRule(Config config) {
      super(config);
    }

    static boolean canPush(Sort sort) {
      if (sort.offset != null && !(sort.offset instanceof RexLiteral)
          || sort.fetch != null && !(sort.fetch instanceof RexLiteral)) {
        return false;
      }
      boolean arrays = sort.getCollation().getFieldCollations().stream()
          .anyMatch(c -> sort.getInput().getRowType().getFieldList().get(c.getFieldIndex()).getType()
              .getSqlTypeName() == SqlTypeName.ARRAY);
      if (arrays) {
        return false;
      }
      return sort.fetch == null && sort.offset == null || !groups(sort.getInput(), 4);
    }
  }

  /** Whether a plan (as far as {@code depth} levels, through planner subsets) groups rows. */
  static boolean groups(RelNode rel, int depth) {
    if (depth < 0) {
      return false;
    }
    if (rel instanceof RelSubset subset) {
      RelNode original = subset.getOriginal();
      if (original != null && groups(original, depth)) {
        return true;
      }
      for (RelNode r : subset.getRelList()) {
        if (groups(r, depth - 1)) {
          return true;
        }
      }
      return false;
    }
    if (rel instanceof Aggregate aggregate) {
      return !aggregate.getGroupSet().isEmpty();
    }
    for (RelNode input : rel.getInputs()) {
      if (groups(input, depth - 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The conjunct as Pinot should get it (with widening numeric casts of columns removed: Pinot compares numbers by
   * value), or null when Pinot cannot evaluate it exactly.
   */
  static @Nullable RexNode pushable(RexNode node, RelDataType row, RexBuilder rex) {
    if (!canPush(node, row)) {
      return null;
    }
    return node.accept(new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall call) {
        if (call.getKind() == SqlKind.CAST && column(call, row) != null && !(call.getOperands().get(0)
            instanceof RexCall)) {
          return call.getOperands().get(0);
        }
        return super.visitCall(call);
      }
    });
  }

  private static boolean canPush(RexNode node, RelDataType row) {
    if (!(node instanceof RexCall call)) {
      return false;
    }
    List<RexNode> operands = call.getOperands();
    switch (call.getKind()) {
      case AND:
      case OR:
        return operands.stream().allMatch(o -> canPush(o, row));
      case NOT:
        return canPush(operands.get(0), row);
      case EQUALS:
      case NOT_EQUALS:
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL: {
        RelDataType left = column(operands.get(0), row);
        RelDataType right = column(operands.get(1), row);
        if (left != null && operands.get(1) instanceof RexLiteral literal) {
          return exact(literal.getValue(), left, call.getKind());
        }
        if (right != null && operands.get(0) instanceof RexLiteral literal) {
          return exact(literal.getValue(), right, call.getKind());
        }
        return false;
      }
      case SEARCH: {
        RelDataType type = column(operands.get(0), row);
        if (type == null || !(operands.get(1) instanceof RexLiteral literal)) {
          return false;
        }
        Sarg<?> sarg = literal.getValueAs(Sarg.class);
        if (sarg == null) {
          return false;
        }
        for (com.google.common.collect.Range<?> range : sarg.rangeSet.asRanges()) {
          if (range.hasLowerBound() && !exact(range.lowerEndpoint(), type, SqlKind.GREATER_THAN)
              || range.hasUpperBound() && !exact(range.upperEndpoint(), type, SqlKind.LESS_THAN)) {
            return false;
          }
        }
        return true;
      }
      case LIKE: {
        RelDataType type = column(operands.get(0), row);
        return operands.size() == 2 && type != null && SqlTypeFamily.CHARACTER.contains(type)
            && operands.get(1) instanceof RexLiteral pattern && pattern.getValue() instanceof NlsString;
      }
      default:
        return false;
    }
  }

  /** The type of the single-value column a node reads (through widening numeric casts), or null. */
  private static @Nullable RelDataType column(RexNode node, RelDataType row) {
    if (node instanceof RexInputRef ref) {
      RelDataType type = row.getFieldList().get(ref.getIndex()).getType();
      return type.getSqlTypeName() == SqlTypeName.ARRAY || type.getSqlTypeName() == SqlTypeName.DECIMAL
          || type.getSqlTypeName() == SqlTypeName.VARBINARY ? null : type;
    }
    if (node.getKind() == SqlKind.CAST && node instanceof RexCall cast) {
      RelDataType inner = column(cast.getOperands().get(0), row);
      if (inner != null && SqlTypeFamily.EXACT_NUMERIC.contains(inner)
          && SqlTypeFamily.NUMERIC.contains(cast.getType())) {
        return inner;
      }
      if (inner != null && SqlTypeFamily.CHARACTER.contains(inner)
          && SqlTypeFamily.CHARACTER.contains(cast.getType()) && cast.getType().getSqlTypeName()
          == SqlTypeName.VARCHAR) {
        return inner;
      }
    }
    return null;
  }

  /** Whether Pinot reads {@code value} (a literal's value) for a column of {@code type} exactly as Meridian does. */
  private static boolean exact(@Nullable Object value, RelDataType type, SqlKind comparison) {
    if (value == null) {
      return false;
    }
    SqlTypeName name = type.getSqlTypeName();
    switch (name) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
      case BIGINT: {
        if (!(value instanceof BigDecimal d)) {
          return false;
        }
        try {
          long v = d.longValueExact();
          return name != SqlTypeName.INTEGER || v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
        } catch (ArithmeticException e) {
          return false;
        }
      }
      case DOUBLE:
        return value instanceof BigDecimal;
      case REAL:
      case FLOAT:
        if (!(value instanceof BigDecimal d)) {
          return false;
        }
        return new BigDecimal((double) d.floatValue()).compareTo(d) == 0;
      case CHAR:
      case VARCHAR:
        return value instanceof NlsString;
      case TIMESTAMP:
        return value instanceof TimestampString || value instanceof java.util.Calendar;
      case BOOLEAN:
        return value instanceof Boolean && (comparison == SqlKind.EQUALS || comparison == SqlKind.NOT_EQUALS);
      default:
        return false;
    }
  }

  /** Moves rows out of Pinot into Meridian's engine through a {@link PinotToEnumerableConverter}. */
  static final class PinotToEnumerableConverterRule extends ConverterRule {
    static PinotToEnumerableConverterRule create(PinotConvention in) {
      return Config.INSTANCE
          .withConversion(RelNode.class, in, EnumerableConvention.INSTANCE,
              "PinotToEnumerableConverterRule:" + in.runtime().source())
          .withRuleFactory(PinotToEnumerableConverterRule::new)
          .toRule(PinotToEnumerableConverterRule.class);
    }

    private PinotToEnumerableConverterRule(Config config) {
      super(config);
    }

    @Override
    public RelNode convert(RelNode rel) {
      return new PinotToEnumerableConverter(rel.getCluster(), rel.getTraitSet().replace(getOutTrait()), rel);
    }
  }
}
