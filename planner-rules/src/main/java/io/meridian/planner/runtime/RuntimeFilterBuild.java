package io.meridian.planner.runtime;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumUtils;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.ParameterExpression;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A join's build side that publishes runtime filters: it passes its rows through unchanged and, once it has read the
 * last, publishes the distinct values of its key columns to the running query ({@link RuntimeFilterCollector}).
 * Placed by {@link RuntimeFilterProgram}.
 */
public final class RuntimeFilterBuild extends SingleRel implements EnumerableRel {
  private final List<Integer> keys;
  private final List<Integer> ids;
  private final int maxKeys;

  RuntimeFilterBuild(RelOptCluster cluster, RelTraitSet traits, RelNode input, List<Integer> keys, List<Integer> ids,
      int maxKeys) {
    super(cluster, traits, input);
    this.keys = List.copyOf(keys);
    this.ids = List.copyOf(ids);
    this.maxKeys = maxKeys;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new RuntimeFilterBuild(getCluster(), traitSet, sole(inputs), keys, ids, maxKeys);
  }

  /** The filters' ids, one per key column. */
  public List<Integer> ids() {
    return ids;
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    List<String> filters = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      filters.add(ids.get(i) + " on " + getRowType().getFieldNames().get(keys.get(i)));
    }
    return super.explainTerms(pw).item("runtimeFilters", filters);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
    Expression rows = builder.append("rows", input.block);
    PhysType physType = input.physType;
    List<Expression> selectors = new ArrayList<>();
    List<Expression> types = new ArrayList<>();
    for (int key : keys) {
      ParameterExpression row = Expressions.parameter(physType.getJavaRowType(), "row");
      selectors.add(Expressions.lambda(Function1.class,
          EnumUtils.convert(physType.fieldReference(row, key), Object.class), row));
      SqlTypeName type = getRowType().getFieldList().get(key).getType().getSqlTypeName();
      types.add(Expressions.constant(type.name()));
    }
    builder.add(Expressions.return_(null, Expressions.call(RuntimeFilterCollector.class, "collect", rows,
        Expressions.newArrayInit(Function1.class, selectors),
        Expressions.newArrayInit(String.class, types),
        Expressions.constant(ids.stream().mapToInt(Integer::intValue).toArray()),
        Expressions.constant(maxKeys))));
    return implementor.result(physType, builder.toBlock());
  }
}
