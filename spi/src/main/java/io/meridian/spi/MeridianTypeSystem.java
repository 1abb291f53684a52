package io.meridian.spi;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Meridian's type limits: decimals up to 38 digits (as warehouses and Iceberg allow; Calcite's default is 19) and
 * timestamps to the millisecond, which is what Calcite's runtime carries.
 */
public final class MeridianTypeSystem extends RelDataTypeSystemImpl {
  public static final RelDataTypeSystem INSTANCE = new MeridianTypeSystem();

  /** Widest decimal. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  private MeridianTypeSystem() {}

  @Override
  public int getMaxPrecision(SqlTypeName typeName) {
    if (typeName == SqlTypeName.DECIMAL) {
      return MAX_DECIMAL_PRECISION;
    }
    return super.getMaxPrecision(typeName);
  }

  @Override
  public int getMaxScale(SqlTypeName typeName) {
    if (typeName == SqlTypeName.DECIMAL) {
      return MAX_DECIMAL_PRECISION;
    }
    return super.getMaxScale(typeName);
  }

  /**
   * Sums of small integers widen to {@code BIGINT}, as in PostgreSQL and Trino. Calcite's default keeps the argument's
   * type, so a sum over many {@code INTEGER}s would overflow, and a source that (rightly) returns a wider sum would be
   * read through a narrower type: a wrong number with no error. A sum of {@code BIGINT}s stays {@code BIGINT}
   * (Calcite's runtime cannot accumulate it in a decimal); past the range of a long, sources fail the read rather
   * than wrap.
   */
  @Override
  public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
    SqlTypeName name = argumentType.getSqlTypeName();
    RelDataType wide;
    switch (name) {
      case TINYINT:
      case SMALLINT:
      case INTEGER:
        wide = typeFactory.createSqlType(SqlTypeName.BIGINT);
        break;
      default:
        return super.deriveSumType(typeFactory, argumentType);
    }
    return typeFactory.createTypeWithNullability(wide, argumentType.isNullable());
  }

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }
}
