package io.meridian.engine.semantic;

import static io.meridian.engine.semantic.SqlTemplate.quote;
import static java.util.Objects.requireNonNull;

import io.meridian.engine.semantic.SemanticColumn.DimensionColumn;
import io.meridian.engine.semantic.SemanticColumn.MeasureColumn;
import io.meridian.engine.semantic.SemanticColumn.MetricColumn;
import io.meridian.engine.semantic.SemanticColumn.SegmentColumn;
import io.meridian.semantic.Aggregation;
import io.meridian.semantic.CumulativeMetric;
import io.meridian.semantic.DerivedMetric;
import io.meridian.semantic.JoinPath;
import io.meridian.semantic.Measure;
import io.meridian.semantic.Metric;
import io.meridian.semantic.MetricInput;
import io.meridian.semantic.RatioMetric;
import io.meridian.semantic.Rollup;
import io.meridian.semantic.SemanticModel;
import io.meridian.semantic.SemanticTable;
import io.meridian.semantic.SqlExpression;
import io.meridian.semantic.TableSource;
import io.meridian.semantic.TimeGrain;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Expands queries over semantic tables into plain SQL over the sources, before Calcite validates them.
 *
 * <p>Design note. Each {@code SELECT} whose {@code FROM} is one semantic table is rewritten in place (Calcite keeps
 * using the same node objects after validation). An aggregate query becomes:
 * <pre>
 *   SELECT &lt;the user's select list, measures replaced by governed values&gt;
 *   FROM (one pre-aggregated subquery per table that owns a needed measure,
 *         each grouped by the query's grouping expressions and filtered by its WHERE,
 *         joined to the tables of those dimensions along many-to-one relationships only;
 *         full-joined on the grouping values when there are several) AS "__s"
 *   WHERE &lt;the user's HAVING&gt;  ORDER BY ...  LIMIT ...
 * </pre>
 * Measures are so aggregated at their own table's grain before they meet, which is what keeps one-to-many joins from
 * counting rows twice. A measure whose table cannot reach a grouping or filtering dimension without fanning out is an
 * error, never a silently different number. Metrics are computed from their measures in the outer query (ratios and
 * derived metrics in double precision; cumulative metrics as window functions over the time grain).
 *
 * <p>The user's expressions stay parse trees (dynamic parameters, positions); generated structure is written as
 * {@link SqlTemplate}s. Context modifiers ({@code AT (ALL dim)}, {@code AT (SET ...)}) fit here later: a measure use
 * with a modifier becomes its own pre-aggregated subquery with a changed grouping or filter.
 */
public final class SemanticExpander {
  /** The SQL schema semantic tables appear in. */
  public static final String SCHEMA = "semantic";

  private static final String S = "__s";
  private static final Set<String> AGGREGATES =
      Set.of("SUM", "COUNT", "MIN", "MAX", "AVG", "AGGREGATE", "MEASURE", "ANY_VALUE", "STDDEV", "VARIANCE");

  private final SemanticModel model;
  private final Map<String, SemanticView> views;
  private volatile RollupCandidate.Catalog rollups;

  public SemanticExpander(SemanticModel model) {
    this.model = requireNonNull(model, "model is null");
    Map<String, SemanticView> map = new LinkedHashMap<>();
    for (SemanticTable t : model.tables()) {
      map.put(t.name(), SemanticView.of(model, t));
    }
    this.views = Map.copyOf(map);
  }

  public SemanticModel model() {
    return model;
  }

  public Map<String, SemanticView> views() {
    return views;
  }

  /**
   * Rewrites, in place, every {@code SELECT} over a semantic table within {@code node}.
   *
   * @param defaultSchema the connection's default schema path, for unqualified table names
   */
  public void expand(SqlNode node, List<String> defaultSchema) {
    expand(node, defaultSchema, true, new ArrayList<>());
  }

  /**
   * Rewrites, in place, every {@code SELECT} over a semantic table within {@code node}, answering measures from
   * rollups where one can (when {@code useRollups}); adds to {@code notes} which rollup answered and why each other
   * rollup considered did not.
   */
  public void expand(SqlNode node, List<String> defaultSchema, boolean useRollups, List<String> notes) {
    if (!views.isEmpty()) {
      new Walker(defaultSchema, useRollups ? rollups : null, notes).walk(node);
    }
  }

  /** Lets the rewrite answer from the rollups {@code catalog} describes. */
  public void useRollups(RollupCandidate.Catalog catalog) {
    this.rollups = catalog;
  }

  /**
   * The query that computes a rollup's rows from its sources: one row per group of its dimensions and time grain,
   * with each measure's stored parts, in the order of {@link RollupColumns#all}.
   *
   * @param pins physical table names to read instead of a semantic table's source table ({@code plays@123}, a
   *     snapshot), by semantic table
   * @param from when present, only rows whose time is at or after this literal (an incremental refresh)
   * @param doubleSums whether sums of computed expressions ({@code ms / 3600000.0}) are summed as doubles: sources
   *     compute those in floating point, and a partial sum rounded to the declared decimal scale per bucket would add
   *     up to a different total; the answer is cast back to the declared type once, at the end
   */
  public String rollupBuildQuery(Rollup rollup, Map<String, String> pins, Optional<String> from,
      boolean doubleSums) {
    SemanticView view = views.get(rollup.table());
    List<SqlNode> groups = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Rollup.DimensionRef d : rollup.dimensions()) {
      groups.add(new SqlIdentifier(columnName(view, d, Optional.empty()), SqlParserPos.ZERO));
      names.add(RollupColumns.dimension(d));
    }
    rollup.time().ifPresent(t -> {
      groups.add(new SqlIdentifier(columnName(view, t, rollup.grain()), SqlParserPos.ZERO));
      names.add(RollupColumns.time(t, rollup.grain().orElseThrow()));
    });
    SqlSelect select = (SqlSelect) SqlTemplate.query("SELECT 1 FROM " + quote(SCHEMA, rollup.table()), Map.of());
    Rewrite rewrite = new Rewrite(select, null, view, rollup.table(), null, new ArrayList<>());
    rewrite.groups.addAll(groups);
    rewrite.pins.putAll(pins);
    rewrite.doubleSums = doubleSums;
    if (from.isPresent()) {
      Rollup.DimensionRef t = rollup.time().orElseThrow();
      rewrite.extraWhere = SqlTemplate.expression("\"$t\" >= " + from.get(),
          Map.of("t", new SqlIdentifier(columnName(view, t, Optional.empty()), SqlParserPos.ZERO)));
    }
    Set<Measure> measures = new LinkedHashSet<>();
    for (String m : rollup.measures()) {
      measures.add(model.measure(rollup.table(), m).orElseThrow());
    }
    SqlNode inner = rewrite.sourceQuery(rollup.table(), measures, true);
    List<String> items = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      items.add(quote("__b", "__g" + g) + " AS " + quote(names.get(g)));
    }
    for (Measure m : measures) {
      List<String> stored = storedColumns(rollup.table(), m);
      List<String> target = RollupColumns.measure(m);
      for (int i = 0; i < stored.size(); i++) {
        items.add(quote("__b", stored.get(i)) + " AS " + quote(target.get(i)));
      }
    }
    SqlNode query = SqlTemplate.query("SELECT " + String.join(", ", items) + " FROM \"$b\" AS \"__b\"",
        Map.of("b", inner));
    return query.toSqlString(c -> c.withDialect(org.apache.calcite.sql.dialect.CalciteSqlDialect.DEFAULT)
        .withQuoteAllIdentifiers(true)).getSql();
  }

  /** The semantic column of {@code table}'s view that is dimension {@code ref} at {@code grain}. */
  private static String columnName(SemanticView view, Rollup.DimensionRef ref, Optional<TimeGrain> grain) {
    return view.columns().values().stream()
        .filter(c -> c instanceof DimensionColumn d && d.table().equals(ref.table())
            && d.dimension().name().equals(ref.dimension()) && d.grain().equals(grain))
        .map(SemanticColumn::name).findFirst()
        .orElseThrow(() -> new MeridianException(ErrorCode.INTERNAL_ERROR, "no column for " + ref + " in "
            + view.table().name()));
  }

  /** The columns a measure's partial aggregates have in a pre-aggregated subquery. */
  static List<String> storedColumns(String table, Measure m) {
    String c = measureColumn(table, m);
    return m.aggregation() == Aggregation.AVG ? List.of(c + "__sum", c + "__count") : List.of(c);
  }

  private final class Walker {
    private final List<String> defaultSchema;
    private final RollupCandidate.Catalog rollups;
    private final List<String> notes;

    Walker(List<String> defaultSchema, RollupCandidate.Catalog rollups, List<String> notes) {
      this.defaultSchema = defaultSchema == null ? List.of() : defaultSchema;
      this.rollups = rollups;
      this.notes = notes;
    }

    void walk(SqlNode node) {
      if (node == null) {
        return;
      }
      if (node instanceof SqlSelect select) {
        walkSelect(select, null);
      } else if (node instanceof SqlOrderBy orderBy && orderBy.query instanceof SqlSelect select) {
        walkSelect(select, orderBy.orderList);
      } else if (node instanceof SqlWith with) {
        for (SqlNode item : with.withList) {
          walk(((SqlWithItem) item).query);
        }
        walk(with.body);
      } else if (node instanceof SqlNodeList list) {
        list.forEach(this::walk);
      } else if (node instanceof SqlCall call) {
        call.getOperandList().forEach(this::walk);
      }
    }

    private void walkSelect(SqlSelect select, SqlNodeList outerOrder) {
      walk(select.getFrom());
      walk(select.getSelectList());
      walk(select.getWhere());
      walk(select.getHaving());
      SqlNode from = select.getFrom();
      SqlNode table = from;
      String alias = null;
      if (from instanceof SqlBasicCall as && as.getKind() == SqlKind.AS && as.operand(0) instanceof SqlIdentifier id) {
        table = id;
        alias = ((SqlIdentifier) as.operand(1)).getSimple();
      }
      SemanticView view = table instanceof SqlIdentifier id ? view(id) : null;
      if (view == null) {
        rejectInJoin(from);
        return;
      }
      new Rewrite(select, outerOrder, view, alias != null ? alias : view.table().name(), rollups, notes).run();
    }

    private SemanticView view(SqlIdentifier id) {
      List<String> names = id.names;
      if (names.size() == 2 && names.get(0).equals(SCHEMA)) {
        return views.get(names.get(1));
      }
      if (names.size() == 1 && defaultSchema.equals(List.of(SCHEMA))) {
        return views.get(names.get(0));
      }
      return null;
    }

    private void rejectInJoin(SqlNode from) {
      if (from instanceof SqlJoin join) {
        for (SqlNode side : List.of(join.getLeft(), join.getRight())) {
          SqlNode t = side instanceof SqlBasicCall as && as.getKind() == SqlKind.AS ? as.operand(0) : side;
          if (t instanceof SqlIdentifier id && view(id) != null) {
            throw error(ErrorCode.NOT_SUPPORTED, id, "semantic table '" + id + "' cannot be joined in the same FROM: "
                + "its tables join along their relationships by themselves (use their columns directly), or "
                + "aggregate it in a subquery and join the result");
          }
          rejectInJoin(side);
        }
      }
    }
  }

  /** The rewrite of one SELECT over a semantic table. */
  /** Functions SQL calls by a bare name, without parentheses (Calcite's FUNCTION_ID syntax). */
  private static final Set<String> NILADIC_FUNCTIONS = org.apache.calcite.sql.fun.SqlStdOperatorTable.instance()
      .getOperatorList().stream()
      .filter(op -> op.getSyntax() == org.apache.calcite.sql.SqlSyntax.FUNCTION_ID)
      .map(op -> op.getName().toUpperCase(java.util.Locale.ROOT))
      .collect(java.util.stream.Collectors.toUnmodifiableSet());

  private final class Rewrite {
    private final SqlSelect select;
    private final SqlNodeList outerOrder;
    private final SemanticView view;
    private final String alias;
    private final List<SqlNode> groups = new ArrayList<>();
    /** Base measures needed, by owning table, in first-use order. */
    private final Map<String, Set<Measure>> measuresByTable = new LinkedHashMap<>();
    private final RollupCandidate.Catalog rollups;
    private final List<String> notes;
    /** Physical tables to read instead of semantic tables' source tables (a rollup build pins snapshots). */
    final Map<String, String> pins = new HashMap<>();
    /** A condition added to the WHERE of source subqueries (over semantic columns), if any. */
    SqlNode extraWhere;
    /** Whether sums of computed expressions are summed as doubles (a rollup build; see rollupBuildQuery). */
    boolean doubleSums;

    Rewrite(SqlSelect select, SqlNodeList outerOrder, SemanticView view, String alias, RollupCandidate.Catalog rollups,
        List<String> notes) {
      this.select = select;
      this.outerOrder = outerOrder;
      this.view = view;
      this.alias = alias;
      this.rollups = rollups;
      this.notes = notes;
    }

    Optional<SemanticColumn> resolve(SqlIdentifier id) {
      if (id.isStar()) {
        return Optional.empty();
      }
      if (id.names.size() == 1) {
        return view.column(id.names.get(0));
      }
      if (id.names.size() == 2 && id.names.get(0).equals(alias)) {
        return view.column(id.names.get(1));
      }
      return Optional.empty();
    }

    /**
     * Whether a bare name is a function SQL calls without parentheses ({@code CURRENT_DATE}, {@code CURRENT_TIMESTAMP},
     * {@code LOCALTIMESTAMP}, ...) rather than a column: the expansion runs before Calcite's validator, which is what
     * turns such names into calls, so it leaves them as written. A column of that name wins, as in SQL.
     */
    boolean isNiladicFunction(SqlIdentifier id) {
      return id.isSimple() && resolve(id).isEmpty()
          && NILADIC_FUNCTIONS.contains(id.getSimple().toUpperCase(java.util.Locale.ROOT));
    }

    SemanticColumn resolveOrFail(SqlIdentifier id) {
      return resolve(id).orElseThrow(() -> error(ErrorCode.UNKNOWN_COLUMN, id, "Column '" + id
          + "' not found in semantic table '" + view.table().name() + "'"));
    }

    void run() {
      if (select.getGroup() != null && select.getGroup().stream().anyMatch(g -> g instanceof SqlCall c
          && (c.getKind() == SqlKind.ROLLUP || c.getKind() == SqlKind.CUBE || c.getKind() == SqlKind.GROUPING_SETS))) {
        throw error(ErrorCode.NOT_SUPPORTED, select.getGroup(),
            "ROLLUP, CUBE and GROUPING SETS over semantic tables are not supported yet");
      }
      boolean aggregated = select.getGroup() != null || select.getHaving() != null
          || usesMeasures(select.getSelectList()) || usesMeasures(select.getOrderList()) || usesMeasures(outerOrder);
      if (aggregated) {
        aggregate();
      } else {
        rowLevel();
      }
    }

    private boolean usesMeasures(SqlNode node) {
      if (node == null) {
        return false;
      }
      boolean[] found = {false};
      node.accept(new SqlShuttle() {
        @Override
        public SqlNode visit(SqlIdentifier id) {
          Optional<SemanticColumn> c = resolve(id);
          if (c.isPresent() && (c.get() instanceof MeasureColumn || c.get() instanceof MetricColumn)) {
            found[0] = true;
          }
          return id;
        }

        @Override
        public SqlNode visit(SqlCall call) {
          if (call instanceof SqlSelect) {
            return call;
          }
          if (isAggregate(call)) {
            found[0] = true;
          }
          return super.visit(call);
        }
      });
      return found[0];
    }

    // ---- aggregate queries ------------------------------------------------------------------------------------

    private void aggregate() {
      SqlNodeList selectList = select.getSelectList();
      if (select.getGroup() != null) {
        for (SqlNode g : select.getGroup()) {
          SqlNode expr = g;
          if (g instanceof SqlNumericLiteral n && n.isInteger()) {
            int ordinal = n.intValue(true);
            if (ordinal < 1 || ordinal > selectList.size()) {
              throw error(ErrorCode.VALIDATION_ERROR, g, "GROUP BY position " + ordinal + " is not in the select list");
            }
            expr = stripAs(selectList.get(ordinal - 1));
          } else if (g instanceof SqlIdentifier id && id.isSimple() && resolve(id).isEmpty()) {
            expr = selectAlias(id.getSimple()).orElse(g);
          }
          requireDimensionsOnly(expr, "GROUP BY");
          groups.add(expr);
        }
      }
      if (select.getWhere() != null) {
        requireDimensionsOnly(select.getWhere(), "WHERE");
      }
      Outer outer = new Outer();
      SqlNodeList newSelect = new SqlNodeList(selectList.getParserPosition());
      for (SqlNode item : selectList) {
        if (item instanceof SqlIdentifier id && id.isStar()) {
          throw error(ErrorCode.VALIDATION_ERROR, item, "SELECT * is not allowed in an aggregate query over a "
              + "semantic table; list the dimensions and measures");
        }
        newSelect.add(outer.rewriteItem(item));
      }
      SqlNode having = select.getHaving() == null ? null : select.getHaving().accept(outer);
      SqlNodeList order = select.getOrderList() == null ? null : (SqlNodeList) select.getOrderList().accept(outer);
      if (outerOrder != null) {
        for (int i = 0; i < outerOrder.size(); i++) {
          outerOrder.set(i, outer.orderItem(outerOrder.get(i)));
        }
      }
      SqlNode inner = innerQuery();
      select.setSelectList(newSelect);
      select.setFrom(as(inner, S));
      select.setWhere(having);
      select.setGroupBy(null);
      select.setHaving(null);
      if (order != null) {
        select.setOrderBy(order);
      }
    }

    private Optional<SqlNode> selectAlias(String name) {
      for (SqlNode item : select.getSelectList()) {
        if (item instanceof SqlBasicCall as && as.getKind() == SqlKind.AS
            && ((SqlIdentifier) as.operand(1)).getSimple().equals(name)) {
          return Optional.of(as.operand(0));
        }
      }
      return Optional.empty();
    }

    private void requireDimensionsOnly(SqlNode expr, String clause) {
      expr.accept(new SqlShuttle() {
        @Override
        public SqlNode visit(SqlIdentifier id) {
          if (isNiladicFunction(id)) {
            return id;
          }
          SemanticColumn c = resolveOrFail(id);
          if (c instanceof MeasureColumn || c instanceof MetricColumn) {
            throw error(ErrorCode.VALIDATION_ERROR, id, c.kind() + " '" + c.name() + "' cannot be used in "
                + clause + (clause.equals("WHERE") ? "; filter aggregated values in HAVING" : ""));
          }
          return id;
        }

        @Override
        public SqlNode visit(SqlCall call) {
          if (call instanceof SqlSelect) {
            return call;
          }
          if (isAggregate(call)) {
            throw error(ErrorCode.VALIDATION_ERROR, call, "aggregate functions are not allowed in " + clause);
          }
          return super.visit(call);
        }
      });
    }

    /** Rewrites the select list, HAVING and ORDER BY over the pre-aggregated subquery. */
    private final class Outer extends SqlShuttle {
      SqlNode rewriteItem(SqlNode item) {
        if (item instanceof SqlBasicCall as && as.getKind() == SqlKind.AS) {
          return as(as.operand(0).accept(this), ((SqlIdentifier) as.operand(1)).getSimple());
        }
        SqlNode rewritten = item.accept(this);
        if (item instanceof SqlIdentifier id) {
          return as(rewritten, id.names.get(id.names.size() - 1));
        }
        if (item instanceof SqlCall call && isAggregate(call) && call.operandCount() == 1
            && call.operand(0) instanceof SqlIdentifier id && !id.isStar()) {
          // SUM(streams) is named like its measure, as BI tools expect, not EXPR$n.
          return as(rewritten, functionName(call).toLowerCase(Locale.ROOT) + "_" + id.names.get(
              id.names.size() - 1));
        }
        return rewritten;
      }

      SqlNode orderItem(SqlNode item) {
        if (item instanceof SqlIdentifier id && id.isSimple() && resolve(id).isEmpty()) {
          return item; // an alias of the select list
        }
        if (item instanceof SqlNumericLiteral) {
          return item;
        }
        return item.accept(this);
      }

      @Override
      public SqlNode visit(SqlIdentifier id) {
        int group = groupIndex(id);
        if (group >= 0) {
          return column(S, "__g" + group);
        }
        if (id.isSimple() && resolve(id).isEmpty() && selectAlias(id.getSimple()).isPresent()) {
          return id; // ORDER BY or HAVING naming a select alias
        }
        if (isNiladicFunction(id)) {
          return id;
        }
        SemanticColumn c = resolveOrFail(id);
        if (c instanceof MeasureColumn m) {
          return measureRef(m.table(), m.measure(), id);
        }
        if (c instanceof MetricColumn m) {
          return metricExpr(m.metric(), id, new LinkedHashSet<>());
        }
        throw error(ErrorCode.VALIDATION_ERROR, id, "Expression '" + id + "' is not being grouped: "
            + c.kind() + " '" + c.name() + "' must appear in GROUP BY");
      }

      @Override
      public SqlNode visit(SqlCall call) {
        if (call instanceof SqlSelect) {
          return call;
        }
        int group = groupIndex(call);
        if (group >= 0) {
          return column(S, "__g" + group);
        }
        if (isAggregate(call)) {
          return governed(call);
        }
        SqlNode result = super.visit(call);
        return result == null ? call : result;
      }

      /** {@code AGGREGATE(m)}, {@code MEASURE(m)}, or the aggregate that gives a measure's governed value. */
      private SqlNode governed(SqlCall call) {
        String fn = functionName(call);
        if (call.operandCount() != 1 || !(call.operand(0) instanceof SqlIdentifier id) || id.isStar()
            || call.getFunctionQuantifier() != null) {
          throw error(ErrorCode.NOT_SUPPORTED, call, fn + "(...) over a semantic table must take one measure or "
              + "metric; aggregate other columns by declaring a measure in the model");
        }
        SemanticColumn c = resolveOrFail(id);
        boolean neutral = fn.equals("AGGREGATE") || fn.equals("MEASURE");
        if (c instanceof MeasureColumn m) {
          Aggregation a = m.measure().aggregation();
          boolean same = neutral
              || fn.equals("SUM") && a.isAdditive()
              || fn.equals("MIN") && a == Aggregation.MIN
              || fn.equals("MAX") && a == Aggregation.MAX;
          if (!same) {
            throw error(ErrorCode.VALIDATION_ERROR, call, fn + "(" + c.name() + ") would not be the governed value of "
                + c.name() + ", which is " + describe(a) + "; write AGGREGATE(" + c.name() + "), MEASURE("
                + c.name() + ") or " + c.name() + " with GROUP BY");
          }
          return measureRef(m.table(), m.measure(), id);
        }
        if (c instanceof MetricColumn m) {
          if (!neutral) {
            throw error(ErrorCode.VALIDATION_ERROR, call, fn + "(" + c.name() + ") would not be the governed value of "
                + "metric " + c.name() + ", which is " + describe(m.metric()) + "; write AGGREGATE(" + c.name()
                + "), MEASURE(" + c.name() + ") or " + c.name() + " with GROUP BY");
          }
          return metricExpr(m.metric(), id, new LinkedHashSet<>());
        }
        throw error(ErrorCode.NOT_SUPPORTED, call, fn + "(" + c.name() + ") aggregates " + c.kind() + " '" + c.name()
            + "'; over a semantic table only measures and metrics aggregate (declare a measure in the model)");
      }
    }

    private int groupIndex(SqlNode node) {
      for (int i = 0; i < groups.size(); i++) {
        if (groups.get(i).equalsDeep(node, org.apache.calcite.util.Litmus.IGNORE)) {
          return i;
        }
      }
      return -1;
    }

    private SqlNode measureRef(String table, Measure measure, SqlNode at) {
      measuresByTable.computeIfAbsent(table, k -> new LinkedHashSet<>()).add(measure);
      return column(S, measureColumn(table, measure));
    }

    private SqlNode metricExpr(Metric metric, SqlNode at, Set<String> visiting) {
      if (!visiting.add(metric.name())) {
        throw error(ErrorCode.VALIDATION_ERROR, at, "metric '" + metric.name() + "' refers to itself");
      }
      try {
        if (metric instanceof RatioMetric r) {
          return SqlTemplate.expression("CAST(\"$n\" AS DOUBLE) / NULLIF(CAST(\"$d\" AS DOUBLE), 0)",
              Map.of("n", input(r.numerator(), at, visiting), "d", input(r.denominator(), at, visiting)));
        }
        if (metric instanceof DerivedMetric d) {
          return d.expr().node().accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
              if (id.names.size() == 2) {
                Measure m = model.measure(id.names.get(0), id.names.get(1)).orElseThrow(() -> error(
                    ErrorCode.VALIDATION_ERROR, at, "metric '" + metric.name() + "' refers to unknown measure " + id));
                return SqlTemplate.expression("CAST(\"$m\" AS DOUBLE)",
                    Map.of("m", measureRef(id.names.get(0), m, at)));
              }
              Metric inner = model.metric(id.getSimple()).orElseThrow(() -> error(ErrorCode.VALIDATION_ERROR, at,
                  "metric '" + metric.name() + "' refers to unknown metric " + id));
              return SqlTemplate.expression("CAST(\"$m\" AS DOUBLE)",
                  Map.of("m", metricExpr(inner, at, visiting)));
            }
          });
        }
        CumulativeMetric c = (CumulativeMetric) metric;
        return cumulative(c, at);
      } finally {
        visiting.remove(metric.name());
      }
    }

    private SqlNode input(MetricInput input, SqlNode at, Set<String> visiting) {
      if (input instanceof MetricInput.MeasureRef ref) {
        Measure m = model.measure(ref.table(), ref.measure()).orElseThrow(() -> error(ErrorCode.VALIDATION_ERROR, at,
            "unknown measure " + ref));
        return measureRef(ref.table(), m, at);
      }
      String name = ((MetricInput.MetricRef) input).metric();
      return metricExpr(model.metric(name).orElseThrow(() -> error(ErrorCode.VALIDATION_ERROR, at,
          "unknown metric " + name)), at, visiting);
    }

    /** A running total or trailing window over the query's time grain, within the query's filters. */
    private SqlNode cumulative(CumulativeMetric c, SqlNode at) {
      int time = -1;
      for (int i = 0; i < groups.size(); i++) {
        if (groups.get(i) instanceof SqlIdentifier id && resolve(id).orElse(null) instanceof DimensionColumn d
            && d.table().equals(c.timeTable()) && d.dimension().name().equals(c.timeDimension())
            && d.grain().equals(Optional.of(c.grain()))) {
          time = i;
        }
      }
      if (time < 0) {
        throw error(ErrorCode.VALIDATION_ERROR, at, "cumulative metric '" + c.name() + "' needs GROUP BY "
            + c.grain().columnName(c.timeDimension()) + " (its time dimension at grain " + c.grain().key() + ")");
      }
      Measure m = model.measure(c.measure().table(), c.measure().measure()).orElseThrow();
      Map<String, SqlNode> holes = new HashMap<>();
      holes.put("m", measureRef(c.measure().table(), m, at));
      holes.put("t", column(S, "__g" + time));
      List<String> partition = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        if (i != time) {
          partition.add(quote(S, "__g" + i));
        }
      }
      String frame = c.window().isEmpty()
          ? "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
          : "RANGE BETWEEN " + interval(c.window().get().length() - 1, c.grain()) + " PRECEDING AND CURRENT ROW";
      return SqlTemplate.expression("SUM(\"$m\") OVER ("
          + (partition.isEmpty() ? "" : "PARTITION BY " + String.join(", ", partition) + " ")
          + "ORDER BY \"$t\" " + frame + ")", holes);
    }

    private String interval(int n, TimeGrain grain) {
      return switch (grain) {
        case HOUR -> "INTERVAL '" + n + "' HOUR";
        case DAY -> "INTERVAL '" + n + "' DAY";
        case WEEK -> "INTERVAL '" + (7 * n) + "' DAY";
        case MONTH -> "INTERVAL '" + n + "' MONTH";
        case QUARTER -> "INTERVAL '" + (3 * n) + "' MONTH";
        case YEAR -> "INTERVAL '" + n + "' YEAR";
      };
    }

    /** The FROM of the rewritten query: one pre-aggregated subquery per measure table, full-joined on the groups. */
    private SqlNode innerQuery() {
      if (measuresByTable.isEmpty()) {
        // Only dimensions: the distinct groups of the semantic table itself.
        return factQuery(view.table().name(), Set.of());
      }
      List<String> facts = new ArrayList<>(measuresByTable.keySet());
      if (facts.size() == 1) {
        return factQuery(facts.get(0), measuresByTable.get(facts.get(0)));
      }
      Map<String, SqlNode> holes = new HashMap<>();
      List<String> items = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        final int gg = g;
        items.add("COALESCE(" + facts.stream().map(f -> quote("__f" + facts.indexOf(f), "__g" + gg))
            .collect(Collectors.joining(", ")) + ") AS " + quote("__g" + g));
      }
      StringBuilder from = new StringBuilder();
      for (int f = 0; f < facts.size(); f++) {
        String fact = facts.get(f);
        holes.put("f" + f, factQuery(fact, measuresByTable.get(fact)));
        for (Measure m : measuresByTable.get(fact)) {
          String col = quote("__f" + f, measureColumn(fact, m));
          boolean count = m.aggregation() == Aggregation.COUNT || m.aggregation() == Aggregation.COUNT_DISTINCT;
          // A group missing from one table's rows has a count of zero there, not an unknown count.
          items.add((count ? "COALESCE(" + col + ", 0)" : col) + " AS " + quote(measureColumn(fact, m)));
        }
        if (f == 0) {
          from.append("\"$f0\" AS ").append(quote("__f0"));
        } else {
          from.append(" FULL JOIN \"$f").append(f).append("\" AS ").append(quote("__f" + f)).append(" ON ");
          if (groups.isEmpty()) {
            from.append("TRUE");
          }
          for (int g = 0; g < groups.size(); g++) {
            final int gg = g;
            final int ff = f;
            String left = f == 1 ? quote("__f0", "__g" + g) : "COALESCE(" + java.util.stream.IntStream.range(0, f)
                .mapToObj(i -> quote("__f" + i, "__g" + gg)).collect(Collectors.joining(", ")) + ")";
            from.append(g == 0 ? "" : " AND ").append(left).append(" IS NOT DISTINCT FROM ")
                .append(quote("__f" + ff, "__g" + g));
          }
        }
      }
      return SqlTemplate.query("SELECT " + String.join(", ", items) + " FROM " + from, holes);
    }

    /** One table's measures, aggregated at its grain, grouped by the query's groups: from a rollup if one can. */
    private SqlNode factQuery(String fact, Set<Measure> measures) {
      if (rollups != null && !measures.isEmpty()) {
        Optional<SqlNode> fromRollup = new RollupRewrite(fact, measures).query();
        if (fromRollup.isPresent()) {
          return fromRollup.get();
        }
      }
      return sourceQuery(fact, measures, false);
    }

    /**
     * One table's measures computed from its source. With {@code partial}, each measure is given as the parts it
     * re-aggregates from (an average as a sum and a count, in {@link #storedColumns}).
     */
    SqlNode sourceQuery(String fact, Set<Measure> measures, boolean partial) {
      Joins joins = new Joins(fact, measures);
      Map<String, SqlNode> holes = new HashMap<>();
      List<String> items = new ArrayList<>();
      List<String> groupBy = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        holes.put("g" + g, joins.physical(groups.get(g)));
        items.add("\"$g" + g + "\" AS " + quote("__g" + g));
        groupBy.add("\"$g" + g + "\"");
      }
      int i = 0;
      for (Measure m : measures) {
        String e = "e" + i;
        String c = "c" + i;
        m.expr().ifPresent(x -> holes.put(e, joins.model(x, fact)));
        m.filter().ifPresent(x -> holes.put(c, joins.model(x, fact)));
        if (partial && m.aggregation() == Aggregation.AVG) {
          String f = m.filter().isPresent() ? " FILTER (WHERE \"$" + c + "\")" : "";
          List<String> stored = storedColumns(fact, m);
          items.add("SUM(CAST(\"$" + e + "\" AS DOUBLE))" + f + " AS " + quote(stored.get(0)));
          items.add("COUNT(\"$" + e + "\")" + f + " AS " + quote(stored.get(1)));
        } else if (partial && doubleSums && m.aggregation() == Aggregation.SUM
            && !(m.expr().orElseThrow().node() instanceof SqlIdentifier)) {
          String f = m.filter().isPresent() ? " FILTER (WHERE \"$" + c + "\")" : "";
          items.add("SUM(CAST(\"$" + e + "\" AS DOUBLE))" + f + " AS " + quote(measureColumn(fact, m)));
        } else {
          items.add(aggregateText(m, e, c) + " AS " + quote(measureColumn(fact, m)));
        }
        i++;
      }
      if (items.isEmpty()) {
        items.add("COUNT(*) AS " + quote("__rows"));
      }
      SqlNode where = select.getWhere() == null ? null : joins.physical(select.getWhere());
      if (extraWhere != null) {
        SqlNode extra = joins.physical(extraWhere);
        where = where == null ? extra : SqlStdOperatorTable.AND.createCall(SqlParserPos.ZERO, where, extra);
      }
      if (where != null) {
        holes.put("where", where);
      }
      String text = "SELECT " + String.join(", ", items) + " FROM " + joins.fromText(holes)
          + (where == null ? "" : " WHERE \"$where\"")
          + (groupBy.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupBy));
      return SqlTemplate.query(text, holes);
    }

    /** Answers one table's measures from the first rollup that can, noting why each rollup before it could not. */
    private final class RollupRewrite {
      private static final String R = "__r";
      private final String fact;
      private final Set<Measure> measures;
      private final String what;

      RollupRewrite(String fact, Set<Measure> measures) {
        this.fact = fact;
        this.measures = measures;
        this.what = measures.stream().map(m -> fact + "." + m.name()).collect(Collectors.joining(", "));
      }

      Optional<SqlNode> query() {
        for (RollupCandidate c : rollups.candidates(fact)) {
          Mapping mapping = new Mapping(c);
          String why = mapping.check();
          if (why == null) {
            notes.add("rollup " + c.rollup().name() + " answered " + what + c.seam().map(x -> " for times before "
                + x + "; later rows read from the source (the rollup is behind it)").orElse(""));
            return Optional.of(mapping.query());
          }
          notes.add("rollup " + c.rollup().name() + " not used for " + what + ": " + why);
        }
        return Optional.empty();
      }

      /** The query's groups and filter over one rollup's columns. */
      private final class Mapping {
        private final RollupCandidate candidate;
        private final Rollup rollup;
        private final List<SqlNode> mappedGroups = new ArrayList<>();
        private SqlNode mappedWhere;
        private String problem;

        Mapping(RollupCandidate candidate) {
          this.candidate = candidate;
          this.rollup = candidate.rollup();
        }

        /** Null when the rollup can answer exactly; otherwise why not. */
        String check() {
          if (candidate.unusable().isPresent()) {
            return candidate.unusable().get();
          }
          for (Measure m : measures) {
            if (!rollup.measures().contains(m.name())) {
              return "it does not hold measure " + fact + "." + m.name();
            }
          }
          for (SqlNode g : groups) {
            SqlNode mapped = map(g, "GROUP BY");
            if (problem != null) {
              return problem;
            }
            mappedGroups.add(mapped);
          }
          if (select.getWhere() != null) {
            mappedWhere = map(select.getWhere(), "WHERE");
            if (problem != null) {
              return problem;
            }
          }
          List<String> distinct = measures.stream().filter(m -> m.aggregation() == Aggregation.COUNT_DISTINCT)
              .map(m -> fact + "." + m.name()).toList();
          if (!distinct.isEmpty() && !exactGrain()) {
            return String.join(", ", distinct) + (distinct.size() == 1 ? " is a distinct count" : " are distinct counts")
                + ", which the rollup answers only grouped by all its dimensions at its own grain ("
                + rollup.allDimensions().stream().map(d -> rollup.time().equals(Optional.of(d))
                    ? d + " by " + rollup.grain().orElseThrow().key() : d.toString())
                    .collect(Collectors.joining(", ")) + ")";
          }
          return null;
        }

        private boolean exactGrain() {
          for (Rollup.DimensionRef ref : rollup.allDimensions()) {
            Optional<TimeGrain> grain = rollup.time().equals(Optional.of(ref)) ? rollup.grain() : Optional.empty();
            boolean grouped = groups.stream().anyMatch(g -> g instanceof SqlIdentifier id
                && resolve(id).orElse(null) instanceof DimensionColumn d && d.table().equals(ref.table())
                && d.dimension().name().equals(ref.dimension()) && d.grain().equals(grain));
            if (!grouped) {
              return false;
            }
          }
          return true;
        }

        private SqlNode map(SqlNode expr, String clause) {
          return expr.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlIdentifier id) {
              Optional<SemanticColumn> c = resolve(id);
              if (problem != null || c.isEmpty()) {
                return id;
              }
              if (c.get() instanceof SegmentColumn seg) {
                problem = clause + " uses segment " + seg.table() + "." + seg.segment().name()
                    + ", which the rollup does not hold";
                return id;
              }
              if (!(c.get() instanceof DimensionColumn d)) {
                return id;
              }
              Rollup.DimensionRef ref = new Rollup.DimensionRef(d.table(), d.dimension().name());
              if (rollup.time().equals(Optional.of(ref))) {
                TimeGrain grain = rollup.grain().orElseThrow();
                if (d.grain().isEmpty() || !RollupColumns.rollsUp(grain, d.grain().get())) {
                  problem = clause + " uses " + d.name() + ", finer than or not a multiple of the rollup's grain ("
                      + ref + " by " + grain.key() + ")";
                  return id;
                }
                SqlNode col = column(R, RollupColumns.time(ref, grain));
                return d.grain().get() == grain ? col : floor(col, d.grain().get());
              }
              if (!rollup.dimensions().contains(ref)) {
                problem = clause + " uses dimension " + ref + ", which the rollup does not hold";
                return id;
              }
              SqlNode col = column(R, RollupColumns.dimension(ref));
              return d.grain().isPresent() ? floor(col, d.grain().get()) : col;
            }

            @Override
            public SqlNode visit(SqlCall call) {
              if (call instanceof SqlSelect) {
                problem = clause + " has a sub-query";
                return call;
              }
              SqlNode aligned = alignedTimeBound(call);
              if (aligned != null) {
                return aligned;
              }
              SqlNode result = super.visit(call);
              return result == null ? call : result;
            }
          });
        }

        /**
         * {@code time >= L} or {@code time < L} on the rollup's raw time dimension, with {@code L} a literal on a
         * boundary of the rollup's grain: then the comparison holds for a row exactly when it holds for its bucket,
         * so the rollup's time column answers it (a dashboard's date range). Null for anything else.
         */
        private SqlNode alignedTimeBound(SqlCall call) {
          if ((call.getKind() != SqlKind.GREATER_THAN_OR_EQUAL && call.getKind() != SqlKind.LESS_THAN)
              || rollup.time().isEmpty() || !(call.operand(0) instanceof SqlIdentifier id)
              || !(call.operand(1) instanceof org.apache.calcite.sql.SqlLiteral given)) {
            return null;
          }
          org.apache.calcite.sql.SqlLiteral literal = given;
          Optional<SemanticColumn> c = resolve(id);
          if (c.isEmpty() || !(c.get() instanceof DimensionColumn d) || d.grain().isPresent()
              || !rollup.time().get().equals(new Rollup.DimensionRef(d.table(), d.dimension().name()))) {
            return null;
          }
          if (literal instanceof org.apache.calcite.sql.SqlUnknownLiteral unknown) {
            // The parser leaves typed literals unresolved until validation: TIMESTAMP '...' has tag TIMESTAMP.
            org.apache.calcite.sql.type.SqlTypeName type = unknown.tag.equals("TIMESTAMP")
                ? org.apache.calcite.sql.type.SqlTypeName.TIMESTAMP
                : unknown.tag.equals("DATE") ? org.apache.calcite.sql.type.SqlTypeName.DATE : null;
            if (type == null) {
              return null;
            }
            try {
              literal = unknown.resolve(type);
            } catch (RuntimeException e) {
              return null; // not a valid literal: the validator reports it
            }
          }
          long millis;
          if (literal instanceof org.apache.calcite.sql.SqlTimestampLiteral ts) {
            millis = ts.getValueAs(org.apache.calcite.util.TimestampString.class).getMillisSinceEpoch();
          } else if (literal instanceof org.apache.calcite.sql.SqlDateLiteral date) {
            millis = date.getValueAs(org.apache.calcite.util.DateString.class).getMillisSinceEpoch();
          } else {
            return null;
          }
          TimeGrain grain = rollup.grain().orElseThrow();
          if (RollupColumns.floor(millis, grain) != millis) {
            return null;
          }
          return call.getOperator().createCall(call.getParserPosition(),
              column(R, RollupColumns.time(rollup.time().get(), grain)), literal);
        }

        private SqlNode floor(SqlNode col, TimeGrain grain) {
          if (grain == TimeGrain.WEEK) {
            // Calcite's own FLOOR(x TO WEEK) starts weeks on Sunday; the model's weeks start on Monday (ISO 8601).
            return SqlTemplate.expression("TIMESTAMPADD(DAY, -MOD(DAYOFWEEK(\"$x\") + 5, 7), FLOOR(\"$x\" TO DAY))",
                Map.of("x", col));
          }
          return SqlTemplate.expression("FLOOR(\"$x\" TO " + grain.timeUnit().name() + ")", Map.of("x", col));
        }

        SqlNode query() {
          Map<String, SqlNode> holes = new HashMap<>();
          List<String> items = new ArrayList<>();
          List<String> groupBy = new ArrayList<>();
          for (int g = 0; g < mappedGroups.size(); g++) {
            holes.put("g" + g, mappedGroups.get(g));
            items.add("\"$g" + g + "\" AS " + quote("__g" + g));
            groupBy.add("\"$g" + g + "\"");
          }
          SqlNode where = mappedWhere;
          if (candidate.seam().isPresent()) {
            SqlNode before = SqlTemplate.expression("\"$t\" < " + candidate.seam().get(), Map.of("t",
                column(R, RollupColumns.time(rollup.time().orElseThrow(), rollup.grain().orElseThrow()))));
            where = where == null ? before : SqlStdOperatorTable.AND.createCall(SqlParserPos.ZERO, where, before);
          }
          if (where != null) {
            holes.put("where", where);
          }
          holes.put("rollup", new SqlIdentifier(candidate.table(), SqlParserPos.ZERO));
          String tail = " FROM \"$rollup\" AS " + quote(R) + (where == null ? "" : " WHERE \"$where\"")
              + (groupBy.isEmpty() ? "" : " GROUP BY " + String.join(", ", groupBy));
          if (candidate.seam().isEmpty()) {
            for (Measure m : measures) {
              List<String> parts = RollupColumns.measure(m).stream().map(x -> quote(R, x)).toList();
              items.add(finalAggregate(m, parts) + " AS " + quote(measureColumn(fact, m)));
            }
            return SqlTemplate.query("SELECT " + String.join(", ", items) + tail, holes);
          }
          // Batch plus fresh: partial aggregates of the rollup before the seam and of the source from it on, merged.
          for (Measure m : measures) {
            List<String> parts = RollupColumns.measure(m);
            List<String> stored = storedColumns(fact, m);
            for (int i = 0; i < parts.size(); i++) {
              String fn = m.aggregation() == Aggregation.MIN ? "MIN" : m.aggregation() == Aggregation.MAX ? "MAX" : "SUM";
              items.add(fn + "(" + quote(R, parts.get(i)) + ") AS " + quote(stored.get(i)));
            }
          }
          holes.put("batch", SqlTemplate.query("SELECT " + String.join(", ", items) + tail, holes));
          Rollup.DimensionRef time = rollup.time().orElseThrow();
          SqlNode saved = extraWhere;
          extraWhere = SqlTemplate.expression("\"$t\" >= " + candidate.seam().get(),
              Map.of("t", new SqlIdentifier(columnName(view, time, Optional.empty()), SqlParserPos.ZERO)));
          try {
            holes.put("fresh", sourceQuery(fact, measures, true));
          } finally {
            extraWhere = saved;
          }
          List<String> outer = new ArrayList<>();
          List<String> outerGroups = new ArrayList<>();
          for (int g = 0; g < mappedGroups.size(); g++) {
            outer.add(quote("__u", "__g" + g) + " AS " + quote("__g" + g));
            outerGroups.add(quote("__u", "__g" + g));
          }
          for (Measure m : measures) {
            List<String> parts = storedColumns(fact, m).stream().map(x -> quote("__u", x)).toList();
            outer.add(finalAggregate(m, parts) + " AS " + quote(measureColumn(fact, m)));
          }
          return SqlTemplate.query("SELECT " + String.join(", ", outer)
              + " FROM (SELECT * FROM \"$batch\" UNION ALL SELECT * FROM \"$fresh\") AS " + quote("__u")
              + (outerGroups.isEmpty() ? "" : " GROUP BY " + String.join(", ", outerGroups)), holes);
        }

        /** A measure's value from its partial aggregates (several rows of one group). */
        private String finalAggregate(Measure m, List<String> parts) {
          String type = candidate.types().get(RollupColumns.measure(m).get(0));
          return switch (m.aggregation()) {
            // Not COALESCE(SUM(x), 0): Calcite's ProjectAggregateMergeRule turns that into SUM0 with a wrong type
            // under Meridian's widened sums. SUM of stored counts is null only over no rows.
            case COUNT, COUNT_DISTINCT -> "CAST(CASE WHEN COUNT(*) = 0 THEN 0 ELSE SUM(" + parts.get(0)
                + ") END AS BIGINT)";
            case SUM -> type == null ? "SUM(" + parts.get(0) + ")" : "CAST(SUM(" + parts.get(0) + ") AS " + type + ")";
            case MIN -> "MIN(" + parts.get(0) + ")";
            case MAX -> "MAX(" + parts.get(0) + ")";
            case AVG -> "CAST(SUM(" + parts.get(0) + ") AS DOUBLE) / NULLIF(CAST(SUM(" + parts.get(1)
                + ") AS DOUBLE), 0)";
          };
        }
      }
    }

    private String aggregateText(Measure m, String expr, String filter) {
      String e = "\"$" + expr + "\"";
      String call = switch (m.aggregation()) {
        case SUM -> "SUM(" + e + ")";
        case COUNT -> m.expr().isPresent() ? "COUNT(" + e + ")" : "COUNT(*)";
        case COUNT_DISTINCT -> "COUNT(DISTINCT " + e + ")";
        case MIN -> "MIN(" + e + ")";
        case MAX -> "MAX(" + e + ")";
        case AVG -> "AVG(CAST(" + e + " AS DOUBLE))";
      };
      return m.filter().isPresent() ? call + " FILTER (WHERE \"$" + filter + "\")" : call;
    }

    // ---- row-level queries ------------------------------------------------------------------------------------

    /** A query without aggregation: rows of the semantic table, dimensions computed, to-one tables joined. */
    private void rowLevel() {
      String table = view.table().name();
      Joins joins = new Joins(table, Set.of());
      SqlNodeList items = new SqlNodeList(select.getSelectList().getParserPosition());
      for (SqlNode item : select.getSelectList()) {
        if (item instanceof SqlIdentifier id && id.isStar()) {
          for (SemanticColumn c : view.columns().values()) {
            if (c instanceof DimensionColumn d && d.table().equals(table) && d.grain().isEmpty()) {
              items.add(as(joins.physical(new SqlIdentifier(c.name(), id.getParserPosition())), c.name()));
            }
          }
        } else if (item instanceof SqlBasicCall as && as.getKind() == SqlKind.AS) {
          items.add(as(joins.physical(as.operand(0)), ((SqlIdentifier) as.operand(1)).getSimple()));
        } else if (item instanceof SqlIdentifier id) {
          items.add(as(joins.physical(item), id.names.get(id.names.size() - 1)));
        } else {
          items.add(joins.physical(item));
        }
      }
      SqlNode where = select.getWhere() == null ? null : joins.physical(select.getWhere());
      SqlNodeList order = select.getOrderList() == null ? null : orderList(select.getOrderList(), joins);
      if (outerOrder != null) {
        SqlNodeList rewritten = orderList(outerOrder, joins);
        for (int i = 0; i < outerOrder.size(); i++) {
          outerOrder.set(i, rewritten.get(i));
        }
      }
      Map<String, SqlNode> holes = new HashMap<>();
      String from = joins.fromText(holes);
      SqlSelect physical = (SqlSelect) SqlTemplate.query("SELECT 1 FROM " + from, holes);
      select.setSelectList(items);
      select.setFrom(physical.getFrom());
      select.setWhere(where);
      if (order != null) {
        select.setOrderBy(order);
      }
    }

    private SqlNodeList orderList(SqlNodeList list, Joins joins) {
      SqlNodeList out = new SqlNodeList(list.getParserPosition());
      for (SqlNode item : list) {
        boolean alias = item instanceof SqlIdentifier id && id.isSimple() && resolve(id).isEmpty();
        out.add(alias || item instanceof SqlNumericLiteral ? item : joins.physical(item));
      }
      return out;
    }

    /** The source tables one (sub)query reads: the main table and, along to-one paths, the tables of dimensions. */
    private final class Joins {
      private final String main;
      private final Map<String, String> aliases = new LinkedHashMap<>();
      private final List<JoinPath.Step> steps = new ArrayList<>();

      Joins(String main, Set<Measure> measures) {
        this.main = main;
        aliases.put(main, "t_" + main);
        Set<String> needed = new LinkedHashSet<>();
        for (SqlNode g : groups) {
          needed.addAll(tablesOf(g));
        }
        if (select.getWhere() != null) {
          needed.addAll(tablesOf(select.getWhere()));
        }
        if (extraWhere != null) {
          needed.addAll(tablesOf(extraWhere));
        }
        if (measures.isEmpty() && groups.isEmpty()) {
          // A row-level query reads every dimension it names, wherever it is named.
          needed.addAll(tablesOf(select.getSelectList()));
          if (select.getOrderList() != null) {
            needed.addAll(tablesOf(select.getOrderList()));
          }
          if (outerOrder != null) {
            needed.addAll(tablesOf(outerOrder));
          }
        }
        for (String table : needed) {
          if (aliases.containsKey(table)) {
            continue;
          }
          JoinPath path;
          try {
            path = model.joinPath(main, table);
          } catch (MeridianException e) {
            String what = measures.isEmpty() ? "rows of " + main
                : measures.stream().map(m -> main + "." + m.name()).collect(Collectors.joining(", "));
            throw error(ErrorCode.VALIDATION_ERROR, select, what + " cannot be computed by dimensions of " + table
                + " without counting rows more than once or guessing a path: " + e.getMessage());
          }
          for (JoinPath.Step step : path.steps()) {
            if (!aliases.containsKey(step.right())) {
              aliases.put(step.right(), "t_" + step.right());
              steps.add(step);
            }
          }
        }
      }

      private Set<String> tablesOf(SqlNode node) {
        Set<String> tables = new LinkedHashSet<>();
        node.accept(new SqlShuttle() {
          @Override
          public SqlNode visit(SqlIdentifier id) {
            Optional<SemanticColumn> c = id.isStar() ? Optional.empty() : resolve(id);
            c.ifPresent(col -> {
              if (col instanceof DimensionColumn d) {
                tables.add(d.table());
              } else if (col instanceof SegmentColumn s) {
                tables.add(s.table());
              }
            });
            return id;
          }

          @Override
          public SqlNode visit(SqlCall call) {
            return call instanceof SqlSelect ? call : super.visit(call);
          }
        });
        return tables;
      }

      String fromText(Map<String, SqlNode> holes) {
        StringBuilder from = new StringBuilder();
        holes.put("src_" + main, source(main));
        from.append("\"$src_").append(main).append("\" AS ").append(quote(aliases.get(main)));
        for (JoinPath.Step step : steps) {
          holes.put("src_" + step.right(), source(step.right()));
          from.append(" LEFT JOIN \"$src_").append(step.right()).append("\" AS ").append(quote(aliases.get(step.right())))
              .append(" ON ");
          List<String> conditions = new ArrayList<>();
          for (var key : step.keys()) {
            conditions.add(quote(aliases.get(step.left()), key.fromColumn()) + " = "
                + quote(aliases.get(step.right()), key.toColumn()));
          }
          from.append(String.join(" AND ", conditions));
        }
        return from.toString();
      }

      /** A user expression over semantic columns, as an expression over the source tables. */
      SqlNode physical(SqlNode expr) {
        return expr.accept(new SqlShuttle() {
          @Override
          public SqlNode visit(SqlIdentifier id) {
            if (isNiladicFunction(id)) {
              return id;
            }
            SemanticColumn c = resolveOrFail(id);
            if (c instanceof DimensionColumn d) {
              SqlNode e = model(d.dimension().expr(), d.table());
              if (d.grain().isPresent()) {
                e = SqlTemplate.expression("FLOOR(\"$x\" TO " + d.grain().get().timeUnit().name() + ")",
                    Map.of("x", e));
              }
              return e;
            }
            if (c instanceof SegmentColumn s) {
              return model(s.segment().filter(), s.table());
            }
            throw error(ErrorCode.VALIDATION_ERROR, id, c.kind() + " '" + c.name()
                + "' needs aggregation: add GROUP BY, or use AGGREGATE(" + c.name() + ")");
          }

          @Override
          public SqlNode visit(SqlCall call) {
            if (call instanceof SqlSelect) {
              return call;
            }
            SqlNode result = super.visit(call);
            return result == null ? call : result;
          }
        });
      }

      /** A model expression over a table's columns, qualified with that table's alias here. */
      SqlNode model(SqlExpression expression, String table) {
        String a = aliases.get(table);
        if (a == null) {
          throw error(ErrorCode.INTERNAL_ERROR, select, "table " + table + " is not joined");
        }
        return expression.node().accept(new SqlShuttle() {
          @Override
          public SqlNode visit(SqlIdentifier id) {
            if (id.names.size() == 1) {
              return new SqlIdentifier(List.of(a, id.names.get(0)), id.getParserPosition());
            }
            if (id.names.size() == 2 && id.names.get(0).equals(table)) {
              return new SqlIdentifier(List.of(a, id.names.get(1)), id.getParserPosition());
            }
            return id;
          }

          @Override
          public SqlNode visit(SqlCall call) {
            SqlNode result = super.visit(call);
            return result == null ? call : result;
          }
        });
      }

      /** The source relation of a semantic table: a table of a source, or a query on one source. */
      private SqlNode source(String table) {
        TableSource source = model.table(table).orElseThrow().source();
        if (source instanceof TableSource.Table t) {
          return new SqlIdentifier(List.of(t.source(), pins.getOrDefault(table, t.table())), SqlParserPos.ZERO);
        }
        TableSource.Query q = (TableSource.Query) source;
        try {
          SqlNode query = SqlParser.create(q.sql(), SqlExpression.PARSER_CONFIG).parseQuery();
          qualifyTables(query, q.source());
          return query;
        } catch (SqlParseException e) {
          throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "sql of semantic table " + table
              + " does not parse: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Makes the table names of a model query name tables of its source. */
  private static void qualifyTables(SqlNode node, String source) {
    if (node instanceof SqlSelect s) {
      s.setFrom(qualifyFrom(s.getFrom(), source));
      s.getSelectList().forEach(n -> qualifyTables(n, source));
      qualifyTables(s.getWhere(), source);
    } else if (node instanceof SqlOrderBy o) {
      qualifyTables(o.query, source);
    } else if (node instanceof SqlCall c) {
      c.getOperandList().forEach(n -> qualifyTables(n, source));
    }
  }

  private static SqlNode qualifyFrom(SqlNode from, String source) {
    if (from instanceof SqlIdentifier id && id.names.size() == 1) {
      return new SqlIdentifier(List.of(source, id.names.get(0)), id.getParserPosition());
    }
    if (from instanceof SqlBasicCall as && as.getKind() == SqlKind.AS) {
      as.setOperand(0, qualifyFrom(as.operand(0), source));
      return as;
    }
    if (from instanceof SqlJoin j) {
      j.setLeft(qualifyFrom(j.getLeft(), source));
      j.setRight(qualifyFrom(j.getRight(), source));
      return j;
    }
    qualifyTables(from, source);
    return from;
  }

  private static String describe(Aggregation a) {
    return switch (a) {
      case SUM -> "a sum";
      case COUNT -> "a count";
      case COUNT_DISTINCT -> "a distinct count, which cannot be summed";
      case MIN -> "a minimum";
      case MAX -> "a maximum";
      case AVG -> "an average, which cannot be summed or averaged again";
    };
  }

  private static String describe(Metric m) {
    if (m instanceof RatioMetric) {
      return "a ratio, which cannot be summed";
    }
    if (m instanceof CumulativeMetric) {
      return "cumulative over time";
    }
    return "derived from other measures";
  }

  static String measureColumn(String table, Measure m) {
    return "__m_" + table + "_" + m.name();
  }

  static boolean isAggregate(SqlCall call) {
    return !(call instanceof SqlSelect) && (call.getOperator().isAggregator()
        || AGGREGATES.contains(functionName(call)) || call.getKind() == SqlKind.FILTER);
  }

  /** The function's name in upper case, with {@code MEASURE} restored (see {@link SemanticSql#measureCalls}). */
  static String functionName(SqlCall call) {
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    return name.equals(SemanticSql.MEASURE_ALIAS) ? "MEASURE" : name;
  }

  private static SqlNode column(String qualifier, String name) {
    return new SqlIdentifier(List.of(qualifier, name), SqlParserPos.ZERO);
  }

  private static SqlNode as(SqlNode node, String alias) {
    return SqlStdOperatorTable.AS.createCall(SqlParserPos.ZERO, node, new SqlIdentifier(alias, SqlParserPos.ZERO));
  }

  private static SqlNode stripAs(SqlNode item) {
    return item instanceof SqlBasicCall as && as.getKind() == SqlKind.AS ? as.operand(0) : item;
  }

  private static MeridianException error(ErrorCode code, SqlNode at, String message) {
    SqlParserPos pos = at == null ? SqlParserPos.ZERO : at.getParserPosition();
    String where = pos.getLineNum() > 0
        ? "From line " + pos.getLineNum() + ", column " + pos.getColumnNum() + " to line " + pos.getEndLineNum()
            + ", column " + pos.getEndColumnNum() + ": "
        : "";
    return new MeridianException(code, where + message);
  }
}
