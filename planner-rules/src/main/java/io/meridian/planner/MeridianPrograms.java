package io.meridian.planner;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.RelOptLattice;
import org.apache.calcite.plan.RelOptMaterialization;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.rules.JoinPushThroughJoinRule;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import io.meridian.planner.runtime.RuntimeFilterProgram;

/**
 * The optimization programs Meridian plans with.
 *
 * <p>Design note: Calcite's standard program lets the Volcano planner reorder joins with {@code JoinCommuteRule} and
 * {@code JoinAssociateRule}, an exhaustive search whose cost grows exponentially with the number of joins (close to a
 * minute for TPC-H Q7's six tables on a 2-core machine). Meridian keeps the standard sequence but, when a query has
 * more joins than {@code exhaustiveJoinLimit}, first gathers its joins into a {@code MultiJoin} and lets
 * {@code LoptOptimizeJoinRule} pick one order greedily from row-count estimates, and removes the exhaustive rules from
 * the Volcano phase. Planning time then grows polynomially with the number of joins.
 *
 * <p>Equi-joins run as hash joins: the merge-join rule is removed. Calcite's enumerable merge join groups each input
 * into a {@code TreeMap} whose comparator turns every numeric key into a {@code BigDecimal} on every comparison; on
 * the Star Schema Benchmark (6 million fact rows joined with dimensions) it took 36 s where the hash join takes a
 * fraction of that (bench/RESULTS.md). Both give the same rows; only the order of an unsorted result may differ.
 */
public final class MeridianPrograms {
  /** Rules that make join ordering an exhaustive search. */
  public static final List<RelOptRule> EXHAUSTIVE_JOIN_RULES = List.of(
      CoreRules.JOIN_COMMUTE,
      CoreRules.JOIN_ASSOCIATE,
      JoinPushThroughJoinRule.LEFT,
      JoinPushThroughJoinRule.RIGHT);

  private MeridianPrograms() {}

  /**
   * Calcite's standard program with join ordering bounded as described above; then, on the physical plan, hash joins
   * build their smaller input ({@link HashJoinBuildSide}) and runtime filters are placed ({@link RuntimeFilterProgram};
   * {@code runtimeFilterMaxKeys} 0 places none).
   */
  public static Program standard(int exhaustiveJoinLimit, int runtimeFilterMaxKeys) {
    return Programs.sequence(
        Programs.subQuery(DefaultRelMetadataProvider.INSTANCE),
        Programs.decorrelate(),
        Programs.measure(DefaultRelMetadataProvider.INSTANCE),
        Programs.trim(),
        new BoundedJoinOrderProgram(exhaustiveJoinLimit),
        Programs.calc(DefaultRelMetadataProvider.INSTANCE),
        new HashJoinBuildSide(),
        new RuntimeFilterProgram(runtimeFilterMaxKeys));
  }

  /** The cost-based phase: the planner's own rules, with join reordering bounded. */
  static final class BoundedJoinOrderProgram implements Program {
    private static final HepProgram TO_MULTI_JOIN = new HepProgramBuilder()
        .addRuleInstance(CoreRules.FILTER_INTO_JOIN)
        .addMatchOrder(HepMatchOrder.BOTTOM_UP)
        .addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN)
        .build();

    private final int exhaustiveJoinLimit;

    BoundedJoinOrderProgram(int exhaustiveJoinLimit) {
      this.exhaustiveJoinLimit = exhaustiveJoinLimit;
    }

    @Override
    public RelNode run(RelOptPlanner planner, RelNode rel, RelTraitSet requiredOutputTraits,
        List<RelOptMaterialization> materializations, List<RelOptLattice> lattices) {
      RelNode input = rel;
      if (RelOptUtil.countJoins(rel) > exhaustiveJoinLimit) {
        input = Programs.of(TO_MULTI_JOIN, false, DefaultRelMetadataProvider.INSTANCE)
            .run(planner, rel, requiredOutputTraits, materializations, lattices);
        EXHAUSTIVE_JOIN_RULES.forEach(planner::removeRule);
        planner.addRule(CoreRules.MULTI_JOIN_OPTIMIZE);
      }
      planner.removeRule(EnumerableRules.ENUMERABLE_MERGE_JOIN_RULE);
      for (RelOptMaterialization materialization : materializations) {
        planner.addMaterialization(materialization);
      }
      for (RelOptLattice lattice : lattices) {
        planner.addLattice(lattice);
      }
      planner.setRoot(input);
      RelNode root = input.getTraitSet().equals(requiredOutputTraits)
          ? input
          : planner.changeTraits(input, requiredOutputTraits);
      planner.setRoot(root);
      return planner.chooseDelegate().findBestExp();
    }
  }
}
