package io.meridian.connector.lake;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.ExpressionParser;
import org.apache.iceberg.expressions.Expressions;

/**
 * What one lake scan reads: a table (an Iceberg table of the catalog, or a Parquet folder), at which snapshot, and the
 * filter Iceberg plans files with. It travels inside the SQL that the JDBC adapter generates, as the table name
 * {@code "__lake__"."<encoded>"}, so that a cached plan carries its scan and the files are planned afresh, against
 * the table's current snapshot, each time the query runs.
 *
 * @param table the table's name in the source
 * @param snapshotId a pinned snapshot, if any
 * @param asOfMillis a pinned point in time, if any
 * @param filter what Iceberg plans with; rows are still filtered exactly by DuckDB
 * @param runtimeFilters the runtime filters on this scan, by id, with the column each filters: at execution, the
 *     range of each filter's values narrows Iceberg's planning too
 */
public record LakeScanSpec(String table, Optional<Long> snapshotId, Optional<Long> asOfMillis, Expression filter,
    Map<Integer, String> runtimeFilters) {
  /** The schema name that marks lake scans in generated SQL. */
  public static final String MARKER = "__lake__";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TOKEN = Pattern.compile("\"" + MARKER + "\"\\.\"([A-Za-z0-9_\\-=]+)\"");

  public LakeScanSpec {
    requireNonNull(table, "table is null");
    requireNonNull(snapshotId, "snapshotId is null");
    requireNonNull(asOfMillis, "asOfMillis is null");
    requireNonNull(filter, "filter is null");
    runtimeFilters = Map.copyOf(runtimeFilters);
  }

  public static LakeScanSpec of(String table) {
    return new LakeScanSpec(table, Optional.empty(), Optional.empty(), Expressions.alwaysTrue(), Map.of());
  }

  public LakeScanSpec withFilter(Expression filter) {
    return new LakeScanSpec(table, snapshotId, asOfMillis, filter, runtimeFilters);
  }

  public LakeScanSpec withRuntimeFilters(Map<Integer, String> runtimeFilters) {
    return new LakeScanSpec(table, snapshotId, asOfMillis, filter, runtimeFilters);
  }

  /** The table name under {@link #MARKER}. */
  public String encode() {
    ObjectNode node = JSON.createObjectNode();
    node.put("t", table);
    snapshotId.ifPresent(s -> node.put("s", s));
    asOfMillis.ifPresent(a -> node.put("a", a));
    node.set("f", parse(ExpressionParser.toJson(filter)));
    if (!runtimeFilters.isEmpty()) {
      ObjectNode r = node.putObject("r");
      new TreeMap<>(runtimeFilters).forEach((id, column) -> r.put(String.valueOf(id), column));
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(node.toString().getBytes(StandardCharsets.UTF_8));
  }

  public static LakeScanSpec decode(String encoded) {
    try {
      JsonNode node = JSON.readTree(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
      return new LakeScanSpec(node.get("t").asText(),
          node.has("s") ? Optional.of(node.get("s").asLong()) : Optional.empty(),
          node.has("a") ? Optional.of(node.get("a").asLong()) : Optional.empty(),
          ExpressionParser.fromJson(node.get("f").toString()), runtimeFilters(node.get("r")));
    } catch (IOException e) {
      throw new UncheckedIOException("not a lake scan: " + encoded, e);
    }
  }

  private static Map<Integer, String> runtimeFilters(JsonNode node) {
    Map<Integer, String> filters = new TreeMap<>();
    if (node != null) {
      node.fields().forEachRemaining(e -> filters.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
    }
    return filters;
  }

  /** Finds the scans in a generated query. */
  public static Matcher find(String sql) {
    return TOKEN.matcher(sql);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
