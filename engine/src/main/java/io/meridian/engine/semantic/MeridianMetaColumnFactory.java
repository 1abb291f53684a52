package io.meridian.engine.semantic;

import io.meridian.semantic.Metadata;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.avatica.MetaImpl.MetaColumn;
import org.apache.calcite.jdbc.CalciteMetaColumnFactory;
import org.apache.calcite.jdbc.CalciteMetaImpl;
import org.apache.calcite.schema.Table;

/**
 * {@code DatabaseMetaData.getColumns} for Meridian: semantic columns carry their description in {@code REMARKS}
 * (prefixed with what they are: {@code [measure]}, {@code [metric]}, {@code [dimension]}, {@code [segment]}), and an
 * extra column {@code MERIDIAN_KIND} says it plainly for tools that read it.
 */
public final class MeridianMetaColumnFactory implements CalciteMetaColumnFactory {
  public static final MeridianMetaColumnFactory INSTANCE = new MeridianMetaColumnFactory();

  private static final List<String> NAMES;

  static {
    List<String> names = new ArrayList<>(CalciteMetaImpl.COLUMN_COLUMNS);
    names.add("MERIDIAN_KIND");
    NAMES = List.copyOf(names);
  }

  private MeridianMetaColumnFactory() {}

  @Override
  public MetaColumn createColumn(Table table, String tableCat, String tableSchem, String tableName, String columnName,
      int dataType, String typeName, Integer columnSize, Integer decimalDigits, int numPrecRadix, int nullable,
      Integer charOctetLength, int ordinalPosition, String isNullable) {
    String remarks = null;
    String kind = null;
    if (table instanceof SemanticSchema.SemanticViewTable view) {
      SemanticColumn column = view.view().column(columnName).orElse(null);
      if (column != null) {
        kind = column.kind();
        Metadata md = column.metadata();
        remarks = "[" + kind + "]" + md.description().map(d -> " " + d).orElse("")
            + (md.certified() ? " (certified)" : "") + md.owner().map(o -> " Owner: " + o + ".").orElse("");
      }
    }
    return new MeridianMetaColumn(tableCat, tableSchem, tableName, columnName, dataType, typeName, columnSize,
        decimalDigits, numPrecRadix, nullable, charOctetLength, ordinalPosition, isNullable, remarks, kind);
  }

  @Override
  public List<String> getColumnNames() {
    return NAMES;
  }

  @Override
  public Class<? extends MetaColumn> getMetaColumnClass() {
    return MeridianMetaColumn.class;
  }

  /** A column row with {@code REMARKS} and {@code MERIDIAN_KIND} filled. */
  public static final class MeridianMetaColumn extends MetaColumn {
    /** Hides {@link MetaColumn#remarks}, which Avatica fixes to null; metadata reads fields by name. */
    public final String remarks;
    public final String meridianKind;

    MeridianMetaColumn(String tableCat, String tableSchem, String tableName, String columnName, int dataType,
        String typeName, Integer columnSize, Integer decimalDigits, int numPrecRadix, int nullable,
        Integer charOctetLength, int ordinalPosition, String isNullable, String remarks, String meridianKind) {
      super(tableCat, tableSchem, tableName, columnName, dataType, typeName, columnSize, decimalDigits, numPrecRadix,
          nullable, charOctetLength, ordinalPosition, isNullable);
      this.remarks = remarks;
      this.meridianKind = meridianKind;
    }
  }
}
