package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A column of a source table or query, as the source describes it.
 *
 * @param name the column's name as the source spells it
 * @param type its SQL type
 * @param nullable whether it may hold NULL
 */
public record PhysicalColumn(String name, SqlTypeName type, boolean nullable) {
  public PhysicalColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
