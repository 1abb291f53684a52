package io.meridian.connector.jdbc;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverterRule;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.rules.CoreRules;

/**
 * The calling convention of one JDBC source: plans in it run inside that source. It registers Calcite's JDBC pushdown
 * rules (filter, project, aggregate, sort, limit, join, set operations within one source), but replaces the rule that
 * leaves the source with {@link SourceToEnumerableConverterRule}, whose node knows the source's name and shows in
 * EXPLAIN the exact query sent to it.
 */
public final class SourceJdbcConvention extends JdbcConvention {
  private final String sourceName;
  private final JdbcDialectSupport support;

  public SourceJdbcConvention(JdbcDialectSupport support, Expression expression, String sourceName) {
    super(support.sqlDialect(), expression, "JDBC." + sourceName);
    this.sourceName = requireNonNull(sourceName, "sourceName is null");
    this.support = support;
  }

  public String sourceName() {
    return sourceName;
  }

  /** What the source can do and how to talk to it. */
  public JdbcDialectSupport support() {
    return support;
  }

  @Override
  public void register(RelOptPlanner planner) {
    for (RelOptRule rule : JdbcRules.rules(this, RelFactories.LOGICAL_BUILDER)) {
      if (!(rule instanceof JdbcToEnumerableConverterRule) && !(rule instanceof JdbcRules.JdbcJoinRule)) {
        planner.addRule(rule);
      }
    }
    planner.addRule(SourceJoinRule.create(this, support));
    planner.addRule(SourceToEnumerableConverterRule.create(this));
    planner.addRule(CoreRules.FILTER_SET_OP_TRANSPOSE);
    planner.addRule(CoreRules.PROJECT_REMOVE);
  }
}
