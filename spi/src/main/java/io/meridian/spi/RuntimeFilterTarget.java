package io.meridian.spi;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.adapter.jdbc.JdbcTableScan;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A plan node where a source's part of a plan ends, which can take a runtime filter ({@link RuntimeFilter}) on one of
 * its output columns: implemented by the converter nodes of sources with {@link Capability#RUNTIME_FILTER}.
 */
public interface RuntimeFilterTarget {
  /**
   * This node, with its source query filtered by runtime filter {@code id} on output column {@code column}; or null
   * when the column cannot be traced to a column the source filters on (a computed value, or one above a limit).
   */
  RelNode withRuntimeFilter(int column, int id);

  /** Where a trace ends, and what filtering there means. */
  interface Leaf {
    /** Whether the trace ends at {@code node}. */
    boolean isLeaf(RelNode node);

    /** {@code node}, a leaf, filtered on output column {@code column}; or null when it cannot be. */
    RelNode filter(RelNode node, int column);
  }

  /**
   * Traces output column {@code column} of {@code node} down to where {@code leaf} filters it, and returns the plan
   * with that filter, or null when the column cannot be traced. The trace goes through projections that pass the
   * column through, filters, group keys of aggregates, sorts without a limit, every input of a union, and the inputs
   * of joins whose output keeps that input's rows exactly (either side of an inner join; the left of left, semi and
   * anti joins; the right of right joins): there, filtering the input removes exactly the rows a filter on the output
   * would, and no others.
   */
  static RelNode trace(RelNode node, int column, Leaf leaf) {
    if (leaf.isLeaf(node)) {
      return leaf.filter(node, column);
    }
    if (node instanceof Calc calc) {
      RexProgram program = calc.getProgram();
      RexNode expr = program.expandLocalRef(program.getProjectList().get(column));
      return expr instanceof RexInputRef ref ? traceInto(node, 0, ref.getIndex(), leaf) : null;
    }
    if (node instanceof Project project) {
      return project.getProjects().get(column) instanceof RexInputRef ref
          ? traceInto(node, 0, ref.getIndex(), leaf) : null;
    }
    if (node instanceof Filter || node instanceof Sort sort && sort.fetch == null && sort.offset == null) {
      return traceInto(node, 0, column, leaf);
    }
    if (node instanceof Aggregate aggregate) {
      return aggregate.getGroupType() == Aggregate.Group.SIMPLE && column < aggregate.getGroupCount()
          ? traceInto(node, 0, aggregate.getGroupSet().nth(column), leaf) : null;
    }
    if (node instanceof Union) {
      List<RelNode> inputs = new ArrayList<>();
      boolean any = false;
      for (RelNode input : node.getInputs()) {
        RelNode traced = trace(input, column, leaf);
        any |= traced != null;
        inputs.add(traced == null ? input : traced);
      }
      return any ? node.copy(node.getTraitSet(), inputs) : null;
    }
    if (node instanceof Join join) {
      int leftCount = join.getLeft().getRowType().getFieldCount();
      JoinRelType type = join.getJoinType();
      if (column < leftCount && (type == JoinRelType.INNER || type == JoinRelType.LEFT || type == JoinRelType.SEMI
          || type == JoinRelType.ANTI)) {
        return traceInto(node, 0, column, leaf);
      }
      if (column >= leftCount && (type == JoinRelType.INNER || type == JoinRelType.RIGHT)) {
        return traceInto(node, 1, column - leftCount, leaf);
      }
    }
    return null;
  }

  /**
   * {@code input}, a plan in a convention built on Calcite's JDBC rules (JDBC sources, Pinot), with runtime filter
   * {@code id} on output column {@code column} placed directly on the table scan the column comes from: in the filter
   * right above the scan (where the lake also plans files with it), or in a new one. Null when the column cannot be
   * traced there.
   */
  static RelNode onJdbcScan(RelNode input, int column, int id) {
    return trace(input, column, new Leaf() {
      @Override
      public boolean isLeaf(RelNode node) {
        return node instanceof JdbcTableScan
            || node instanceof JdbcRules.JdbcFilter filter && filter.getInput() instanceof JdbcTableScan;
      }

      @Override
      public RelNode filter(RelNode node, int c) {
        RexBuilder rexBuilder = node.getCluster().getRexBuilder();
        RelNode scan = node instanceof JdbcTableScan ? node : node.getInput(0);
        RexNode marker = rexBuilder.makeCall(RuntimeFilter.OPERATOR, rexBuilder.makeLiteral(id,
            node.getCluster().getTypeFactory().createSqlType(SqlTypeName.INTEGER)), rexBuilder.makeInputRef(scan, c));
        RexNode condition = node instanceof JdbcRules.JdbcFilter filter
            ? RexUtil.composeConjunction(rexBuilder, List.of(filter.getCondition(), marker))
            : marker;
        return new JdbcRules.JdbcFilter(node.getCluster(), scan.getTraitSet(), scan, condition);
      }
    });
  }

  private static RelNode traceInto(RelNode node, int input, int column, Leaf leaf) {
    RelNode traced = trace(node.getInput(input), column, leaf);
    if (traced == null) {
      return null;
    }
    List<RelNode> inputs = new ArrayList<>(node.getInputs());
    inputs.set(input, traced);
    return node.copy(node.getTraitSet(), inputs);
  }
}
