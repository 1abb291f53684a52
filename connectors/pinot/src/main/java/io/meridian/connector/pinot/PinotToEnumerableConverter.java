package io.meridian.connector.pinot;

import io.meridian.spi.RuntimeFilter;
import io.meridian.spi.RuntimeFilterTarget;
import io.meridian.spi.SourceQueryNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.convert.ConverterImpl;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The boundary where a Pinot source's part of a plan ends. The SQL is generated once, by Calcite's JDBC
 * implementor in {@link PinotSqlDialect}, with an explicit LIMIT always (Pinot's broker would otherwise return 10
 * rows or 10 groups): the query's own limit when it has one within the cap, else the cap ({@code max-rows}, or
 * {@code max-groups} for grouped queries) plus one, so that an answer past the cap is detected and refused rather
 * than cut. Execution is a {@link PinotQuery} stashed in the generated code.
 */
public final class PinotToEnumerableConverter extends ConverterImpl
    implements EnumerableRel, SourceQueryNode, RuntimeFilterTarget {
  PinotToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, ConventionTraitDef.INSTANCE, traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new PinotToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  /**
   * Moving a row out of Pinot (JSON over HTTP) costs far more than filtering or aggregating it inside Pinot, so every
   * row crossing this boundary is expensive: the planner then prefers plans that push work down.
   */
  @Override
  public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return cost == null ? null : cost.multiplyBy(10);
  }

  private PinotConvention convention() {
    return (PinotConvention) getInput().getConvention();
  }

  @Override
  public String sourceName() {
    return convention().runtime().source();
  }

  @Override
  public String sourceQuery() {
    return query().sql();
  }

  @Override
  public List<String> sourceDetails(String sourceQuery) {
    List<String> details = new ArrayList<>();
    PinotQuery query = query();
    details.add(query.grouped()
        ? "groups: at most " + query.cap() + " (max-groups); more is an error, and so is Pinot's numGroupsLimit"
        : "rows: at most " + query.cap() + " (max-rows); more is an error, not a cut");
    convention().runtime().lastStats(sourceQuery).ifPresent(s -> details.add("Pinot statistics of the last run: "
        + s));
    return details;
  }

  /** Shown only in EXPLAIN (the digest must stay cheap), hence {@code explain} and not {@code explainTerms}. */
  @Override
  public void explain(RelWriter pw) {
    explainTerms(pw).item("source", sourceName()).item("query", sourceQuery()).done(this);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
        pref.prefer(JavaRowFormat.ARRAY));
    PinotQuery query = query();
    Expression stashed = implementor.stash(query, PinotQuery.class);
    BlockBuilder block = new BlockBuilder();
    Expression rows = block.append("rows", Expressions.call(stashed, "execute",
        Expressions.constant(physType.getFormat() == JavaRowFormat.SCALAR)));
    block.add(Expressions.return_(null, rows));
    return implementor.result(physType, block.toBlock());
  }

  /** The query this node sends: its SQL with the limit, and how to read and check the answer. */
  PinotQuery query() {
    RelNode plan = getInput();
    PinotSettings settings = convention().runtime().settings();
    boolean grouped = PinotRules.groups(plan, Integer.MAX_VALUE);
    int cap = grouped ? settings.maxGroups() : settings.maxRows();
    Limited limited = limit(plan, cap);
    plan = limited.plan();
    JdbcImplementor sql = new JdbcImplementor(PinotSqlDialect.INSTANCE,
        (JavaTypeFactory) getCluster().getTypeFactory());
    String text = sql.visitRoot(plan).asStatement().toSqlString(PinotSqlDialect.INSTANCE).getSql();
    List<RelDataType> types = getRowType().getFieldList().stream().map(f -> f.getType()).toList();
    List<String> names = getRowType().getFieldNames();
    return new PinotQuery(convention().runtime(), text, types, names, grouped, cap, limited.checkCap(),
        nullWhenEmpty(getInput()), runtimeFilters(plan));
  }

  /** The key type of each runtime filter in the plan, by id. */
  private static java.util.Map<Integer, SqlTypeName> runtimeFilters(RelNode plan) {
    java.util.Map<Integer, SqlTypeName> filters = new java.util.HashMap<>();
    plan.accept(new org.apache.calcite.rel.RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        if (other instanceof Filter filter) {
          RuntimeFilter.markersIn(filter.getCondition())
              .forEach((id, column) -> filters.put(id, column.getType().getSqlTypeName()));
        }
        return super.visit(other);
      }
    });
    return filters;
  }


  /**
   * Places runtime filter {@code id} directly on the Pinot table scan that column {@code column} comes from, for
   * integer and string keys (Pinot has no DATE type to compare a date key with).
   */
  @Override
  public RelNode withRuntimeFilter(int column, int id) {
    SqlTypeName key = getRowType().getFieldList().get(column).getType().getSqlTypeName();
    if (!RuntimeFilter.KEY_TYPES.contains(key) || key == SqlTypeName.DATE) {
      return null;
    }
    RelNode filtered = RuntimeFilterTarget.onJdbcScan(getInput(), column, id);
    return filtered == null ? null : copy(getTraitSet(), List.of(filtered));
  }


  /** A plan with its explicit limit, and whether the answer must be checked against the cap. */
  private record Limited(RelNode plan, boolean checkCap) {}

  /**
   * Gives the plan an explicit LIMIT: the query's own when it is within the cap, else the cap plus one. The sort that
   * carries it may sit under projections (a LIMIT above them would make Pinot, which has no subqueries, fail).
   */
  private Limited limit(RelNode plan, int cap) {
    if (plan instanceof Sort sort) {
      if (sort.fetch != null && RexLiteral.intValue(sort.fetch) <= cap) {
        return new Limited(sort, false);
      }
      return new Limited(sort.copy(sort.getTraitSet(), sort.getInput(), sort.getCollation(), sort.offset,
          literal(cap + 1L)), true);
    }
    if (plan instanceof Project project && project.getInput() instanceof Sort) {
      Limited below = limit(project.getInput(), cap);
      return new Limited(project.copy(project.getTraitSet(), List.of(below.plan())), below.checkCap());
    }
    return new Limited(new JdbcRules.JdbcSort(getCluster(), plan.getTraitSet().replace(RelCollations.EMPTY), plan,
        RelCollations.EMPTY, null, literal(cap + 1L)), true);
  }

  private RexNode literal(long value) {
    return getCluster().getRexBuilder().makeExactLiteral(BigDecimal.valueOf(value));
  }

  /**
   * For a global aggregation (no GROUP BY), the output fields that SQL defines as NULL over no rows (SUM, MIN, MAX,
   * AVG), where Pinot answers 0 or infinity instead; null when the plan is no global aggregation.
   */
  static boolean @Nullable [] nullWhenEmpty(RelNode plan) {
    RelNode node = plan;
    while (node instanceof Sort sort) {
      node = sort.getInput();
    }
    int[] map = null;
    if (node instanceof Project project) {
      map = new int[project.getProjects().size()];
      for (int i = 0; i < map.length; i++) {
        map[i] = project.getProjects().get(i) instanceof RexInputRef ref ? ref.getIndex() : -1;
      }
      node = project.getInput();
    }
    node = unwrap(node);
    if (!(node instanceof Aggregate aggregate) || !aggregate.getGroupSet().isEmpty()) {
      return null;
    }
    boolean[] aggregateNulls = new boolean[aggregate.getAggCallList().size()];
    for (int i = 0; i < aggregateNulls.length; i++) {
      AggregateCall call = aggregate.getAggCallList().get(i);
      aggregateNulls[i] = call.getAggregation().getKind() != SqlKind.COUNT;
    }
    if (map == null) {
      return aggregateNulls;
    }
    boolean[] result = new boolean[map.length];
    for (int i = 0; i < map.length; i++) {
      result[i] = map[i] >= 0 && aggregateNulls[map[i]];
    }
    return result;
  }

  private static RelNode unwrap(RelNode node) {
    if (node instanceof org.apache.calcite.plan.volcano.RelSubset subset) {
      RelNode best = subset.getBest();
      return best != null ? best : subset.getOriginal() != null ? subset.getOriginal() : node;
    }
    return node;
  }
}
