package io.meridian.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The values of a runtime filter, as a join's build side found them at execution: the distinct join keys (when there
 * were at most the planner's limit of them) and their smallest and largest value.
 *
 * <p>Design note (dynamic filtering). A star query filters the dimensions, not the fact table; a source that reads
 * the fact table cannot know which of its rows will find a partner until the dimensions are read. Meridian's planner
 * ({@code RuntimeFilterProgram}) marks each hash join whose build side is filtered: the build side publishes its keys
 * to the running query's {@link QueryContext} when it has read its last row, and the probe side's source query
 * carries, in place of the filter, the marker {@code MERIDIAN_RUNTIME_FILTER(id, column)}
 * ({@link #OPERATOR}). Calcite's hash join reads its build side completely before it opens its probe side, so the
 * values are there when the source query is sent; the source's connector then replaces each marker with the real
 * filter (or with {@code TRUE} when no values were published: a runtime filter only ever removes rows the join would
 * have dropped, so leaving it out is always correct, only slower). Only sources with
 * {@link Capability#RUNTIME_FILTER} receive markers.
 *
 * @param id the filter's number within its plan
 * @param type the key's type
 * @param values the distinct non-null keys, in Calcite's runtime representation (a DATE is its day number), or null
 *     when there were more than the limit (then only {@code min} and {@code max} filter)
 * @param min the smallest non-null key, or null when there was none
 * @param max the largest non-null key, or null when there was none
 */
public record RuntimeFilter(int id, SqlTypeName type, Set<Object> values, Comparable<?> min, Comparable<?> max) {
  /** Key types runtime filters carry: those whose runtime values compare exactly the same in every source. */
  public static final Set<SqlTypeName> KEY_TYPES = Collections.unmodifiableSet(EnumSet.of(SqlTypeName.TINYINT,
      SqlTypeName.SMALLINT, SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.VARCHAR, SqlTypeName.DATE));

  /**
   * The marker a probe side's source query carries: {@code MERIDIAN_RUNTIME_FILTER(id, column)}, a boolean that the
   * source's connector replaces before the query is sent.
   */
  public static final SqlOperator OPERATOR = new SqlFunction("MERIDIAN_RUNTIME_FILTER", SqlKind.OTHER_FUNCTION,
      ReturnTypes.BOOLEAN, null, OperandTypes.family(org.apache.calcite.sql.type.SqlTypeFamily.INTEGER,
      org.apache.calcite.sql.type.SqlTypeFamily.ANY), SqlFunctionCategory.SYSTEM);

  /** The marker in generated SQL: group 1 is the filter's id, group 2 the column, as a (qualified) quoted name. */
  private static final Pattern MARKER = Pattern.compile(
      "MERIDIAN_RUNTIME_FILTER\\((\\d+), ((?:\"(?:[^\"]|\"\")*\"\\.)*\"(?:[^\"]|\"\")*\")\\)");

  public RuntimeFilter {
    requireNonNull(type, "type is null");
    values = values == null ? null : Collections.unmodifiableSet(values);
  }

  /** Whether no row can pass: the build side had no non-null key. */
  public boolean empty() {
    return min == null;
  }

  /** Finds the markers in a generated query. */
  public static Matcher markers(String sql) {
    return MARKER.matcher(sql);
  }
}
