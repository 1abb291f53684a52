package io.meridian.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.lake.write.Catalogs;
import io.meridian.testing.TestingPostgreSql;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the demo data set into a real PostgreSQL and checks it with plain SQL; writes the demo lake and checks it,
 * with Iceberg's own reader, against PostgreSQL's copy.
 */
class DemoDataTest {
  private static TestingPostgreSql postgres;
  private static DemoData.Summary summary;

  @TempDir
  static Path lakeDir;

  @BeforeAll
  static void load() throws SQLException {
    postgres = TestingPostgreSql.start();
    postgres.createDatabase("music");
    try (Connection c = postgres.connect("music")) {
      summary = new DemoData().load(c);
    }
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = postgres.connect("music"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void tableSizes() throws SQLException {
    assertEquals(DemoData.TABLES, List.copyOf(summary.rowCounts().keySet()));
    for (String table : DemoData.TABLES) {
      assertEquals(summary.rows(table), count("SELECT COUNT(*) FROM " + table), table);
    }
    assertEquals(DemoData.ACCOUNTS, summary.rows("accounts"));
    assertEquals(DemoData.ARTISTS, summary.rows("artists"));
    assertEquals(DemoData.TRACKS, summary.rows("tracks"));
    assertTrue(summary.rows("subscriptions") > DemoData.ACCOUNTS, "some accounts changed plans");
    assertTrue(summary.rows("payments") > 40_000 && summary.rows("payments") < 60_000,
        "about 50000 payments: " + summary.rows("payments"));
    assertEquals(DemoData.PLAYS, summary.rows("plays"));
  }

  @Test
  void referentialIntegrity() throws SQLException {
    assertEquals(0, count("SELECT COUNT(*) FROM tracks t LEFT JOIN artists a USING (artist_id) "
        + "WHERE a.artist_id IS NULL"));
    assertEquals(0, count("SELECT COUNT(*) FROM subscriptions s LEFT JOIN accounts a USING (account_id) "
        + "WHERE a.account_id IS NULL"));
    assertEquals(0, count("SELECT COUNT(*) FROM payments p LEFT JOIN subscriptions s USING (subscription_id) "
        + "WHERE s.subscription_id IS NULL"));
    // A payment belongs to its subscription's account, in its currency period, at its price.
    assertEquals(0, count("SELECT COUNT(*) FROM payments p JOIN subscriptions s USING (subscription_id) "
        + "WHERE p.account_id <> s.account_id OR p.amount <> s.monthly_price "
        + "OR p.paid_at < s.started_at AT TIME ZONE 'UTC' "
        + "OR p.paid_at > COALESCE(s.ended_at, TIMESTAMPTZ '2025-07-01 00:00:00+00') AT TIME ZONE 'UTC' + INTERVAL '2 hours'"));
    assertEquals(0, count("SELECT COUNT(*) FROM payments p JOIN subscriptions s USING (subscription_id) "
        + "WHERE s.plan = 'free'"));
    // A play belongs to an account that existed then, and lasts no longer than its track.
    assertEquals(0, count("SELECT COUNT(*) FROM plays p JOIN accounts a USING (account_id) "
        + "WHERE p.played_at <= a.created_at OR p.played_at >= TIMESTAMPTZ '2025-07-01 00:00:00+00'"));
    assertEquals(0, count("SELECT COUNT(*) FROM plays p JOIN tracks t USING (track_id) "
        + "WHERE p.ms_played > t.duration_ms"));
    // An account's subscriptions do not overlap.
    assertEquals(0, count("SELECT COUNT(*) FROM subscriptions a JOIN subscriptions b "
        + "ON a.account_id = b.account_id AND a.subscription_id < b.subscription_id "
        + "WHERE a.ended_at IS NULL OR b.started_at < a.ended_at"));
    // The keys are declared, so the planner and tools see them.
    assertEquals(6, count("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace"));
    assertEquals(6, count("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> postgres.execute("music",
        "INSERT INTO payments VALUES (0, 1, 999999, now(), 1, 'USD', 'paid')"));
    assertEquals("23503", ((SQLException) e.getCause()).getSQLState(), "foreign_key_violation");
  }

  @Test
  void realisticNulls() throws SQLException {
    long accounts = summary.rows("accounts");
    long noCity = count("SELECT COUNT(*) FROM accounts WHERE city IS NULL");
    long noBirthYear = count("SELECT COUNT(*) FROM accounts WHERE birth_year IS NULL");
    assertTrue(noCity > accounts / 20 && noCity < accounts / 5, "city NULL " + noCity);
    assertTrue(noBirthYear > accounts / 10 && noBirthYear < accounts / 4, "birth_year NULL " + noBirthYear);
    assertTrue(count("SELECT COUNT(*) FROM artists WHERE country IS NULL") > 0);
    assertTrue(count("SELECT COUNT(*) FROM artists WHERE genre IS NULL") > 0);
    assertTrue(count("SELECT COUNT(*) FROM tracks WHERE release_date IS NULL") > 0);
    assertTrue(count("SELECT COUNT(*) FROM subscriptions WHERE ended_at IS NULL") > 0);
    assertTrue(count("SELECT COUNT(*) FROM subscriptions WHERE ended_at IS NOT NULL") > 0);
    assertEquals(4, count("SELECT COUNT(DISTINCT plan) FROM subscriptions"));
    assertEquals(3, count("SELECT COUNT(DISTINCT status) FROM payments"));
    assertTrue(count("SELECT COUNT(*) FROM accounts WHERE city = 'São Paulo'") > 0, "UTF-8 text survives");
    long plays = summary.rows("plays");
    long noCountry = count("SELECT COUNT(*) FROM plays WHERE country IS NULL");
    assertTrue(noCountry > plays / 50 && noCountry < plays / 20, "plays.country NULL " + noCountry);
    assertTrue(count("SELECT COUNT(*) FROM tracks WHERE title LIKE '%\"%' OR title LIKE '%,%'") > 0,
        "quotes and commas survive COPY");
  }

  @Test
  void playsLookLikeListening() throws SQLException {
    long plays = summary.rows("plays");
    long skips = count("SELECT COUNT(*) FROM plays WHERE ms_played < 30000");
    assertTrue(skips > plays / 5 && skips < plays * 3 / 10, "about a quarter are skips: " + skips);
    assertEquals(6, count("SELECT COUNT(DISTINCT device) FROM plays"));
    long listeners = count("SELECT COUNT(DISTINCT account_id) FROM plays");
    assertTrue(listeners > DemoData.ACCOUNTS / 2, "most accounts listen: " + listeners);
    // Heavy listeners: the busiest tenth of accounts plays far more than a tenth of the plays.
    long top = count("SELECT SUM(n) FROM (SELECT COUNT(*) AS n FROM plays GROUP BY account_id "
        + "ORDER BY n DESC LIMIT " + DemoData.ACCOUNTS / 10 + ") t");
    assertTrue(top > plays / 5, "skewed listening: " + top);
  }

  @Test
  void sameSeedSameRows() {
    List<DemoData.Table> a = new DemoData(1, 42).generate();
    List<DemoData.Table> b = new DemoData(1, 42).generate();
    assertEquals(a, b);
    assertTrue(!a.equals(new DemoData(1, 43).generate()));
    assertEquals(2 * DemoData.ACCOUNTS, new DemoData(2, 42).generate().get(0).rows().size());
  }

  /** The lake holds the same plays as PostgreSQL, one data file per day, each file's rows within its day. */
  @Test
  void lakeHoldsThePlaysPartitionedByDay() throws Exception {
    DemoData data = new DemoData();
    Path warehouse = lakeDir.resolve("warehouse");
    DemoLake.State state = DemoLake.ensure(warehouse, data, data.plays());
    assertFalse(state.reused());
    assertEquals(DemoData.PLAYS, state.rows());

    Catalog catalog = Catalogs.hadoop(warehouse);
    Table table = catalog.loadTable(DemoLake.PLAYS);
    assertEquals(List.of("played_at_day"), table.spec().fields().stream().map(f -> f.name()).toList());
    assertEquals("day", table.spec().fields().get(0).transform().toString());

    // Iceberg's own reader: every row, aggregated here and compared with PostgreSQL's plain SQL.
    Map<LocalDate, Long> perDay = new TreeMap<>();
    long rows = 0;
    long playIds = 0;
    long msPlayed = 0;
    long noCountry = 0;
    Map<String, Long> perDevice = new TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record r : records) {
        rows++;
        playIds += (Long) r.getField("play_id");
        msPlayed += (Integer) r.getField("ms_played");
        noCountry += r.getField("country") == null ? 1 : 0;
        perDevice.merge((String) r.getField("device"), 1L, Long::sum);
        OffsetDateTime playedAt = (OffsetDateTime) r.getField("played_at");
        perDay.merge(playedAt.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate(), 1L, Long::sum);
      }
    }
    assertEquals(count("SELECT COUNT(*) FROM plays"), rows);
    assertEquals(count("SELECT SUM(play_id) FROM plays"), playIds);
    assertEquals(count("SELECT SUM(ms_played) FROM plays"), msPlayed);
    assertEquals(count("SELECT COUNT(*) FROM plays WHERE country IS NULL"), noCountry);
    assertEquals(count("SELECT COUNT(*) FROM plays WHERE device = 'tv'"), perDevice.get("tv"));
    Map<LocalDate, Long> expectedPerDay = new TreeMap<>();
    try (Connection c = postgres.connect("music"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT to_char(played_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COUNT(*) "
            + "FROM plays GROUP BY 1")) {
      while (rs.next()) {
        expectedPerDay.put(LocalDate.parse(rs.getString(1)), rs.getLong(2));
      }
    }
    assertEquals(expectedPerDay, perDay);

    // One file per day partition, and each file's played_at bounds fall within its partition's day.
    assertEquals(expectedPerDay.size(), state.partitions());
    assertEquals(expectedPerDay.size(), state.dataFiles());
    int playedAtId = DemoLake.SCHEMA.findField("played_at").fieldId();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        LocalDate day = LocalDate.ofEpochDay(task.file().partition().get(0, Integer.class));
        for (ByteBuffer bound : List.of(task.file().lowerBounds().get(playedAtId),
            task.file().upperBounds().get(playedAtId))) {
          long micros = Conversions.fromByteBuffer(Types.TimestampType.withZone(), bound);
          assertEquals(day, LocalDate.ofEpochDay(Math.floorDiv(micros, 86_400_000_000L)), task.file().location());
        }
      }
    }

    // A second start reuses the table; another seed or scale would not.
    DemoLake.State again = DemoLake.ensure(warehouse, data, data.plays());
    assertTrue(again.reused());
    assertEquals(state.snapshotId(), again.snapshotId());
    assertTrue(DemoLake.isCurrent(warehouse, data));
    assertFalse(DemoLake.isCurrent(warehouse, new DemoData(1, 43)));
    assertFalse(DemoLake.isCurrent(warehouse, new DemoData(2, DemoData.DEFAULT_SEED)));
    if (catalog instanceof Closeable closeable) {
      closeable.close();
    }
  }

  @Test
  void scaleIsChecked() {
    assertThrows(IllegalArgumentException.class, () -> new DemoData(0, 1));
  }
}
