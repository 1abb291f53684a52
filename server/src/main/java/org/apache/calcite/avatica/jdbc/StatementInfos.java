package org.apache.calcite.avatica.jdbc;

import java.sql.Statement;

/**
 * Reads the JDBC statement behind a {@link StatementInfo}, which Avatica keeps package-private. Lives in Avatica's
 * package for that one field; Meridian's server needs it to cancel a running statement when its client asks.
 */
public final class StatementInfos {
  private StatementInfos() {}

  /** The statement, or null for a metadata result. */
  public static Statement statement(StatementInfo info) {
    return info.statement;
  }
}
