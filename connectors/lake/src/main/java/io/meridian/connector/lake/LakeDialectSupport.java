package io.meridian.connector.lake;

import com.zaxxer.hikari.HikariConfig;
import io.meridian.connector.jdbc.JdbcDialectSupport;
import io.meridian.spi.Capability;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.adapter.jdbc.JdbcTableScan;
import org.apache.calcite.adapter.jdbc.LakeJdbcTable;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.dialect.DuckDBSqlDialect;

/**
 * The lake as a JDBC source: SQL in DuckDB's dialect, run by an embedded DuckDB over the files Iceberg plans.
 *
 * <p>Before SQL generation, each scan whose rows are filtered gets the filter as its Iceberg planning filter
 * ({@link IcebergFilters}); the scan, filter included, travels in the generated SQL as its table name
 * ({@link LakeScanSpec}). Just before the SQL runs, each such name becomes a temporary view over exactly the files
 * Iceberg plans now ({@link LakeScans}); a comment at the head of the query lists them.
 */
final class LakeDialectSupport implements JdbcDialectSupport {
  /**
   * DuckDB's dialect, with window functions kept in Meridian for the same reason as PostgreSQL's (Calcite's calc
   * phase cannot implement a pushed-down window).
   */
  private static final SqlDialect DIALECT = new DuckDBSqlDialect(DuckDBSqlDialect.DEFAULT_CONTEXT) {
    @Override
    public boolean supportsWindowFunctions() {
      return false;
    }
  };

  private volatile LakeScans scans;

  void scans(LakeScans scans) {
    this.scans = scans;
  }

  @Override
  public SqlDialect sqlDialect() {
    return DIALECT;
  }

  /**
   * Each pooled connection is its own in-memory DuckDB: nothing is shared but the files. Temporary views are
   * written per query, so the session is not read-only; sessions run in UTC, as the rest of Meridian does.
   */
  @Override
  public void configurePool(HikariConfig pool) {
    pool.setReadOnly(false);
    pool.setConnectionInitSql("SET TimeZone = 'UTC'");
  }

  @Override
  public boolean isInstantType(String typeName) {
    return LakeTypes.isInstant(typeName);
  }

  @Override
  public RelNode beforeSqlGeneration(RelNode sourcePlan) {
    return sourcePlan.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        RelNode visited = super.visit(other);
        if (visited instanceof JdbcRules.JdbcFilter filter && filter.getInput() instanceof JdbcTableScan scan
            && scan.jdbcTable instanceof LakeTable table) {
          LakeTable planned = table.withFilter(IcebergFilters.convert(filter.getCondition(), scan.getRowType(),
              filter.getCluster().getRexBuilder()))
              .withRuntimeFilters(LakeRuntimeFilters.onScan(filter.getCondition(), scan.getRowType()));
          return filter.copy(filter.getTraitSet(), LakeJdbcTable.rescan(scan, planned), filter.getCondition());
        }
        return visited;
      }
    });
  }

  /** The lake takes runtime filters (dynamic filtering): see {@link LakeRuntimeFilters}. */
  @Override
  public Set<Capability> capabilities() {
    Set<Capability> capabilities = EnumSet.copyOf(JdbcDialectSupport.super.capabilities());
    capabilities.add(Capability.RUNTIME_FILTER);
    return capabilities;
  }

  @Override
  public String beforeExecution(Connection connection, String sql) throws SQLException {
    Map<String, LakeScanSpec> scansInSql = scans(sql);
    if (scansInSql.isEmpty()) {
      return sql;
    }
    sql = LakeRuntimeFilters.resolve(connection, sql);
    Map<String, LakeScans.Planned> planned = new LinkedHashMap<>();
    scansInSql.forEach((token, spec) -> planned.put(token, scans.plan(spec)));
    StringBuilder comment = new StringBuilder("/* lake scans:");
    String rewritten = sql;
    int i = 0;
    try (Statement statement = connection.createStatement()) {
      for (Map.Entry<String, LakeScans.Planned> scan : planned.entrySet()) {
        String view = "lake_scan_" + i++;
        statement.execute("CREATE OR REPLACE TEMP VIEW " + LakeTypes.quote(view) + " AS " + scan.getValue().relation());
        rewritten = rewritten.replace(scan.getKey(), LakeTypes.quote(view));
        comment.append(' ').append(view).append(" reads ")
            .append(scan.getValue().dataFiles().toString().replace("/*", "/ *").replace("*/", "* /"));
      }
    }
    return comment.append(" */\n") + rewritten;
  }

  @Override
  public List<String> explain(String sql) {
    List<String> details = new ArrayList<>();
    scans(sql).values().forEach(spec -> details.addAll(scans.explain(spec)));
    return details;
  }

  /** The distinct scans in a generated query, by their token in the text. */
  private static Map<String, LakeScanSpec> scans(String sql) {
    Map<String, LakeScanSpec> found = new LinkedHashMap<>();
    Matcher m = LakeScanSpec.find(sql);
    while (m.find()) {
      found.computeIfAbsent(m.group(), k -> LakeScanSpec.decode(m.group(1)));
    }
    return found;
  }
}
