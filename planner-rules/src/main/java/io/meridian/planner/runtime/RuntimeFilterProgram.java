package io.meridian.planner.runtime;

import io.meridian.spi.RuntimeFilter;
import io.meridian.spi.RuntimeFilterTarget;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableHashJoin;
import org.apache.calcite.plan.RelOptLattice;
import org.apache.calcite.plan.RelOptMaterialization;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.Program;

/**
 * Places runtime filters (dynamic filtering) in a physical plan: for each inner hash join whose build side is
 * filtered, each equi-join key is traced down the probe side to a source that can take a runtime filter
 * ({@link RuntimeFilterTarget}); the source query gets the filter's marker and the build side publishes the keys at
 * execution ({@link RuntimeFilterBuild}). See {@link RuntimeFilter} for the protocol and why it is always correct.
 *
 * <p>Why after cost-based planning, on the physical plan: the filter's values exist only at execution, so it changes
 * no cost the planner could weigh; what it needs is the final join order (which side is built, which is probed) and
 * the final split between Meridian and each source. Calcite's {@code EnumerableHashJoin} builds its right input and
 * probes its left one.
 *
 * <p>Which joins: those whose build side has a filter, a join or a limit anywhere below it. An unfiltered build side
 * (a whole dimension) would send every key of the dimension, which removes nothing where a foreign key holds and
 * costs the source a semi-join on every row.
 *
 * <p>How far down a key is traced: see {@link RuntimeFilterTarget#trace}.
 */
public final class RuntimeFilterProgram implements Program {
  private final int maxKeys;

  /** @param maxKeys the most distinct keys a filter sends; 0 places no filters */
  public RuntimeFilterProgram(int maxKeys) {
    this.maxKeys = maxKeys;
  }

  @Override
  public RelNode run(RelOptPlanner planner, RelNode rel, RelTraitSet requiredOutputTraits,
      List<RelOptMaterialization> materializations, List<RelOptLattice> lattices) {
    return maxKeys <= 0 ? rel : new Placer(maxKeys).place(rel);
  }

  private static final class Placer {
    private final int maxKeys;
    /** Filters are numbered in their plan, so that planning the same query twice gives the same plan and digest. */
    private int nextId = 1;

    Placer(int maxKeys) {
      this.maxKeys = maxKeys;
    }

    RelNode place(RelNode root) {
      return root.accept(new RelHomogeneousShuttle() {
        @Override
        public RelNode visit(RelNode other) {
          if (other instanceof RuntimeFilterTarget) {
            return other; // a source's part of the plan: no Meridian joins below
          }
          RelNode visited = super.visit(other);
          // Only inner joins: Calcite's hash semi-join opens its probe side first and reads its build side on the
          // first probe row, too late for a filter on the probe side's source query.
          return visited instanceof EnumerableHashJoin join && join.getJoinType() == JoinRelType.INNER
              ? filter(join) : visited;
        }
      });
    }

    private RelNode filter(EnumerableHashJoin join) {
      if (!reduces(join.getRight())) {
        return join;
      }
      int leftCount = join.getLeft().getRowType().getFieldCount();
      RelNode probe = join.getLeft();
      List<Integer> buildKeys = new ArrayList<>();
      List<Integer> ids = new ArrayList<>();
      for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
        if (conjunct.getKind() != SqlKind.EQUALS) {
          continue;
        }
        List<RexNode> operands = ((RexCall) conjunct).getOperands();
        if (!(operands.get(0) instanceof RexInputRef a) || !(operands.get(1) instanceof RexInputRef b)) {
          continue;
        }
        RexInputRef left = a.getIndex() < leftCount ? a : b;
        RexInputRef right = a.getIndex() < leftCount ? b : a;
        if (left.getIndex() >= leftCount || right.getIndex() < leftCount || !sameKeyType(left.getType(),
            right.getType())) {
          continue;
        }
        RelNode pushed = push(probe, left.getIndex(), nextId);
        if (pushed != null) {
          probe = pushed;
          buildKeys.add(right.getIndex() - leftCount);
          ids.add(nextId++);
        }
      }
      if (ids.isEmpty()) {
        return join;
      }
      RelNode build = new RuntimeFilterBuild(join.getCluster(), join.getRight().getTraitSet(), join.getRight(),
          buildKeys, ids, maxKeys);
      return join.copy(join.getTraitSet(), join.getCondition(), probe, build, join.getJoinType(),
          join.isSemiJoinDone());
    }

    private static boolean sameKeyType(RelDataType a, RelDataType b) {
      return a.getSqlTypeName() == b.getSqlTypeName() && RuntimeFilter.KEY_TYPES.contains(a.getSqlTypeName());
    }

    /** Whether a build side may have fewer keys than its tables: something below it filters, joins or limits. */
    private static boolean reduces(RelNode node) {
      if (node instanceof Filter || node instanceof Join
          || node instanceof Calc calc && calc.getProgram().getCondition() != null
          || node instanceof Sort sort && (sort.fetch != null || sort.offset != null)) {
        return true;
      }
      for (RelNode input : node.getInputs()) {
        if (reduces(input)) {
          return true;
        }
      }
      return false;
    }

    /** {@code node} with runtime filter {@code id} on output column {@code column} pushed to its sources, or null. */
    private static RelNode push(RelNode node, int column, int id) {
      return RuntimeFilterTarget.trace(node, column, new RuntimeFilterTarget.Leaf() {
        @Override
        public boolean isLeaf(RelNode n) {
          return n instanceof RuntimeFilterTarget || n instanceof RuntimeFilterBuild;
        }

        @Override
        public RelNode filter(RelNode n, int c) {
          if (n instanceof RuntimeFilterTarget target) {
            return target.withRuntimeFilter(c, id);
          }
          // A build side passes its input's rows through: trace on below it.
          RelNode below = push(n.getInput(0), c, id);
          return below == null ? null : n.copy(n.getTraitSet(), List.of(below));
        }
      });
    }
  }
}
