package io.meridian.connector.jdbc;

import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;

/**
 * Calcite's JDBC join pushdown, but only for joins the source accepts ({@link JdbcDialectSupport#canPushJoin}); the
 * others run in Meridian. (PostgreSQL, for one, rejects a FULL JOIN whose condition is not plain equalities.)
 */
final class SourceJoinRule extends JdbcRules.JdbcJoinRule {
  private final JdbcDialectSupport dialect;

  static SourceJoinRule create(SourceJdbcConvention out, JdbcDialectSupport dialect) {
    return (SourceJoinRule) Config.INSTANCE
        .withConversion(Join.class, Convention.NONE, out, "SourceJoinRule:" + out.sourceName())
        .withRuleFactory(config -> new SourceJoinRule(config, dialect))
        .toRule();
  }

  private SourceJoinRule(Config config, JdbcDialectSupport dialect) {
    super(config);
    this.dialect = dialect;
  }

  @Override
  public RelNode convert(RelNode rel) {
    Join join = (Join) rel;
    if (!dialect.canPushJoin(join.getJoinType(), join.getCondition())) {
      return null;
    }
    return super.convert(rel);
  }
}
