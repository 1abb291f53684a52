package io.meridian.bench.ssb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The Meridian configurations the SSB benchmark writes beside its data: source {@code pg} (PostgreSQL database
 * {@code ssb}: the dimensions), source {@code lake} (the Iceberg JDBC catalog in PostgreSQL database {@code iceberg}:
 * {@code lineorder} and {@code lineorder_history}), and an SSB semantic model. With the real-time part
 * ({@link SsbHybrid}), also source {@code pinot} (the Pinot table {@code lineorder}: the most recent order dates) and
 * source {@code hybrid} whose table {@code lineorder} is {@code lake.lineorder_history} before the boundary and
 * {@code pinot.lineorder} from it, split on {@code lo_orderdate}; the model's {@code lineorder} then reads it.
 * "Warm" keeps Meridian's plan cache (the default); "cold" disables it ({@code planner.plan-cache-size: 0}), so every
 * prepare plans from scratch, and its connection asks for no result cache ({@code cacheMode=off}). Warm runs leave the
 * result cache on, but it cannot answer them: source {@code pg} declares no freshness, so answers that read it are
 * never reused (the cache has its own benchmark).
 */
public final class SsbConfig {
  public static final String LAKE = "lake";
  public static final String PG = "pg";
  public static final String PINOT = "pinot";
  public static final String HYBRID = "hybrid";
  /** DuckDB's memory limit, for the lake source and the direct DuckDB alike. */
  public static final String MEMORY_LIMIT = "2GB";

  private SsbConfig() {}

  /**
   * Writes {@code name} (and the model folder) into {@code folder}; returns the configuration file. With
   * {@code hybrid} (null when the real-time part is skipped), Meridian's {@code lineorder} is the hybrid table.
   */
  static Path write(Path folder, SsbData data, String name, boolean planCache, SsbHybrid hybrid) throws IOException {
    Path model = folder.resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("ssb.yaml"), model(hybrid != null), StandardCharsets.UTF_8);
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
        + (hybrid == null ? "" : hybridSources(hybrid))
        + "planner:\n"
        + "  plan-cache-size: " + (planCache ? 1000 : 0) + "\n"
        + "model:\n"
        + "  path: model\n"
        + "default-schema: " + PG + "\n";
    Path file = folder.resolve(name);
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /**
   * The Pinot source and the hybrid source over it and the lake history. Pinot may return every fresh row of a query
   * (no LIMIT, no aggregate below the joins), so {@code max-rows} is the largest allowed: the cap is for answers
   * Meridian would otherwise cut, not for the benchmark's scale factors.
   */
  private static String hybridSources(SsbHybrid hybrid) {
    return "  - name: " + PINOT + "\n"
        + "    kind: pinot\n"
        + "    pinot:\n"
        + "      controller: \"" + hybrid.controller() + "\"\n"
        + "      broker: \"" + hybrid.broker() + "\"\n"
        + "      query-timeout: " + SsbBenchmark.QUERY_TIMEOUT_SECONDS + "s\n"
        + "      max-rows: 10000000\n"
        + "  - name: " + HYBRID + "\n"
        + "    kind: hybrid\n"
        + "    hybrid:\n"
        + "      tables:\n"
        + "        - name: " + SsbHybrid.TABLE + "\n"
        + "          history: " + LAKE + "." + SsbData.LINEORDER_HISTORY.name() + "\n"
        + "          recent: " + PINOT + "." + SsbHybrid.TABLE + "\n"
        + "          time-column: lo_orderdate\n";
  }

  /** The model; its {@code lineorder} reads the hybrid table or, without the real-time part, the lake table. */
  static String model(boolean hybrid) {
    return String.format(Locale.ROOT, MODEL, hybrid ? SsbHybrid.HYBRID_TABLE : LAKE + ".lineorder",
        hybrid ? "hybrid; history in the lake (Iceberg), the last days in Pinot" : "lake, Iceberg");
  }

  /**
   * The SSB star as a semantic model: measures on lineorder, the dimensions' attributes reachable from it. A format:
   * {@code lineorder}'s source and the words of its description go in.
   */
  private static final String MODEL = """
      # The Star Schema Benchmark as a semantic model (written by the SSB benchmark).
      tables:
        - name: lineorder
          source: %s
          description: One row per order line (%s).
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
