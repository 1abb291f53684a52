package io.meridian.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.semantic.CumulativeMetric;
import io.meridian.semantic.DerivedMetric;
import io.meridian.semantic.Metric;
import io.meridian.semantic.ModelLoader;
import io.meridian.semantic.PhysicalCatalog;
import io.meridian.semantic.PhysicalColumn;
import io.meridian.semantic.RatioMetric;
import io.meridian.semantic.SemanticModel;
import io.meridian.semantic.SemanticTable;
import io.meridian.semantic.TableSource;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.testing.TestingPostgreSql;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo company's semantic model loads cleanly against the real demo tables in PostgreSQL. */
class DemoModelTest {
  private static TestingPostgreSql postgres;

  @TempDir
  Path dir;

  @BeforeAll
  static void load() throws SQLException {
    postgres = TestingPostgreSql.start();
    postgres.createDatabase("music");
    try (Connection c = postgres.connect("music")) {
      new DemoData().load(c);
    }
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  /**
   * Describes the demo database through JDBC metadata, as source {@code warehouse}, and the lake's table of plays
   * through its Iceberg schema, as source {@code lake}.
   */
  private static final class JdbcCatalog implements PhysicalCatalog {
    @Override
    public boolean hasSource(String source) {
      return Demo.SOURCE.equals(source) || Demo.LAKE_SOURCE.equals(source);
    }

    @Override
    public Optional<List<PhysicalColumn>> columns(String source, String table) {
      if (Demo.LAKE_SOURCE.equals(source)) {
        return table.equals(DemoLake.PLAYS.name()) ? Optional.of(lakeColumns()) : Optional.empty();
      }
      if (!hasSource(source)) {
        return Optional.empty();
      }
      try (Connection c = postgres.connect(Demo.DATABASE)) {
        DatabaseMetaData meta = c.getMetaData();
        List<PhysicalColumn> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, "public", table, null)) {
          while (rs.next()) {
            columns.add(new PhysicalColumn(rs.getString("COLUMN_NAME"), type(rs.getInt("DATA_TYPE")),
                rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
          }
        }
        return columns.isEmpty() ? Optional.empty() : Optional.of(columns);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }

    private static List<PhysicalColumn> lakeColumns() {
      return DemoLake.SCHEMA.columns().stream().map(field -> new PhysicalColumn(field.name(),
          switch (field.type().typeId()) {
            case LONG -> SqlTypeName.BIGINT;
            case INTEGER -> SqlTypeName.INTEGER;
            case TIMESTAMP -> SqlTypeName.TIMESTAMP;
            case STRING -> SqlTypeName.VARCHAR;
            default -> throw new IllegalStateException("unexpected type in the demo lake: " + field);
          }, field.isOptional())).toList();
    }

    @Override
    public Optional<List<PhysicalColumn>> queryColumns(String source, String sql) {
      if (!Demo.SOURCE.equals(source)) {
        return Optional.empty();
      }
      try (Connection c = postgres.connect(Demo.DATABASE); PreparedStatement ps = c.prepareStatement(sql)) {
        ResultSetMetaData meta = ps.getMetaData();
        List<PhysicalColumn> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          columns.add(new PhysicalColumn(meta.getColumnLabel(i), type(meta.getColumnType(i)),
              meta.isNullable(i) != ResultSetMetaData.columnNoNulls));
        }
        return Optional.of(columns);
      } catch (SQLException e) {
        throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, e.getMessage(), e);
      }
    }

    private static SqlTypeName type(int jdbcType) {
      SqlTypeName name = SqlTypeName.getNameForJdbcType(jdbcType);
      return name == null ? SqlTypeName.ANY : name;
    }
  }

  @Test
  void demoModelIsValid() throws Exception {
    Demo.writeModel(dir);
    SemanticModel model = ModelLoader.load(dir, new JdbcCatalog());

    assertEquals(List.of("accounts", "subscriptions", "current_plans", "artists", "tracks", "plays", "payments"),
        model.tables().stream().map(SemanticTable::name).toList());
    for (String measure : List.of("plays.streams", "plays.listeners", "plays.listening_hours", "payments.revenue",
        "payments.paying_accounts")) {
      String[] parts = measure.split("\\.");
      assertTrue(model.measure(parts[0], parts[1]).isPresent(), measure);
    }
    assertTrue(model.metric("arpu").orElseThrow() instanceof RatioMetric);
    assertTrue(model.metric("premium_conversion_rate").orElseThrow() instanceof RatioMetric);
    assertTrue(model.metric("skip_rate").orElseThrow() instanceof RatioMetric);
    assertTrue(model.metric("net_revenue").orElseThrow() instanceof DerivedMetric);
    assertTrue(model.metric("streams_7d").orElseThrow() instanceof CumulativeMetric);
    assertEquals(List.of("premium_conversion_rate", "skip_rate", "hours_per_listener", "streams_running_total",
        "streams_7d", "arpu", "net_revenue", "revenue_to_date"), model.metrics().stream().map(Metric::name).toList());

    // Revenue reaches the account's country through the subscription, and plays reach the artist through the track.
    assertEquals(List.of("payments_subscription", "subscriptions_account"), model.joinPath("payments", "accounts")
        .steps().stream().map(s -> s.relationship().name()).toList());
    assertEquals(List.of("plays_track", "tracks_artist"), model.joinPath("plays", "artists")
        .steps().stream().map(s -> s.relationship().name()).toList());
    // Plays come from the lake; the tables they join live in the warehouse.
    assertEquals("lake.plays", source(model, "plays"));
    assertEquals("warehouse.accounts", source(model, "accounts"));
    assertEquals("warehouse.tracks", source(model, "tracks"));
  }

  private static String source(SemanticModel model, String table) {
    TableSource.Table source = (TableSource.Table) model.table(table).orElseThrow().source();
    return source.source() + "." + source.table();
  }

  /** Every demo model file appears in docs/semantic-model.md exactly as it is, so the docs show the real model. */
  @Test
  void docsShowTheDemoModel() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "semantic-model.md"), StandardCharsets.UTF_8);
    for (String name : Demo.MODEL_FILES) {
      String heading = "### `" + name + "`\n```yaml\n";
      int start = docs.indexOf(heading);
      assertTrue(start >= 0, "docs/semantic-model.md has no section for " + name);
      int from = start + heading.length();
      String shown = docs.substring(from, docs.indexOf("```", from));
      try (InputStream in = Demo.class.getResourceAsStream("/demo-model/" + name)) {
        assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), shown, name);
      }
    }
  }
}
