package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One of the 13 SSB queries, kept in parts so that the benchmark can also count the rows it needs: the select list,
 * the dimensions it joins (each with its own filter, or none), the filter on {@code lineorder}, GROUP BY and ORDER BY.
 * The SQL is the specification's (comma joins, conditions in WHERE), with table names left to each engine.
 *
 * @param id the query's number, such as {@code Q1.1}
 * @param select the select list
 * @param dimensions the joined dimensions, each with its filter ({@code ""} for none)
 * @param factFilter the filter on {@code lineorder} columns, or {@code ""}
 * @param groupBy GROUP BY list, or {@code ""}
 * @param orderBy ORDER BY list, or {@code ""}
 */
public record SsbQuery(String id, String select, Map<String, String> dimensions, String factFilter, String groupBy,
    String orderBy) {
  private static final Map<String, String> JOINS = Map.of(
      "dates", "lo_orderdate = d_datekey",
      "customer", "lo_custkey = c_custkey",
      "supplier", "lo_suppkey = s_suppkey",
      "part", "lo_partkey = p_partkey");

  public SsbQuery {
    requireNonNull(id, "id is null");
    requireNonNull(select, "select is null");
    dimensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    requireNonNull(factFilter, "factFilter is null");
    requireNonNull(groupBy, "groupBy is null");
    requireNonNull(orderBy, "orderBy is null");
  }

  /** The query, with each table name (lineorder, dates, customer, supplier, part) mapped by {@code table}. */
  public String sql(UnaryOperator<String> table) {
    StringBuilder b = new StringBuilder("SELECT ").append(select).append(fromWhere(table));
    if (!groupBy.isEmpty()) {
      b.append(" GROUP BY ").append(groupBy);
    }
    if (!orderBy.isEmpty()) {
      b.append(" ORDER BY ").append(orderBy);
    }
    return b.toString();
  }

  /** The {@code lineorder} rows the answer is computed from: those that pass every filter and join. */
  public String neededFactRowsSql(UnaryOperator<String> table) {
    return "SELECT count(*)" + fromWhere(table);
  }

  /** Of the rows {@link #neededFactRowsSql} counts, those that also pass {@code part}, a filter on lineorder. */
  public String neededFactRowsSql(UnaryOperator<String> table, String part) {
    return "SELECT count(*)" + fromWhere(table) + " AND " + part;
  }

  /** For each joined dimension, the rows that pass its own filter. */
  public Map<String, String> neededDimensionRowsSql(UnaryOperator<String> table) {
    Map<String, String> sql = new LinkedHashMap<>();
    dimensions.forEach((dimension, filter) -> sql.put(dimension, "SELECT count(*) FROM " + table.apply(dimension)
        + (filter.isEmpty() ? "" : " WHERE " + filter)));
    return sql;
  }

  private String fromWhere(UnaryOperator<String> table) {
    List<String> from = new ArrayList<>();
    from.add(table.apply("lineorder"));
    List<String> where = new ArrayList<>();
    dimensions.forEach((dimension, filter) -> {
      from.add(table.apply(dimension));
      where.add(JOINS.get(dimension));
    });
    dimensions.values().stream().filter(f -> !f.isEmpty()).forEach(where::add);
    if (!factFilter.isEmpty()) {
      where.add(factFilter);
    }
    return " FROM " + String.join(", ", from) + " WHERE " + String.join(" AND ", where);
  }

  private static Map<String, String> dims(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static final String CITIES_UK = "('UNITED KI1', 'UNITED KI5')";

  /** The 13 queries of the specification, in order. */
  public static final List<SsbQuery> ALL = List.of(
      new SsbQuery("Q1.1", "sum(lo_extendedprice * lo_discount) AS revenue",
          dims("dates", "d_year = 1993"), "lo_discount BETWEEN 1 AND 3 AND lo_quantity < 25", "", ""),
      new SsbQuery("Q1.2", "sum(lo_extendedprice * lo_discount) AS revenue",
          dims("dates", "d_yearmonthnum = 199401"),
          "lo_discount BETWEEN 4 AND 6 AND lo_quantity BETWEEN 26 AND 35", "", ""),
      new SsbQuery("Q1.3", "sum(lo_extendedprice * lo_discount) AS revenue",
          dims("dates", "d_weeknuminyear = 6 AND d_year = 1994"),
          "lo_discount BETWEEN 5 AND 7 AND lo_quantity BETWEEN 26 AND 35", "", ""),
      new SsbQuery("Q2.1", "sum(lo_revenue) AS revenue, d_year, p_brand1",
          dims("dates", "", "part", "p_category = 'MFGR#12'", "supplier", "s_region = 'AMERICA'"), "",
          "d_year, p_brand1", "d_year, p_brand1"),
      new SsbQuery("Q2.2", "sum(lo_revenue) AS revenue, d_year, p_brand1",
          dims("dates", "", "part", "p_brand1 BETWEEN 'MFGR#2221' AND 'MFGR#2228'", "supplier", "s_region = 'ASIA'"),
          "", "d_year, p_brand1", "d_year, p_brand1"),
      new SsbQuery("Q2.3", "sum(lo_revenue) AS revenue, d_year, p_brand1",
          dims("dates", "", "part", "p_brand1 = 'MFGR#2239'", "supplier", "s_region = 'EUROPE'"), "",
          "d_year, p_brand1", "d_year, p_brand1"),
      new SsbQuery("Q3.1", "c_nation, s_nation, d_year, sum(lo_revenue) AS revenue",
          dims("customer", "c_region = 'ASIA'", "supplier", "s_region = 'ASIA'", "dates",
              "d_year >= 1992 AND d_year <= 1997"), "",
          "c_nation, s_nation, d_year", "d_year ASC, revenue DESC"),
      new SsbQuery("Q3.2", "c_city, s_city, d_year, sum(lo_revenue) AS revenue",
          dims("customer", "c_nation = 'UNITED STATES'", "supplier", "s_nation = 'UNITED STATES'", "dates",
              "d_year >= 1992 AND d_year <= 1997"), "",
          "c_city, s_city, d_year", "d_year ASC, revenue DESC"),
      new SsbQuery("Q3.3", "c_city, s_city, d_year, sum(lo_revenue) AS revenue",
          dims("customer", "c_city IN " + CITIES_UK, "supplier", "s_city IN " + CITIES_UK, "dates",
              "d_year >= 1992 AND d_year <= 1997"), "",
          "c_city, s_city, d_year", "d_year ASC, revenue DESC"),
      new SsbQuery("Q3.4", "c_city, s_city, d_year, sum(lo_revenue) AS revenue",
          dims("customer", "c_city IN " + CITIES_UK, "supplier", "s_city IN " + CITIES_UK, "dates",
              "d_yearmonth = 'Dec1997'"), "",
          "c_city, s_city, d_year", "d_year ASC, revenue DESC"),
      new SsbQuery("Q4.1", "d_year, c_nation, sum(lo_revenue - lo_supplycost) AS profit",
          dims("dates", "", "customer", "c_region = 'AMERICA'", "supplier", "s_region = 'AMERICA'", "part",
              "(p_mfgr = 'MFGR#1' OR p_mfgr = 'MFGR#2')"), "",
          "d_year, c_nation", "d_year, c_nation"),
      new SsbQuery("Q4.2", "d_year, s_nation, p_category, sum(lo_revenue - lo_supplycost) AS profit",
          dims("dates", "(d_year = 1997 OR d_year = 1998)", "customer", "c_region = 'AMERICA'", "supplier",
              "s_region = 'AMERICA'", "part", "(p_mfgr = 'MFGR#1' OR p_mfgr = 'MFGR#2')"), "",
          "d_year, s_nation, p_category", "d_year, s_nation, p_category"),
      new SsbQuery("Q4.3", "d_year, s_city, p_brand1, sum(lo_revenue - lo_supplycost) AS profit",
          dims("dates", "(d_year = 1997 OR d_year = 1998)", "customer", "c_region = 'AMERICA'", "supplier",
              "s_nation = 'UNITED STATES'", "part", "p_category = 'MFGR#14'"), "",
          "d_year, s_city, p_brand1", "d_year, s_city, p_brand1"));
}
