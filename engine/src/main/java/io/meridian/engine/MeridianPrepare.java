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
  @Override
  @SuppressWarnings("unchecked")
  public <T> CalciteSignature<T> prepareSql(Context context, Query<T> query, Type elementType, long maxRowCount) {
    MeridianEngine engine = MeridianEngine.of(context.getMutableRootSchema());
    if (engine == null) {
      return super.prepareSql(context, query, elementType, maxRowCount);
    }
    PlanKey key = query.sql == null ? null
        : new PlanKey(query.sql, context.getDefaultSchemaPath(), maxRowCount, elementType.getTypeName());
    if (key != null) {
      @SuppressWarnings("unchecked")
      CalciteSignature<T> cached = (CalciteSignature<T>) engine.plans().get(key).orElse(null);
      if (cached != null) {
        return cached;
      }
    }
    CalciteSignature<T> signature;
    try {
      Query<T> parsed = query.sql == null ? query : (Query<T>) Query.of(SemanticSql.measureCalls(query.sql));
      io.meridian.engine.hybrid.HybridTable.resetPlanned();
      signature = super.prepareSql(context, parsed, elementType, maxRowCount);
    } catch (RuntimeException | Error e) {
      throw Errors.toAvatica(Errors.translate(e, null));
    }
    CalciteSignature<T> instrumented = new InstrumentedSignature<>(signature, maxRowCount, engine);
    // A plan over a hybrid table holds the boundary and lake snapshot read when it was planned: never reused.
    if (key != null && signature.statementType == Meta.StatementType.SELECT
        && !io.meridian.engine.hybrid.HybridTable.plannedWithBoundary()) {
      engine.plans().put(key, instrumented);
    }
    return instrumented;
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
        engine.program(), engine.semantic());
  }

  /** Plans with Meridian's program, and explains with {@link ExplainWriter}. */
  static final class MeridianPreparingStmt extends CalcitePreparingStmt {
    private final Program program;
    private final SemanticExpander expander;
    private final Context prepareContext;

    MeridianPreparingStmt(CalcitePrepareImpl prepare, Context context, CalciteCatalogReader catalogReader,
        RelDataTypeFactory typeFactory, CalciteSchema schema, EnumerableRel.Prefer prefer, RelOptCluster cluster,
        Convention resultConvention, SqlRexConvertletTable convertletTable, Program program,
        SemanticExpander expander) {
      super(prepare, context, catalogReader, typeFactory, schema, prefer, cluster, resultConvention, convertletTable);
      this.program = program;
      this.expander = expander;
      this.prepareContext = context;
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
          config, expander);
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
            return ExplainWriter.explain(root.rel, detailLevel);
          }
          return super.getCode();
        }

        @Override
        public Bindable getBindable(Meta.CursorFactory cursorFactory) {
          String explanation = getCode();
          return dataContext -> cursorFactory.style == Meta.Style.ARRAY
              ? Linq4j.singletonEnumerable(new String[] {explanation})
              : Linq4j.singletonEnumerable(explanation);
        }
      };
    }
  }

  /** A prepared statement whose every execution is watched by the engine's {@link QueryManager}. */
  static final class InstrumentedSignature<T> extends CalciteSignature<T> {
    private final CalciteSignature<T> delegate;
    private final MeridianEngine engine;

    InstrumentedSignature(CalciteSignature<T> delegate, long maxRowCount, MeridianEngine engine) {
      super(delegate.sql, delegate.parameters, delegate.internalParameters, delegate.rowType, delegate.columns,
          delegate.cursorFactory, delegate.rootSchema, delegate.getCollationList(), maxRowCount, null,
          delegate.statementType);
      this.delegate = delegate;
      this.engine = engine;
    }

    @Override
    public Enumerable<T> enumerable(DataContext dataContext) {
      return new WatchedEnumerable<>(delegate, dataContext, engine);
    }
  }
}
