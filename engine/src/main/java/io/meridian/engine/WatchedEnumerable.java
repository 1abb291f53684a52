package io.meridian.engine;

import io.meridian.spi.MeridianException;
import io.meridian.spi.QueryContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.jdbc.CalcitePrepare.CalciteSignature;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * One execution of a prepared statement, watched by the {@link QueryManager}: the query's {@link QueryContext} is
 * bound to the thread whenever rows are pulled (so connectors register their source statements with it), and
 * failures reach the caller as {@link java.sql.SQLException}s with SQLSTATEs.
 */
final class WatchedEnumerable<T> extends AbstractEnumerable<T> {
  private final CalciteSignature<T> signature;
  private final DataContext dataContext;
  private final MeridianEngine engine;

  WatchedEnumerable(CalciteSignature<T> signature, DataContext dataContext, MeridianEngine engine) {
    this.signature = signature;
    this.dataContext = dataContext;
    this.engine = engine;
  }

  @Override
  public Enumerator<T> enumerator() {
    AtomicBoolean cancelFlag = (AtomicBoolean) dataContext.get(DataContext.Variable.CANCEL_FLAG.camelName);
    Object statementTimeout = dataContext.get(DataContext.Variable.TIMEOUT.camelName);
    Duration timeout = engine.effectiveTimeout(
        statementTimeout instanceof Long ms ? Duration.ofMillis(ms) : Duration.ZERO, dataContext);
    QueryManager.RunningQuery query = engine.queries().start(cancelFlag, timeout);
    Enumerator<T> inner;
    try (QueryContext.Scope ignored = query.context().bind()) {
      inner = signature.enumerable(new WithoutTimeout(dataContext)).enumerator();
    } catch (RuntimeException | Error e) {
      query.close();
      // Opening runs inside Statement.execute, where Avatica keeps the SQLSTATE of an AvaticaClientRuntimeException.
      throw Errors.toAvatica(Errors.translate(e, query.context()));
    }
    return new Enumerator<>() {
      @Override
      public T current() {
        return inner.current();
      }

      @Override
      public boolean moveNext() {
        QueryContext context = query.context();
        if (context.isCancelled()) {
          throw fail(null, context);
        }
        try (QueryContext.Scope ignored = context.bind()) {
          return inner.moveNext();
        } catch (RuntimeException | Error e) {
          throw fail(e, context);
        }
      }

      @Override
      public void reset() {
        inner.reset();
      }

      @Override
      public void close() {
        try (QueryContext.Scope ignored = query.context().bind()) {
          inner.close();
        } finally {
          query.close();
        }
      }
    };
  }

  /**
   * The watchdog enforces the timeout, so Calcite's JDBC adapter must not: it rounds the time left down to whole
   * seconds and so fails any query with a timeout under two seconds before it starts.
   */
  private record WithoutTimeout(DataContext delegate) implements DataContext {
    @Override
    public org.apache.calcite.schema.SchemaPlus getRootSchema() {
      return delegate.getRootSchema();
    }

    @Override
    public org.apache.calcite.adapter.java.JavaTypeFactory getTypeFactory() {
      return delegate.getTypeFactory();
    }

    @Override
    public org.apache.calcite.linq4j.QueryProvider getQueryProvider() {
      return delegate.getQueryProvider();
    }

    @Override
    public Object get(String name) {
      return DataContext.Variable.TIMEOUT.camelName.equals(name) ? null : delegate.get(name);
    }
  }

  /** Fetching runs inside ResultSet.next, which declares SQLException; see {@link Errors#sneakyThrow}. */
  private static RuntimeException fail(Throwable e, QueryContext context) {
    MeridianException error = Errors.translate(e == null ? new IllegalStateException("cancelled") : e, context);
    return Errors.sneakyThrow(error.toSqlException());
  }
}
