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
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.testing.TestingPostgreSql;
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

  /** Describes the demo database through JDBC metadata, as source {@code warehouse}. */
  private static final class JdbcCatalog implements PhysicalCatalog {
    @Override
    public boolean hasSource(String source) {
      return Demo.SOURCE.equals(source);
    }

    @Override
    public Optional<List<PhysicalColumn>> columns(String source, String table) {
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

    @Override
    public Optional<List<PhysicalColumn>> queryColumns(String source, String sql) {
      if (!hasSource(source)) {
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
  }
}
