package io.meridian.spi;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
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

  /** What a source puts in place of one marker; {@code E} is what making it may throw. */
  @FunctionalInterface
  public interface Replacement<E extends Exception> {
    /**
     * The filter text for marker {@code id} on {@code column} (its quoted name as the SQL has it), given the values
     * the running query published, or null when none were.
     */
    String apply(int id, String column, RuntimeFilter values) throws E;
  }

  /**
   * {@code sql} with each marker replaced, using the values published to the current {@link QueryContext}; the same
   * string when it has no marker.
   */
  public static <E extends Exception> String resolve(String sql, Replacement<E> replacement) throws E {
    Matcher m = MARKER.matcher(sql);
    if (!m.find()) {
      return sql;
    }
    QueryContext context = QueryContext.current();
    StringBuilder out = new StringBuilder();
    do {
      int id = Integer.parseInt(m.group(1));
      String text = replacement.apply(id, m.group(2), context == null ? null : context.runtimeFilter(id));
      m.appendReplacement(out, Matcher.quoteReplacement(text));
    } while (m.find());
    m.appendTail(out);
    return out.toString();
  }

  /** The markers among the conjuncts of {@code condition}: each filter's id, with the column it filters. */
  public static Map<Integer, RexNode> markersIn(RexNode condition) {
    Map<Integer, RexNode> markers = new HashMap<>();
    for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
      if (conjunct instanceof RexCall call && call.getOperator() == OPERATOR) {
        markers.put(((RexLiteral) call.getOperands().get(0)).getValueAs(Integer.class), call.getOperands().get(1));
      }
    }
    return markers;
  }
}
