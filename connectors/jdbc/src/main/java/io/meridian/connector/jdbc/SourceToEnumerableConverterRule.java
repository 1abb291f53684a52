package io.meridian.connector.jdbc;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;

/** Moves rows out of a JDBC source into Meridian's engine through a {@link SourceToEnumerableConverter}. */
public final class SourceToEnumerableConverterRule extends ConverterRule {
  public static SourceToEnumerableConverterRule create(SourceJdbcConvention in) {
    return Config.INSTANCE
        .withConversion(RelNode.class, in, EnumerableConvention.INSTANCE, "SourceToEnumerableConverterRule:" + in)
        .withRuleFactory(SourceToEnumerableConverterRule::new)
        .toRule(SourceToEnumerableConverterRule.class);
  }

  private SourceToEnumerableConverterRule(Config config) {
    super(config);
  }

  @Override
  public RelNode convert(RelNode rel) {
    RelTraitSet newTraitSet = rel.getTraitSet().replace(getOutTrait());
    return new SourceToEnumerableConverter(rel.getCluster(), newTraitSet, rel);
  }
}
