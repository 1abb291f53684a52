package io.meridian.connector.pinot;

import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.sql.SqlAbstractDateTimeLiteral;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlTimestampLiteral;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.validate.SqlConformance;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlDelegatingConformance;
import org.apache.calcite.util.TimestampString;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Pinot's SQL as Calcite writes it: double-quoted identifiers, {@code LIMIT n OFFSET m}, the aggregate functions
 * Pinot computes (COUNT, COUNT(DISTINCT) which Pinot runs as its exact DISTINCTCOUNT, SUM, MIN, MAX, AVG), and
 * timestamps as epoch milliseconds (Pinot stores TIMESTAMP as milliseconds and compares numbers exactly, whereas
 * its parsing of timestamp text depends on the server's zone). What is pushed at all is decided by {@link PinotRules}.
 */
final class PinotSqlDialect extends SqlDialect {
  static final PinotSqlDialect INSTANCE = new PinotSqlDialect();

  private PinotSqlDialect() {
    super(EMPTY_CONTEXT.withDatabaseProduct(DatabaseProduct.UNKNOWN).withDatabaseProductName("Apache Pinot")
        .withIdentifierQuoteString("\"").withUnquotedCasing(Casing.UNCHANGED).withQuotedCasing(Casing.UNCHANGED)
        .withCaseSensitive(true).withNullCollation(NullCollation.HIGH));
  }

  /** Pinot 0.11 reads neither ordinals nor aliases in ORDER BY: sort keys are written as expressions. */
  @Override
  public SqlConformance getConformance() {
    return new SqlDelegatingConformance(SqlConformanceEnum.DEFAULT) {
      @Override
      public boolean isSortByOrdinal() {
        return false;
      }

      @Override
      public boolean isSortByAlias() {
        return false;
      }

      @Override
      public boolean isHavingAlias() {
        return false;
      }
    };
  }

  @Override
  public boolean supportsAggregateFunction(SqlKind kind) {
    return switch (kind) {
      case COUNT, SUM, MIN, MAX, AVG -> true;
      default -> false;
    };
  }

  @Override
  public boolean supportsAggregateFunctionFilter() {
    return false;
  }

  @Override
  public boolean supportsWindowFunctions() {
    return false;
  }

  @Override
  public boolean supportsNestedAggregations() {
    return false;
  }

  @Override
  public boolean supportsCharSet() {
    return false;
  }

  @Override
  public boolean supportsAliasedValues() {
    return false;
  }

  @Override
  public boolean supportsOffsetFetch() {
    return false;
  }

  @Override
  public void unparseOffsetFetch(SqlWriter writer, @Nullable SqlNode offset, @Nullable SqlNode fetch) {
    unparseFetchUsingLimit(writer, offset, fetch);
  }

  /** Pinot has no NULLs to order (see {@link PinotTypes}); never emulate a NULL direction. */
  @Override
  public @Nullable SqlNode emulateNullDirection(SqlNode node, boolean nullsFirst, boolean desc) {
    return null;
  }

  @Override
  public void unparseDateTimeLiteral(SqlWriter writer, SqlAbstractDateTimeLiteral literal, int leftPrec,
      int rightPrec) {
    if (literal instanceof SqlTimestampLiteral timestamp) {
      TimestampString value = timestamp.getValueAs(TimestampString.class);
      writer.literal(String.valueOf(value.getMillisSinceEpoch()));
      return;
    }
    super.unparseDateTimeLiteral(writer, literal, leftPrec, rightPrec);
  }
}
