package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.plan.RelOptPlanner;

/**
 * The calling convention of one Pinot source: plans in it run inside Pinot. Only {@link PinotRules} are registered
 * (not all of Calcite's JDBC rules): Pinot 0.11's broker runs no joins, set operations or window functions, and
 * only filters whose semantics match Meridian's.
 */
final class PinotConvention extends JdbcConvention {
  private final PinotRuntime runtime;

  PinotConvention(Expression expression, PinotRuntime runtime) {
    super(PinotSqlDialect.INSTANCE, expression, "PINOT." + runtime.source());
    this.runtime = requireNonNull(runtime, "runtime is null");
  }

  PinotRuntime runtime() {
    return runtime;
  }

  @Override
  public void register(RelOptPlanner planner) {
    PinotRules.rules(this).forEach(planner::addRule);
  }
}
