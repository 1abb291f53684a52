package io.meridian.connector.jdbc;

import java.util.List;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.adapter.jdbc.JdbcImplementor;
import org.apache.calcite.adapter.jdbc.JdbcToEnumerableConverter;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;

/**
 * The boundary where a JDBC source's part of a plan ends. It executes exactly as Calcite's
 * {@link JdbcToEnumerableConverter} does, and adds to EXPLAIN the source name and the SQL text that will be sent.
 */
public final class SourceToEnumerableConverter extends JdbcToEnumerableConverter {
  SourceToEnumerableConverter(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
    super(cluster, traits, input);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return new SourceToEnumerableConverter(getCluster(), traitSet, sole(inputs));
  }

  /** The source this node reads from. */
  public String sourceName() {
    return ((SourceJdbcConvention) getInput().getConvention()).sourceName();
  }

  /** The SQL sent to the source, as the JDBC adapter will generate it at execution. */
  public String sourceQuery() {
    SourceJdbcConvention convention = (SourceJdbcConvention) getInput().getConvention();
    JdbcImplementor implementor =
        new JdbcImplementor(convention.dialect, (JavaTypeFactory) getCluster().getTypeFactory());
    return implementor.visitRoot(getInput()).asStatement().toSqlString(convention.dialect).getSql();
  }

  /** Shown only in EXPLAIN (not in the digest, which must stay cheap), hence {@code explain} and not {@code explainTerms}. */
  @Override
  public void explain(RelWriter pw) {
    explainTerms(pw).item("source", sourceName()).item("query", sourceQuery()).done(this);
  }
}
