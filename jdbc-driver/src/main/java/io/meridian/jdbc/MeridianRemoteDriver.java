package io.meridian.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * Avatica's remote driver, with two client-side repairs.
 * <ul>
 *   <li>Server errors met while fetching rows become {@link SQLException}s. Avatica reports a server error as an
 *       unchecked {@link AvaticaClientRuntimeException}; on execute it wraps it, but {@code ResultSet.next()} fetching
 *       a later frame lets it through as is.</li>
 *   <li>{@code setMaxRows} on a {@code PreparedStatement} is honoured: Avatica's protocol sends it only with
 *       statements prepared and executed at once, so the rows are limited here as they are read.</li>
 * </ul>
 */
final class MeridianRemoteDriver extends org.apache.calcite.avatica.remote.Driver {
  @Override
  public Meta createMeta(AvaticaConnection connection) {
    Meta meta = super.createMeta(connection);
    InvocationHandler handler = (proxy, method, args) -> {
      try {
        Object result = method.invoke(meta, args);
        if (method.getName().equals("createIterable") && result instanceof Iterable<?> rows) {
          AvaticaStatement statement = connection.statementMap.get(((Meta.StatementHandle) args[0]).id);
          long maxRows = statement == null ? 0 : statement.getLargeMaxRows();
          return new Rows(rows, maxRows);
        }
        return result;
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof AvaticaClientRuntimeException a && method.getName().equals("fetch")) {
          throw fetchFailed(a);
        }
        throw e.getCause();
      }
    };
    return (Meta) Proxy.newProxyInstance(Meta.class.getClassLoader(), new Class<?>[] {Meta.class}, handler);
  }

  /** Rows as fetched, at most {@code maxRows} (0: all), failures as SQLExceptions. */
  private record Rows(Iterable<?> rows, long maxRows) implements Iterable<Object> {
    @Override
    public Iterator<Object> iterator() {
      Iterator<?> inner = rows.iterator();
      return new Iterator<>() {
        private long read;

        @Override
        public boolean hasNext() {
          if (maxRows > 0 && read >= maxRows) {
            return false;
          }
          try {
            return inner.hasNext();
          } catch (AvaticaClientRuntimeException a) {
            throw fetchFailed(a);
          }
        }

        @Override
        public Object next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          read++;
          try {
            return inner.next();
          } catch (AvaticaClientRuntimeException a) {
            throw fetchFailed(a);
          }
        }
      };
    }
  }

  private static RuntimeException fetchFailed(AvaticaClientRuntimeException a) {
    return sneaky(new SQLException("Error while fetching rows: " + a.getMessage(), a.getSqlState(), a.getErrorCode(),
        a));
  }

  /** {@code Meta.fetch} does not declare SQLException, but the {@code ResultSet.next()} that calls it does. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
