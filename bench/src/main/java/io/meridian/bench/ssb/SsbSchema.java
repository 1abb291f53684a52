package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/**
 * The five SSB tables, their columns and types, and the DDL each store needs. Every column is an integer or text:
 * SSB's numbers are integers (keys, yyyymmdd dates, quantities, prices in cents), so every engine compares and sums
 * them exactly. The specification's {@code DATE} table is called {@code dates}: {@code date} is a reserved word in
 * every engine here.
 */
public final class SsbSchema {
  private SsbSchema() {}

  /** A column: integer ({@code true}) or text. */
  public record Column(String name, boolean integer) {
    public Column {
      requireNonNull(name, "name is null");
    }
  }

  /** A table and its columns, in order. */
  public record Table(String name, List<Column> columns) {
    public Table {
      requireNonNull(name, "name is null");
      columns = List.copyOf(columns);
    }

    /** PostgreSQL's (and DuckDB's) CREATE TABLE. */
    public String createSql() {
      return "CREATE TABLE " + name + " (" + columns.stream()
          .map(c -> c.name() + (c.integer() ? " INTEGER" : " VARCHAR") + " NOT NULL")
          .collect(Collectors.joining(", ")) + ")";
    }

    /** DuckDB's {@code columns = {...}} argument of {@code read_csv}. */
    public String duckDbColumns() {
      return "{" + columns.stream().map(c -> "'" + c.name() + "': '" + (c.integer() ? "INTEGER" : "VARCHAR") + "'")
          .collect(Collectors.joining(", ")) + "}";
    }

    /** The Iceberg schema (field ids 1..n, every field required). */
    public Schema icebergSchema() {
      List<Types.NestedField> fields = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        Column c = columns.get(i);
        fields.add(Types.NestedField.required(i + 1, c.name(),
            c.integer() ? Types.IntegerType.get() : Types.StringType.get()));
      }
      return new Schema(fields);
    }
  }

  private static Table table(String name, String columns) {
    List<Column> list = new ArrayList<>();
    for (String spec : columns.split(",")) {
      String[] parts = spec.trim().split(" ");
      list.add(new Column(parts[0], parts[1].toLowerCase(Locale.ROOT).equals("int")));
    }
    return new Table(name, list);
  }

  public static final Table CUSTOMER = table("customer", "c_custkey int, c_name text, c_address text, c_city text,"
      + " c_nation text, c_region text, c_phone text, c_mktsegment text");
  public static final Table SUPPLIER = table("supplier", "s_suppkey int, s_name text, s_address text, s_city text,"
      + " s_nation text, s_region text, s_phone text");
  public static final Table PART = table("part", "p_partkey int, p_name text, p_mfgr text, p_category text,"
      + " p_brand1 text, p_color text, p_type text, p_size int, p_container text");
  public static final Table DATES = table("dates", "d_datekey int, d_date text, d_dayofweek text, d_month text,"
      + " d_year int, d_yearmonthnum int, d_yearmonth text, d_daynuminweek int, d_daynuminmonth int,"
      + " d_daynuminyear int, d_monthnuminyear int, d_weeknuminyear int, d_sellingseason text,"
      + " d_lastdayinweekfl int, d_lastdayinmonthfl int, d_holidayfl int, d_weekdayfl int");
  public static final Table LINEORDER = table("lineorder", "lo_orderkey int, lo_linenumber int, lo_custkey int,"
      + " lo_partkey int, lo_suppkey int, lo_orderdate int, lo_orderpriority text, lo_shippriority text,"
      + " lo_quantity int, lo_extendedprice int, lo_ordtotalprice int, lo_discount int, lo_revenue int,"
      + " lo_supplycost int, lo_tax int, lo_commitdate int, lo_shipmode text");

  /** The dimensions, in the order they are loaded. */
  public static final List<Table> DIMENSIONS = List.of(DATES, CUSTOMER, SUPPLIER, PART);

  /** The primary key column of a dimension (its first column). */
  public static String primaryKey(Table dimension) {
    return dimension.columns().get(0).name();
  }

  /**
   * {@code lineorder} partitioned by order month: {@code truncate(100, lo_orderdate)} maps yyyymmdd to yyyymm00, one
   * partition per month (80 of them from January 1992 to August 1998), while the column keeps SSB's type and meaning
   * (the key of {@code dates}). Iceberg prunes these partitions for ranges and equalities on {@code lo_orderdate}.
   */
  public static PartitionSpec lineorderSpec(Schema schema) {
    return PartitionSpec.builderFor(schema).truncate("lo_orderdate", 100, "lo_ordermonth").build();
  }
}
