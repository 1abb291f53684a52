package org.apache.calcite.adapter.jdbc;

import org.apache.calcite.schema.Schema;

/**
 * Base of Pinot's tables: a {@link JdbcTable}, so that Calcite's JDBC rules (as {@code PinotRules} restricts them)
 * build the plan whose SQL the Pinot connector sends to the broker.
 *
 * <p>Why this class lives in Calcite's package: {@code JdbcTable}'s constructor is not public. Keep this bridge to it.
 */
public abstract class PinotJdbcTable extends JdbcTable {
  protected PinotJdbcTable(JdbcSchema schema, String name) {
    super(schema, null, null, name, Schema.TableType.TABLE);
  }
}
