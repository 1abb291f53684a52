package io.meridian.engine.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.engine.semantic.SemanticColumn.DimensionColumn;
import io.meridian.engine.semantic.SemanticColumn.MeasureColumn;
import io.meridian.engine.semantic.SemanticColumn.SegmentColumn;
import io.meridian.semantic.Aggregation;
import io.meridian.semantic.DimensionKind;
import io.meridian.semantic.SemanticModel;
import io.meridian.semantic.SqlExpression;
import io.meridian.semantic.TableSource;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The {@code semantic} schema: one table per semantic table, so that JDBC metadata and the validator see its
 * dimensions, measures and metrics as columns. Queries over these tables never scan them: {@link SemanticExpander}
 * rewrites them into queries over the sources first.
 */
public final class SemanticSchema extends AbstractSchema {
  private final Map<String, Table> tables;

  /**
   * @param physicalType the type of a source column ({@code (source.table, column)}), if known
   */
  public SemanticSchema(SemanticExpander expander, BiFunction<TableSource, String, Optional<RelDataType>> physicalType) {
    Map<String, Table> map = new LinkedHashMap<>();
    expander.views().forEach((name, view) -> map.put(name, new SemanticViewTable(expander.model(), view, physicalType)));
    this.tables = Map.copyOf(map);
  }

  @Override
  protected Map<String, Table> getTableMap() {
    return tables;
  }

  /** A semantic table as a Calcite table: columns for metadata and validation, never scanned. */
  public static final class SemanticViewTable extends AbstractTable implements TranslatableTable {
    private final SemanticModel model;
    private final SemanticView view;
    private final BiFunction<TableSource, String, Optional<RelDataType>> physicalType;

    SemanticViewTable(SemanticModel model, SemanticView view,
        BiFunction<TableSource, String, Optional<RelDataType>> physicalType) {
      this.model = requireNonNull(model, "model is null");
      this.view = requireNonNull(view, "view is null");
      this.physicalType = requireNonNull(physicalType, "physicalType is null");
    }

    public SemanticView view() {
      return view;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
      RelDataTypeFactory.Builder b = f.builder();
      for (SemanticColumn c : view.columns().values()) {
        b.add(c.name(), f.createTypeWithNullability(type(f, c), true));
      }
      return b.build();
    }

    private RelDataType type(RelDataTypeFactory f, SemanticColumn c) {
      if (c instanceof DimensionColumn d) {
        if (d.dimension().kind() == DimensionKind.BOOLEAN) {
          return f.createSqlType(SqlTypeName.BOOLEAN);
        }
        Optional<RelDataType> physical = physical(f, d.table(), d.dimension().expr());
        if (physical.isPresent()) {
          return physical.get();
        }
        return switch (d.dimension().kind()) {
          case NUMERIC -> f.createSqlType(SqlTypeName.DOUBLE);
          case TIME -> f.createSqlType(SqlTypeName.TIMESTAMP, 3);
          default -> f.createSqlType(SqlTypeName.VARCHAR);
        };
      }
      if (c instanceof SegmentColumn) {
        return f.createSqlType(SqlTypeName.BOOLEAN);
      }
      if (c instanceof MeasureColumn m) {
        Aggregation a = m.measure().aggregation();
        if (a == Aggregation.COUNT || a == Aggregation.COUNT_DISTINCT) {
          return f.createSqlType(SqlTypeName.BIGINT);
        }
        if (a != Aggregation.AVG && m.measure().expr().isPresent()) {
          Optional<RelDataType> physical = physical(f, m.table(), m.measure().expr().get());
          if (physical.isPresent()) {
            return physical.get();
          }
        }
        return f.createSqlType(SqlTypeName.DOUBLE);
      }
      return f.createSqlType(SqlTypeName.DOUBLE);
    }

    /** The source type of an expression that is just a column. */
    private Optional<RelDataType> physical(RelDataTypeFactory f, String table, SqlExpression expr) {
      if (!(expr.node() instanceof SqlIdentifier id)) {
        return Optional.empty();
      }
      String column = id.names.get(id.names.size() - 1);
      return model.table(table).flatMap(t -> physicalType.apply(t.source(), column)).map(f::copyType);
    }

    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
      throw new MeridianException(ErrorCode.NOT_SUPPORTED, "semantic table '" + view.table().name()
          + "' can only be the single table of a SELECT's FROM: aggregate it in a subquery, then join the result");
    }

    /** The field of a column, for metadata. */
    public Optional<SemanticColumn> column(RelDataTypeField field) {
      return view.column(field.getName());
    }
  }
}
