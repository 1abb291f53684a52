package io.meridian.engine;

import io.meridian.cache.PlanCache;
import io.meridian.cache.ResultCache;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code meridian.cache}: one row per cache of the engine ({@code result}, {@code plan}), read live: hits, misses,
 * evictions, entries and bytes, and for the result cache the executions it could not serve and why (counts).
 */
final class CacheStatsTable extends AbstractTable implements ScannableTable {
  private final MeridianEngine engine;

  CacheStatsTable(MeridianEngine engine) {
    this.engine = engine;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    RelDataTypeFactory.Builder b = f.builder();
    b.add("cache", SqlTypeName.VARCHAR);
    for (String column : new String[] {"hits", "misses", "evictions", "entries", "bytes", "max_bytes",
        "uncacheable", "oversized", "version_reads", "only_misses"}) {
      b.add(column, f.createTypeWithNullability(f.createSqlType(SqlTypeName.BIGINT), true));
    }
    return b.build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    QueryResults.Stats r = engine.results().stats();
    ResultCache.Stats c = r.cache();
    PlanCache.Stats p = engine.planCacheStats();
    return Linq4j.asEnumerable(new Object[][] {
        {"result", c.hits(), c.misses(), c.evictions(), c.entries(), c.bytes(), c.maxBytes(), r.uncacheable(),
            r.oversized(), r.versionReads(), r.onlyMisses()},
        {"plan", p.hits(), p.misses(), p.evictions(), p.size(), null, null, null, null, null, null},
    });
  }
}
