package io.meridian.spi;

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

  @Override
  public boolean shouldConvertRaggedUnionTypesToVarying() {
    return true;
  }
}
