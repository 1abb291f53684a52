package io.meridian.engine;

import io.meridian.engine.semantic.MeridianSqlValidator;
import io.meridian.engine.semantic.SemanticExpander;
import io.meridian.engine.semantic.SemanticSql;
import java.lang.reflect.Type;
import java.util.function.UnaryOperator;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.runtime.Bindable;
import org.apache.calcite.sql.SqlExplainFormat;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.tools.Program;
import org.apache.calcite.DataContext;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's statement preparation with Meridian's changes: plans are reused for repeated statements, join ordering
 * is bounded, EXPLAIN shows the query sent to each source, errors carry SQLSTATEs, and execution is watched for
 * cancellation and timeouts.
 */
public final class MeridianPrepare extends CalcitePrepareImpl {
  /**
   * The plan {@link MeridianPreparingStmt#implement} made on this thread, for the signature being prepared. Calcite
   * builds the signature from the implemented plan without passing the plan back, and one prepare runs on one thread.
   */
  private static final ThreadLocal<CachedPlan> IMPLEMENTED = new ThreadLocal<>();

  @Override
  @SuppressWarnings("unchecked")
  public <T> CalciteSignature<T> prepareSql(Context context, Query<T> query, Type elementType, long maxRowCount) {
    MeridianEngine engine = MeridianEngine.of(context.getMutableRootSchema());
    if (engine == null) {
      return super.prepareSql(context, query, elementType, maxRowCount);
    }
    boolean mayHybrid = query.sql != null && mayHybrid(engine, query.sql, context.getDefaultSchemaPath());
    String hybridBefore = mayHybrid ? engine.hybridPlanVersion() : "";
    PlanKey key = query.sql == null ? null
        : new PlanKey(query.sql, context.getDefaultSchemaPath(), maxRowCount, elementType.getTypeName(),
            useRollups(context) && maySemantic(query.sql, context.getDefaultSchemaPath())
                ? engine.rollups().stateToken() : "off", hybridBefore);
    if (key != null) {
      @SuppressWarnings("unchecked")
      CalciteSignature<T> cached = (CalciteSignature<T>) engine.plans().get(key).orElse(null);
      if (cached != null) {
        return cached;
      }
    }
    CalciteSignature<T> signature;
    CachedPlan cachedPlan;
    try {
      Query<T> parsed = query.sql == null ? query : (Query<T>) Query.of(SemanticSql.measureCalls(query.sql));
      io.meridian.engine.hybrid.HybridTable.resetPlanned();
      signature = super.prepareSql(context, parsed, elementType, maxRowCount);
    } catch (RuntimeException | Error e) {
      throw Errors.toAvatica(Errors.translate(e, null));
    } finally {
      cachedPlan = IMPLEMENTED.get();
      IMPLEMENTED.remove();
    }
    CalciteSignature<T> instrumented = new InstrumentedSignature<>(signature, maxRowCount, engine, cachedPlan);
    // A plan over a hybrid table holds the boundary and lake snapshot read when it was planned: it is kept only
    // under the histories' versions, and only when they did not move while it was planned.
    boolean hybridPlan = io.meridian.engine.hybrid.HybridTable.plannedWithBoundary();
    if (key != null && signature.statementType == Meta.StatementType.SELECT
        && (!hybridPlan || mayHybrid && hybridBefore.equals(engine.hybridPlanVersion()))) {
      engine.plans().put(key, instrumented);
    }
    return instrumented;
  }

  /**
   * Whether a statement can read semantic tables, so that its plan depends on the rollups' state: it names the
   * {@code semantic} schema, or runs with it as the default schema. Checking the rollups reads every rollup's and
   * source's current version, work that other statements, plan-cache hits included, need not pay. (Lexical and
   * conservative: a statement that merely mentions the word pays for the check, and is planned the same.)
   */
  static boolean maySemantic(String sql, java.util.List<String> defaultSchemaPath) {
    String schema = SemanticExpander.SCHEMA.toLowerCase(java.util.Locale.ROOT);
    return sql.toLowerCase(java.util.Locale.ROOT).contains(schema)
        || (defaultSchemaPath != null && defaultSchemaPath.stream().anyMatch(schema::equalsIgnoreCase));
  }

  /**
   * Whether a statement can read a hybrid table, directly (it names a hybrid source, or runs with one as its default
   * schema) or through the semantic model. Lexical and conservative, as {@link #maySemantic} is; a statement that
   * reads a hybrid table and is not caught here is planned every time.
   */
  static boolean mayHybrid(MeridianEngine engine, String sql, java.util.List<String> defaultSchemaPath) {
    java.util.Set<String> hybrid = engine.hybridSources();
    if (hybrid.isEmpty()) {
      return false;
    }
    if (maySemantic(sql, defaultSchemaPath)) {
      return true;
    }
    String lower = sql.toLowerCase(java.util.Locale.ROOT);
    return hybrid.stream().anyMatch(name -> lower.contains(name.toLowerCase(java.util.Locale.ROOT)))
        || (defaultSchemaPath != null && defaultSchemaPath.stream().anyMatch(hybrid::contains));
  }

  /** Whether the connection lets semantic queries read rollups ({@code useRollups}, default true). */
  static boolean useRollups(Context context) {
    try {
      if (context.getDataContext().getQueryProvider() instanceof org.apache.calcite.jdbc.CalciteConnection c) {
        return !"false".equalsIgnoreCase(c.getProperties().getProperty(
            io.meridian.engine.rollup.RollupManager.USE_ROLLUPS_PROPERTY, "true").strip());
      }
    } catch (RuntimeException ignored) {
      // No connection behind this prepare: the default.
    }
    return true;
  }

  @Override
  protected CalcitePreparingStmt getPreparingStmt(Context context, Type elementType,
      CalciteCatalogReader catalogReader, RelOptPlanner planner) {
    MeridianEngine engine = MeridianEngine.of(context.getMutableRootSchema());
    if (engine == null) {
      return super.getPreparingStmt(context, elementType, catalogReader, planner);
    }
    RelDataTypeFactory typeFactory = context.getTypeFactory();
    EnumerableRel.Prefer prefer = elementType == Object[].class ? EnumerableRel.Prefer.ARRAY
        : EnumerableRel.Prefer.CUSTOM;
    return new MeridianPreparingStmt(this, context, catalogReader, typeFactory, context.getRootSchema(), prefer,
        createCluster(planner, new org.apache.calcite.rex.RexBuilder(typeFactory)),
        org.apache.calcite.adapter.enumerable.EnumerableConvention.INSTANCE, createConvertletTable(),
        engine.program(), engine.semantic(), engine);
  }

  /** Plans with Meridian's program, and explains with {@link ExplainWriter}. */
  static final class MeridianPreparingStmt extends CalcitePreparingStmt {
    private final Program program;
    private final SemanticExpander expander;
    private final Context prepareContext;
    private final MeridianEngine engine;
    /** What the expansion said about rollups, for EXPLAIN. */
    private final java.util.List<String> rollupNotes = new java.util.ArrayList<>();

    MeridianPreparingStmt(CalcitePrepareImpl prepare, Context context, CalciteCatalogReader catalogReader,
        RelDataTypeFactory typeFactory, CalciteSchema schema, EnumerableRel.Prefer prefer, RelOptCluster cluster,
        Convention resultConvention, SqlRexConvertletTable convertletTable, Program program,
        SemanticExpander expander, MeridianEngine engine) {
      super(prepare, context, catalogReader, typeFactory, schema, prefer, cluster, resultConvention, convertletTable);
      this.program = program;
      this.expander = expander;
      this.prepareContext = context;
      this.engine = engine;
    }

    /** The statement's {@code cache} hint, taken off its SELECT before Calcite converts it. */
    private CacheHint hint = CacheHint.NONE;

    @Override
    public Prepare.PreparedResult prepareSql(SqlNode sqlQuery, SqlNode sqlNodeOriginal, Class<?> runtimeContextClass,
        SqlValidator validator, boolean needsValidation) {
      hint = CacheHint.take(sqlQuery);
      return super.prepareSql(sqlQuery, sqlNodeOriginal, runtimeContextClass, validator, needsValidation);
    }

    /** Notes what the result cache needs of the optimized plan (once per prepare, so once per cached plan). */
    @Override
    protected Prepare.PreparedResult implement(RelRoot root) {
      IMPLEMENTED.set(CachedPlan.of(root.rel, hint));
      return super.implement(root);
    }

    /** Calcite's validator settings (as {@code CalcitePrepareImpl} makes them), expanding semantic tables first. */
    @Override
    protected SqlValidator createSqlValidator(Prepare.CatalogReader catalogReader,
        UnaryOperator<SqlValidator.Config> configTransform) {
      CalciteConnectionConfig cc = prepareContext.config();
      SqlOperatorTable opTab = SqlOperatorTables.chain(
          cc.fun(SqlOperatorTable.class, SqlStdOperatorTable.instance()), catalogReader);
      SqlValidator.Config config = configTransform.apply(SqlValidator.Config.DEFAULT
          .withLenientOperatorLookup(cc.lenientOperatorLookup())
          .withConformance(cc.conformance())
          .withDefaultNullCollation(cc.defaultNullCollation())
          .withIdentifierExpansion(true));
      return new MeridianSqlValidator(opTab, (CalciteCatalogReader) catalogReader, prepareContext.getTypeFactory(),
          config, expander, useRollups(prepareContext), rollupNotes);
    }

    @Override
    protected Program getProgram() {
      return program;
    }

    @Override
    protected Prepare.PreparedResult createPreparedExplanation(@Nullable RelDataType resultType,
        RelDataType parameterRowType, @Nullable RelRoot root, SqlExplainFormat format, SqlExplainLevel detailLevel) {
      return new Prepare.PreparedExplain(resultType, parameterRowType, root, format, detailLevel) {
        @Override
        public String getCode() {
          if (root != null && format == SqlExplainFormat.TEXT) {
            return ExplainWriter.explain(root.rel, detailLevel, rollupNotes);
          }
          return super.getCode();
        }

        /** The plan is fixed when prepared; whether the cache holds its answer is told at each execution. */
        @Override
        public Bindable getBindable(Meta.CursorFactory cursorFactory) {
          String plan = getCode();
          CachedPlan cachedPlan = root != null && format == SqlExplainFormat.TEXT ? CachedPlan.of(root.rel, hint)
              : null;
          return dataContext -> {
            String explanation = cachedPlan == null ? plan
                : plan + engine.results().explain(cachedPlan, dataContext);
            return cursorFactory.style == Meta.Style.ARRAY
                ? Linq4j.singletonEnumerable(new String[] {explanation})
                : Linq4j.singletonEnumerable(explanation);
          };
        }
      };
    }
  }

  /** A prepared statement whose every execution is watched by the engine's {@link QueryManager}. */
  static final class InstrumentedSignature<T> extends CalciteSignature<T> {
    private final CalciteSignature<T> delegate;
    private final MeridianEngine engine;
    private final long maxRowCount;
    private final @Nullable CachedPlan cachedPlan;

    InstrumentedSignature(CalciteSignature<T> delegate, long maxRowCount, MeridianEngine engine,
        @Nullable CachedPlan cachedPlan) {
      super(delegate.sql, delegate.parameters, delegate.internalParameters, delegate.rowType, delegate.columns,
          delegate.cursorFactory, delegate.rootSchema, delegate.getCollationList(), maxRowCount, null,
          delegate.statementType);
      this.delegate = delegate;
      this.engine = engine;
      this.maxRowCount = maxRowCount;
      this.cachedPlan = delegate.statementType == Meta.StatementType.SELECT ? cachedPlan : null;
    }

    /** One execution: through the result cache when the plan may be cached, else straight to the sources. */
    @Override
    public Enumerable<T> enumerable(DataContext dataContext) {
      if (cachedPlan == null) {
        return new WatchedEnumerable<>(delegate, dataContext, engine);
      }
      return engine.results().execute(cachedPlan, cursorFactory.style, maxRowCount, parameters.size(), dataContext,
          () -> new WatchedEnumerable<>(delegate, dataContext, engine));
    }
  }
}
