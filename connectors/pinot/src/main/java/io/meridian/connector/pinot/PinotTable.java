package io.meridian.connector.pinot;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.adapter.jdbc.PinotJdbcTable;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;

/** One Pinot table as SQL sees it: its columns from the Pinot schema the controller holds ({@link PinotTypes}). */
final class PinotTable extends PinotJdbcTable {
  private final PinotSchema schema;
  private final String name;
  private volatile JsonNode pinotSchema;

  PinotTable(PinotSchema schema, String name) {
    super(schema, name);
    this.schema = schema;
    this.name = name;
  }

  String name() {
    return name;
  }

  /**
   * A large row-count estimate: Pinot tables are large, and without one the planner sees too few rows for pushing a
   * filter to be worth it. (Pinot's exact count is one query away, but planning should not wait on the broker.)
   */
  @Override
  public Statistic getStatistic() {
    return Statistics.of(1_000_000d, List.of());
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    JsonNode s = pinotSchema;
    if (s == null) {
      s = schema.client().schema(name);
      pinotSchema = s;
    }
    return PinotTypes.rowType(typeFactory, s);
  }
}
