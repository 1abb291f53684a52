package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.sql.type.SqlTypeName;

/** A {@link PhysicalCatalog} held in maps: source to table to columns, and source to query to columns. */
final class TestingCatalog implements PhysicalCatalog {
  private final Map<String, Map<String, List<PhysicalColumn>>> tables = new LinkedHashMap<>();
  private final Map<String, Map<String, List<PhysicalColumn>>> queries = new LinkedHashMap<>();

  /** The warehouse most tests use. */
  static TestingCatalog warehouse() {
    return new TestingCatalog()
        .table("warehouse", "accounts",
            column("account_id", SqlTypeName.INTEGER), column("email", SqlTypeName.VARCHAR),
            column("country", SqlTypeName.CHAR), column("signup_date", SqlTypeName.DATE),
            column("created_at", SqlTypeName.TIMESTAMP), column("is_test", SqlTypeName.BOOLEAN))
        .table("warehouse", "plays",
            column("play_id", SqlTypeName.BIGINT), column("account_id", SqlTypeName.INTEGER),
            column("track_id", SqlTypeName.INTEGER), column("played_at", SqlTypeName.TIMESTAMP),
            column("ms_played", SqlTypeName.INTEGER), column("device", SqlTypeName.VARCHAR),
            column("country", SqlTypeName.CHAR))
        .table("warehouse", "tracks",
            column("track_id", SqlTypeName.INTEGER), column("artist_id", SqlTypeName.INTEGER),
            column("title", SqlTypeName.VARCHAR), column("explicit", SqlTypeName.BOOLEAN))
        .table("warehouse", "artists",
            column("artist_id", SqlTypeName.INTEGER), column("name", SqlTypeName.VARCHAR),
            column("genre", SqlTypeName.VARCHAR))
        .table("warehouse", "payments",
            column("payment_id", SqlTypeName.INTEGER), column("account_id", SqlTypeName.INTEGER),
            column("paid_at", SqlTypeName.TIMESTAMP), column("amount", SqlTypeName.DECIMAL),
            column("currency", SqlTypeName.CHAR), column("status", SqlTypeName.VARCHAR));
  }

  static PhysicalColumn column(String name, SqlTypeName type) {
    return new PhysicalColumn(name, type, true);
  }

  TestingCatalog table(String source, String table, PhysicalColumn... columns) {
    tables.computeIfAbsent(source, s -> new LinkedHashMap<>()).put(table, List.of(columns));
    return this;
  }

  TestingCatalog query(String source, String sql, PhysicalColumn... columns) {
    queries.computeIfAbsent(source, s -> new LinkedHashMap<>()).put(sql, List.of(columns));
    tables.computeIfAbsent(source, s -> new LinkedHashMap<>());
    return this;
  }

  @Override
  public boolean hasSource(String source) {
    return tables.containsKey(requireNonNull(source, "source is null"));
  }

  @Override
  public Optional<List<PhysicalColumn>> columns(String source, String table) {
    return Optional.ofNullable(tables.getOrDefault(source, Map.of()).get(table));
  }

  @Override
  public Optional<List<PhysicalColumn>> queryColumns(String source, String sql) {
    if (!hasSource(source)) {
      return Optional.empty();
    }
    List<PhysicalColumn> columns = queries.getOrDefault(source, Map.of()).get(sql);
    if (columns == null) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "syntax error at or near \"SELEC\"");
    }
    return Optional.of(columns);
  }
}
