package io.meridian.bench.ssb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Meridian configurations the SSB benchmark writes beside its data: source {@code pg} (PostgreSQL database
 * {@code ssb}: the dimensions), source {@code lake} (the Iceberg JDBC catalog in PostgreSQL database {@code iceberg}:
 * {@code lineorder}), and an SSB semantic model. "Warm" keeps Meridian's plan cache (the default); "cold" disables it
 * ({@code planner.plan-cache-size: 0}), so every prepare plans from scratch, and its connection asks for no result
 * cache ({@code cacheMode=off}). Warm runs leave the result cache on, but it cannot answer them: source {@code pg}
 * declares no freshness, so answers that read it are never reused (the cache has its own benchmark).
 */
public final class SsbConfig {
  public static final String LAKE = "lake";
  public static final String PG = "pg";
  /** DuckDB's memory limit, for the lake source and the direct DuckDB alike. */
  public static final String MEMORY_LIMIT = "2GB";

  /**
   * Where the real-time store joins the benchmark. Once Meridian has a Pinot source and hybrid tables, the harness
   * loads the most recent days of {@code lineorder} into Pinot (and only the older ones into Iceberg), adds a
   * {@code kind: pinot} source here, and declares {@code lineorder} as a hybrid of the two, with the boundary date;
   * the engines that are not Meridian keep reading all of {@code lineorder}. Not built yet: the real-time store is
   * being built in parallel.
   */
  public static final String HYBRID_HOOK = "";

  private SsbConfig() {}

  /** Writes {@code name} (and the model folder) into {@code folder}; returns the configuration file. */
  static Path write(Path folder, SsbData data, String name, boolean planCache) throws IOException {
    Path model = folder.resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("ssb.yaml"), MODEL, StandardCharsets.UTF_8);
    int threads = Runtime.getRuntime().availableProcessors();
    String yaml = "# Written by the SSB benchmark (io.meridian.bench.ssb.SsbBenchmark) on each run.\n"
        + "sources:\n"
        + "  - name: " + PG + "\n"
        + "    kind: postgresql\n"
        + "    url: " + data.jdbcUrl("ssb") + "\n"
        + "    user: " + SsbData.USER + "\n"
        + "    password: \"\"\n"
        + "    fetch-size: 10000\n"
        + "    pool:\n"
        + "      max-size: 16\n"
        + "      connection-timeout: 300s\n"
        + "  - name: " + LAKE + "\n"
        + "    kind: lake\n"
        + "    catalog:\n"
        + "      type: jdbc\n"
        + "      uri: " + data.jdbcUrl("iceberg") + "\n"
        + "      jdbc.user: " + SsbData.USER + "\n"
        + "      jdbc.password: \"\"\n"
        + "      jdbc.schema-version: V1\n"
        + "      warehouse: " + data.warehouse() + "\n"
        + "    namespace: " + SsbData.LINEORDER.namespace().level(0) + "\n"
        + "    threads: " + threads + "\n"
        + "    memory-limit: " + MEMORY_LIMIT + "\n"
        + "    pool:\n"
        + "      max-size: 16\n"
        + "      connection-timeout: 300s\n"
        + HYBRID_HOOK
        + "planner:\n"
        + "  plan-cache-size: " + (planCache ? 1000 : 0) + "\n"
        + "model:\n"
        + "  path: model\n"
        + "default-schema: " + PG + "\n";
    Path file = folder.resolve(name);
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /** The SSB star as a semantic model: measures on lineorder, the dimensions' attributes reachable from it. */
  static final String MODEL = """
      # The Star Schema Benchmark as a semantic model (written by the SSB benchmark).
      tables:
        - name: lineorder
          source: lake.lineorder
          description: One row per order line (lake, Iceberg).
          dimensions:
            - name: lo_shipmode
            - name: lo_orderpriority
          measures:
            - name: revenue
              agg: sum
              expr: lo_revenue
            - name: profit
              agg: sum
              expr: lo_revenue - lo_supplycost
            - name: lines
              agg: count
        - name: dates
          source: pg.dates
          primary_key: [d_datekey]
          dimensions:
            - name: d_year
              type: numeric
            - name: d_yearmonth
            - name: d_yearmonthnum
              type: numeric
        - name: customer
          source: pg.customer
          primary_key: [c_custkey]
          dimensions:
            - name: c_region
            - name: c_nation
            - name: c_city
        - name: supplier
          source: pg.supplier
          primary_key: [s_suppkey]
          dimensions:
            - name: s_region
            - name: s_nation
            - name: s_city
        - name: part
          source: pg.part
          primary_key: [p_partkey]
          dimensions:
            - name: p_mfgr
            - name: p_category
            - name: p_brand1
      relationships:
        - name: lineorder_date
          from: lineorder
          to: dates
          type: many_to_one
          on: lineorder.lo_orderdate = dates.d_datekey
        - name: lineorder_customer
          from: lineorder
          to: customer
          type: many_to_one
          on: lineorder.lo_custkey = customer.c_custkey
        - name: lineorder_supplier
          from: lineorder
          to: supplier
          type: many_to_one
          on: lineorder.lo_suppkey = supplier.s_suppkey
        - name: lineorder_part
          from: lineorder
          to: part
          type: many_to_one
          on: lineorder.lo_partkey = part.p_partkey
      """;

  /** A typical semantic query over the model: a measure by two dimensions of two other tables, one filter. */
  public static final String SEMANTIC_QUERY = "SELECT d_year, c_region, revenue FROM semantic.lineorder"
      + " WHERE s_region = 'ASIA' GROUP BY d_year, c_region";
}
