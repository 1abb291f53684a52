package io.meridian.planner.runtime;

import io.meridian.spi.QueryContext;
import io.meridian.spi.RuntimeFilter;
import java.util.HashSet;
import java.util.Set;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The runtime side of {@link RuntimeFilterBuild}, called from generated code: wraps the build side's rows, collects
 * each key column's distinct non-null values (up to {@code maxKeys}; beyond that only the range), and publishes them to
 * the current {@link QueryContext} when the rows are exhausted. Without a query context (a plan run outside a query)
 * nothing is published, and the probe side reads unfiltered.
 */
public final class RuntimeFilterCollector {
  private RuntimeFilterCollector() {}

  /** Generated code calls this; see the class comment. */
  public static <T> Enumerable<T> collect(Enumerable<T> rows, Function1<T, Object>[] keys, String[] types, int[] ids,
      int maxKeys) {
    return new AbstractEnumerable<T>() {
      @Override
      public Enumerator<T> enumerator() {
        // A new execution: values an earlier one published must not filter this one's probe side.
        QueryContext context = QueryContext.current();
        if (context != null) {
          for (int id : ids) {
            context.withdraw(id);
          }
        }
        return new Collecting<>(rows.enumerator(), keys, types, ids, maxKeys);
      }
    };
  }

  private static final class Collecting<T> implements Enumerator<T> {
    private final Enumerator<T> rows;
    private final Function1<T, Object>[] keys;
    private final String[] types;
    private final int[] ids;
    private final int maxKeys;
    private final Set<Object>[] values;
    @SuppressWarnings("rawtypes")
    private final Comparable[] min;
    @SuppressWarnings("rawtypes")
    private final Comparable[] max;
    private boolean published;

    @SuppressWarnings("unchecked")
    Collecting(Enumerator<T> rows, Function1<T, Object>[] keys, String[] types, int[] ids, int maxKeys) {
      this.rows = rows;
      this.keys = keys;
      this.types = types;
      this.ids = ids;
      this.maxKeys = maxKeys;
      this.values = new Set[keys.length];
      for (int i = 0; i < keys.length; i++) {
        values[i] = new HashSet<>();
      }
      this.min = new Comparable[keys.length];
      this.max = new Comparable[keys.length];
    }

    @Override
    public T current() {
      return rows.current();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean moveNext() {
      if (!rows.moveNext()) {
        publish();
        return false;
      }
      T row = rows.current();
      for (int i = 0; i < keys.length; i++) {
        Object key = keys[i].apply(row);
        if (key == null) {
          continue;
        }
        Comparable<Object> c = (Comparable<Object>) key;
        if (min[i] == null || compare(c, min[i]) < 0) {
          min[i] = c;
        }
        if (max[i] == null || compare(c, max[i]) > 0) {
          max[i] = c;
        }
        if (values[i] != null && values[i].add(key) && values[i].size() > maxKeys) {
          values[i] = null;
        }
      }
      return true;
    }

    /**
     * Strings by code point, the order sources compare them in (UTF-8 bytes, Iceberg's string order); Java's
     * {@code String.compareTo} orders by UTF-16 units, which differs for characters outside the Basic Multilingual
     * Plane and would make the range exclude keys it holds.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Comparable a, Comparable b) {
      if (a instanceof String x && b instanceof String y) {
        // By code point without copying: called twice per build-side row.
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
          int cx = x.codePointAt(i);
          int cy = y.codePointAt(j);
          if (cx != cy) {
            return Integer.compare(cx, cy);
          }
          i += Character.charCount(cx);
          j += Character.charCount(cy);
        }
        return Boolean.compare(i < x.length(), j < y.length());
      }
      return a.compareTo(b);
    }

    private void publish() {
      if (published) {
        return;
      }
      published = true;
      QueryContext context = QueryContext.current();
      if (context == null) {
        return;
      }
      for (int i = 0; i < keys.length; i++) {
        context.publish(new RuntimeFilter(ids[i], SqlTypeName.valueOf(types[i]), values[i], min[i], max[i]));
      }
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
      rows.close();
    }
  }
}
