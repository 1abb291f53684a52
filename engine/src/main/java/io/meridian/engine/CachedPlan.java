package io.meridian.engine;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlExplainLevel;

/**
 * What the result cache needs to know of a prepared plan, computed once when the plan is made: the normalized plan
 * (its digest: every operator, expression and fully qualified table, so two texts that plan alike share answers), the
 * tables it reads by source (whose data versions join the key at every execution), and why it may not be cached at all.
 *
 * @param digest the optimized plan as text, without ids
 * @param tables the tables read, by source name
 * @param hasParameters whether the plan has {@code ?} parameters, whose values then join the key
 * @param uncacheable why answers of this plan are never reused, if they are not
 * @param hint the statement's own freshness contract, overriding its connection's
 */
record CachedPlan(String digest, Map<String, Set<String>> tables, boolean hasParameters,
    Optional<String> uncacheable, CacheHint hint) {
  CachedPlan {
    requireNonNull(digest, "digest is null");
    tables = Map.copyOf(requireNonNull(tables, "tables is null"));
    requireNonNull(uncacheable, "uncacheable is null");
    requireNonNull(hint, "hint is null");
  }

  static CachedPlan of(RelNode plan, CacheHint hint) {
    Map<String, Set<String>> tables = new TreeMap<>();
    String uncacheable = null;
    for (RelOptTable table : RelOptUtil.findAllTables(plan)) {
      var name = table.getQualifiedName();
      if (name.size() < 2 || MeridianEngine.SYSTEM_SCHEMA.equals(name.get(0))) {
        // Meridian's own tables (statistics, the metric catalog) change without a data version.
        uncacheable = "it reads Meridian's own table " + String.join(".", name);
        continue;
      }
      tables.computeIfAbsent(name.get(0), k -> new TreeSet<>()).add(name.get(name.size() - 1));
    }
    Expressions found = new Expressions();
    new RelVisitor() {
      @Override
      public void visit(RelNode node, int ordinal, RelNode parent) {
        node.accept(found);
        super.visit(node, ordinal, parent);
      }
    }.go(plan);
    if (uncacheable == null && found.volatileCall != null) {
      uncacheable = "it calls " + found.volatileCall + ", whose value changes from one execution to the next";
    }
    if (uncacheable == null && tables.isEmpty()) {
      uncacheable = "it reads no source table";
    }
    return new CachedPlan(RelOptUtil.toString(plan, SqlExplainLevel.DIGEST_ATTRIBUTES), tables,
        found.parameters, Optional.ofNullable(uncacheable), hint);
  }

  /** Finds calls whose value is not a function of the data (RAND, CURRENT_TIMESTAMP, ...), and parameters. */
  private static final class Expressions extends RexShuttle {
    String volatileCall;
    boolean parameters;

    @Override
    public RexNode visitCall(RexCall call) {
      if (volatileCall == null && (!call.getOperator().isDeterministic() || call.getOperator().isDynamicFunction())) {
        volatileCall = call.getOperator().getName();
      }
      return super.visitCall(call);
    }

    @Override
    public RexNode visitDynamicParam(RexDynamicParam dynamicParam) {
      parameters = true;
      return dynamicParam;
    }
  }
}
