package io.meridian.connector.jdbc;

import io.meridian.spi.Capability;
import io.meridian.spi.RuntimeFilterTarget;
import io.meridian.spi.SourceQueryNode;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverter;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;

/**
 * The boundary where a JDBC source's part of a plan ends. It executes exactly as Calcite's
 * {@link JdbcToEnumerableConverter} does, and adds to EXPLAIN the source name and the SQL text that will be sent.
 */
public final class SourceToEnumerableConverter extends JdbcToEnumerableConverter
    implements SourceQueryNode, RuntimeFilterTarget {
  SourceToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new SourceToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  /** The source this node reads from. */
  @Override
  public String sourceName() {
    return ((SourceJdbcConvention) getInput().getConvention()).sourceName();
  }

  /** The SQL sent to the source, as the JDBC adapter will generate it at execution. */
  @Override
  public String sourceQuery() {
    SourceJdbcConvention convention = (SourceJdbcConvention) getInput().getConvention();
    JdbcImplementor implementor =
        new JdbcImplementor(convention.dialect, (JavaTypeFactory) getCluster().getTypeFactory());
    return implementor.visitRoot(forSource(getInput())).asStatement().toSqlString(convention.dialect).getSql();
  }

  /** What EXPLAIN adds under the source query {@link #sourceQuery()} returned (see {@link JdbcDialectSupport#explain}). */
  @Override
  public List<String> sourceDetails(String sourceQuery) {
    return ((SourceJdbcConvention) getInput().getConvention()).support().explain(sourceQuery);
  }

  /** The source's part of the plan as its SQL is generated from it. */
  private static RelNode forSource(RelNode input) {
    SourceJdbcConvention convention = (SourceJdbcConvention) input.getConvention();
    return convention.support().beforeSqlGeneration(typedParameters(input));
  }

  /** Generates the source query with typed parameters (see {@link #typedParameters}). */
  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    RelNode input = forSource(getInput());
    if (input == getInput()) {
      return super.implement(implementor, pref);
    }
    return new SourceToEnumerableConverter(getCluster(), getTraitSet(), input).implementAsIs(implementor, pref);
  }

  private Result implementAsIs(EnumerableRelImplementor implementor, Prefer pref) {
    return super.implement(implementor, pref);
  }

  /**
   * Writes parameters as {@code CAST(? AS type)} with the type Calcite inferred, where that cast cannot change the
   * value: otherwise a source may be unable to infer it (PostgreSQL: "could not determine data type of parameter"
   * for {@code x IS NOT DISTINCT FROM ?} with a NULL value), and it tells the connector which parameters hold dates
   * and timestamps. Strings are cast without a length (a length would truncate) and decimals not at all (a
   * precision would reject or round a value the comparison should simply find unequal). Row limits and offsets
   * keep bare parameters, which sources accept there.
   */
  static RelNode typedParameters(RelNode root) {
    RexBuilder rexBuilder = root.getCluster().getRexBuilder();
    RelDataTypeFactory types = root.getCluster().getTypeFactory();
    RexShuttle cast = new RexShuttle() {
      @Override
      public RexNode visitDynamicParam(RexDynamicParam param) {
        SqlTypeName name = param.getType().getSqlTypeName();
        RelDataType target;
        switch (name) {
          case DATE, TIME, TIMESTAMP, BOOLEAN, TINYINT, SMALLINT, INTEGER, BIGINT, REAL, FLOAT, DOUBLE:
            target = param.getType();
            break;
          case CHAR, VARCHAR:
            target = types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true);
            break;
          default:
            return param;
        }
        return rexBuilder.makeAbstractCast(target, param, false);
      }
    };
    return root.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        return visited instanceof Sort ? visited : visited.accept(cast);
      }
    });
  }

  /**
   * Places runtime filter {@code id} in the source's plan, directly on the table scan that column {@code column}
   * comes from (where the lake also plans files with it), when the source takes runtime filters.
   */
  @Override
  public RelNode withRuntimeFilter(int column, int id) {
    SourceJdbcConvention convention = (SourceJdbcConvention) getInput().getConvention();
    if (!convention.support().capabilities().contains(Capability.RUNTIME_FILTER)) {
      return null;
    }
    RelNode filtered = RuntimeFilterTarget.onJdbcScan(getInput(), column, id);
    return filtered == null ? null : copy(getTraitSet(), List.of(filtered));
  }

  /** Shown only in EXPLAIN (not in the digest, which must stay cheap), hence {@code explain} and not {@code explainTerms}. */
  @Override
  public void explain(RelWriter pw) {
    explainTerms(pw).item("source", sourceName()).item("query", sourceQuery()).done(this);
  }
}
