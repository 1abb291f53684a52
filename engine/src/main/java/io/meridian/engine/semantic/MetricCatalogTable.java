package io.meridian.engine.semantic;

import io.meridian.semantic.CumulativeMetric;
import io.meridian.semantic.DerivedMetric;
import io.meridian.semantic.Measure;
import io.meridian.semantic.Metadata;
import io.meridian.semantic.Metric;
import io.meridian.semantic.RatioMetric;
import io.meridian.semantic.SemanticModel;
import io.meridian.semantic.SemanticTable;
import io.meridian.spi.MeridianException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code meridian.metrics}: every measure and metric of the model, with its definition, owner, description,
 * certification, and the semantic tables whose dimensions can group it without counting rows twice.
 */
public final class MetricCatalogTable extends AbstractTable implements ScannableTable {
  private final List<Object[]> rows;

  public MetricCatalogTable(SemanticModel model) {
    List<Object[]> list = new ArrayList<>();
    for (SemanticTable t : model.tables()) {
      for (Measure m : t.measures()) {
        String definition = m.aggregation().key() + "(" + m.expr().map(Object::toString).orElse("*") + ")"
            + m.filter().map(f -> " where " + f).orElse("");
        list.add(row(m.name(), "measure", t.name(), m.aggregation().key(), definition, m.metadata(),
            groupable(model, Set.of(t.name()))));
      }
    }
    for (Metric metric : model.metrics()) {
      list.add(row(metric.name(), "metric", null, type(metric), definition(metric), metric.metadata(),
          groupable(model, SemanticView.baseTables(model, metric))));
    }
    this.rows = List.copyOf(list);
  }

  private static Object[] row(String name, String kind, String table, String type, String definition, Metadata md,
      String groupable) {
    return new Object[] {name, kind, table, type, definition, md.description().orElse(null), md.owner().orElse(null),
        String.join(",", md.tags()), md.certified(), groupable};
  }

  private static String type(Metric m) {
    return m instanceof RatioMetric ? "ratio" : m instanceof DerivedMetric ? "derived" : "cumulative";
  }

  private static String definition(Metric m) {
    if (m instanceof RatioMetric r) {
      return r.numerator() + " / " + r.denominator();
    }
    if (m instanceof DerivedMetric d) {
      return d.expr().toString();
    }
    CumulativeMetric c = (CumulativeMetric) m;
    return "running " + (c.window().map(w -> "trailing " + w).orElse("total")) + " of " + c.measure()
        + " over " + c.timeTable() + "." + c.timeDimension() + " by " + c.grain().key();
  }

  /** Semantic tables every base table reaches through many-to-one relationships (so grouping by them is safe). */
  private static String groupable(SemanticModel model, Set<String> baseTables) {
    Set<String> result = new LinkedHashSet<>();
    for (SemanticTable candidate : model.tables()) {
      boolean all = !baseTables.isEmpty();
      for (String base : baseTables) {
        try {
          model.joinPath(base, candidate.name());
        } catch (MeridianException e) {
          all = false;
        }
      }
      if (all) {
        result.add(candidate.name());
      }
    }
    return String.join(",", result);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    RelDataType text = f.createTypeWithNullability(f.createSqlType(SqlTypeName.VARCHAR), true);
    return f.builder()
        .add("name", f.createSqlType(SqlTypeName.VARCHAR))
        .add("kind", f.createSqlType(SqlTypeName.VARCHAR))
        .add("table_name", text)
        .add("type", f.createSqlType(SqlTypeName.VARCHAR))
        .add("definition", f.createSqlType(SqlTypeName.VARCHAR))
        .add("description", text)
        .add("owner", text)
        .add("tags", f.createSqlType(SqlTypeName.VARCHAR))
        .add("certified", f.createSqlType(SqlTypeName.BOOLEAN))
        .add("groupable_by", f.createSqlType(SqlTypeName.VARCHAR))
        .build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    return Linq4j.asEnumerable(rows);
  }
}
