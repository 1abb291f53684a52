package io.meridian.planner;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.adapter.enumerable.EnumerableHashJoin;
import org.apache.calcite.plan.RelOptLattice;
import org.apache.calcite.plan.RelOptMaterialization;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexProgramBuilder;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.tools.Program;

/**
 * Makes each hash join build its smaller input.
 *
 * <p>Why: Calcite's {@code EnumerableHashJoin} hashes its right input and streams its left one, but its cost model
 * charges {@code n log n} for the left input, so a two-way join comes out with the small (filtered) side on the left:
 * the large side is held in memory, and a runtime filter (which flows from the build side to the probe side's source)
 * cannot reduce what the large side reads. Joins of more tables are ordered by {@code LoptOptimizeJoinRule}, which
 * already puts the largest input first. This pass, on the physical plan, swaps the inputs of a hash join (inner, left,
 * right or full: a left join of the swapped inputs is a right join) whose right input is estimated larger than its
 * left, and restores the column order with a projection. (The semantic layer joins a fact table to its dimensions
 * with left joins; without this, a large fact table's rows were all held in a hash table.) Joins whose output
 * order matters (a collation the plan relies on) are left alone: the probe side's order is what a hash join keeps.
 */
public final class HashJoinBuildSide implements Program {
  /** Join types whose inputs can trade places: a left join becomes a right join of the swapped inputs, and back. */
  private static final Set<JoinRelType> SWAPPABLE = EnumSet.of(JoinRelType.INNER, JoinRelType.LEFT,
      JoinRelType.RIGHT, JoinRelType.FULL);

  @Override
  public RelNode run(RelOptPlanner planner, RelNode rel, RelTraitSet requiredOutputTraits,
      List<RelOptMaterialization> materializations, List<RelOptLattice> lattices) {
    return swap(rel);
  }

  private static RelNode swap(RelNode root) {
    return root.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        return visited instanceof EnumerableHashJoin join && SWAPPABLE.contains(join.getJoinType())
            ? swapped(join) : visited;
      }
    });
  }

  /** The join with the smaller input built, or the join itself. */
  private static RelNode swapped(EnumerableHashJoin join) {
    RelCollation collation = join.getTraitSet().getTrait(RelCollationTraitDef.INSTANCE);
    if (collation != null && !collation.getFieldCollations().isEmpty()) {
      return join;
    }
    RelMetadataQuery mq = join.getCluster().getMetadataQuery();
    Double left = mq.getRowCount(join.getLeft());
    Double right = mq.getRowCount(join.getRight());
    if (left == null || right == null || right <= left) {
      return join;
    }
    int leftCount = join.getLeft().getRowType().getFieldCount();
    int rightCount = join.getRight().getRowType().getFieldCount();
    RexNode condition = join.getCondition().accept(new RexShuttle() {
      @Override
      public RexNode visitInputRef(RexInputRef ref) {
        int i = ref.getIndex();
        return new RexInputRef(i < leftCount ? i + rightCount : i - leftCount, ref.getType());
      }
    });
    EnumerableHashJoin swapped = EnumerableHashJoin.create(join.getRight(), join.getLeft(), condition,
        join.getVariablesSet(), join.getJoinType().swap());
    RexBuilder rexBuilder = join.getCluster().getRexBuilder();
    RexProgramBuilder program = new RexProgramBuilder(swapped.getRowType(), rexBuilder);
    for (int i = 0; i < leftCount + rightCount; i++) {
      int from = i < leftCount ? i + rightCount : i - leftCount;
      program.addProject(new RexInputRef(from, swapped.getRowType().getFieldList().get(from).getType()),
          join.getRowType().getFieldNames().get(i));
    }
    RexProgram restore = program.getProgram();
    return EnumerableCalc.create(swapped, restore);
  }
}
