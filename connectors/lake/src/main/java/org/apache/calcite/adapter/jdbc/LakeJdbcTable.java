package org.apache.calcite.adapter.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.schema.Schema;

/**
 * Base of the lake's tables: a {@link JdbcTable}, so that Calcite's JDBC rules push filters, projections,
 * aggregations, sorts and limits into the SQL run by the lake's embedded DuckDB.
 *
 * <p>Why this class lives in Calcite's package: {@code JdbcTable}'s and {@code JdbcTableScan}'s constructors are not
 * public. Keep this bridge to those two constructors.
 */
public abstract class LakeJdbcTable extends JdbcTable {
  protected LakeJdbcTable(JdbcSchema schema, String name) {
    super(schema, null, null, name, Schema.TableType.TABLE);
  }

  /**
   * The same scan, reading {@code table} instead (the same table, described more precisely). SQL generation finds a
   * scan's table through its {@link RelOptTable}, so that is wrapped to unwrap to the new table.
   */
  public static JdbcTableScan rescan(JdbcTableScan scan, JdbcTable table) {
    RelOptTable original = scan.getTable();
    RelOptTable wrapped = (RelOptTable) Proxy.newProxyInstance(RelOptTable.class.getClassLoader(),
        new Class<?>[] {RelOptTable.class}, (proxy, method, args) -> {
          if ((method.getName().equals("unwrap") || method.getName().equals("maybeUnwrap"))
              && args[0] instanceof Class<?> c && c.isInstance(table)) {
            return method.getName().equals("unwrap") ? table : Optional.of(table);
          }
          try {
            return method.invoke(original, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return new JdbcTableScan(scan.getCluster(), scan.getHints(), wrapped, table, (JdbcConvention) scan.getConvention());
  }
}
