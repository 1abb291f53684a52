package io.meridian.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.engine.MeridianEngine;
import io.meridian.engine.rollup.RollupStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rollups end to end: events live in the lake (an Iceberg table, so rollups know its versions) and, row for row, in
 * PostgreSQL, which computes every expected value with plain SQL. Accounts live in PostgreSQL only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RollupTest {
  private static final String DB = "rollups";
  private static final String[] DEVICES = {"mobile", "desktop", "tv", "web"};
  private static final String[] COUNTRIES = {"GB", "US", "FR", "DE", "JP"};
  private static final String[] PLANS = {"free", "premium", "family"};

  private static TestingWarehouse warehouse;
  private static Path dir;
  private static Path config;
  private static Table events;
  private static LakeWriter writer;
  private static long nextId = 1;
  private static final Random RANDOM = new Random(20261121);

  @BeforeAll
  static void setUp() throws Exception {
    warehouse = TestingWarehouse.get();
    warehouse.postgres.createDatabase(DB);
    StringBuilder accounts = new StringBuilder("CREATE TABLE accounts (account_id int PRIMARY KEY, plan text, "
        + "region text);\nINSERT INTO accounts VALUES ");
    for (int a = 1; a <= 200; a++) {
      accounts.append(a == 1 ? "" : ", ").append("(").append(a).append(", ")
          .append(a % 17 == 0 ? "NULL" : "'" + PLANS[a % PLANS.length] + "'").append(", 'r").append(a % 4)
          .append("')");
    }
    warehouse.postgres.execute(DB, accounts + ";\n"
        + "CREATE TABLE events (id bigint PRIMARY KEY, account_id int, device text, country text, "
        + "amount numeric(12,2), duration int, ts timestamptz);");
    dir = Files.createTempDirectory("meridian-rollups");
    Catalog catalog = Catalogs.hadoop(dir.resolve("lake"));
    writer = LakeWriter.create(catalog);
    Schema schema = new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "account_id", Types.IntegerType.get()),
        Types.NestedField.optional(3, "device", Types.StringType.get()),
        Types.NestedField.optional(4, "country", Types.StringType.get()),
        Types.NestedField.optional(5, "amount", Types.DecimalType.of(12, 2)),
        Types.NestedField.optional(6, "duration", Types.IntegerType.get()),
        Types.NestedField.optional(7, "ts", Types.TimestampType.withZone()));
    events = writer.createTable(TableIdentifier.of("lake", "events"), schema,
        PartitionSpec.builderFor(schema).day("ts").build());
    append(6000, LocalDateTime.of(2024, 1, 1, 0, 0), 75 * 24);
    config = dir.resolve("meridian.yaml");
    Files.writeString(config, """
        sources:
          - name: lake
            kind: lake
            catalog: { type: hadoop, warehouse: lake }
            namespace: lake
          - name: warehouse
            kind: postgresql
            url: %s
            user: postgres
            password: ""
            freshness:
              version-query: "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE relname = '{table}'"
        default-schema: warehouse
        model: { path: model }
        rollups:
          catalog: { type: hadoop, warehouse: rollup-lake }
          refresh-check: 0s
        """.formatted(warehouse.postgres.jdbcUrl(DB)), StandardCharsets.UTF_8);
    Files.createDirectories(dir.resolve("model"));
    Files.writeString(dir.resolve("model/events.yaml"), """
        tables:
          - name: events
            source: lake.events
            primary_key: [id]
            dimensions:
              - name: device
              - name: country
              - name: ts
                type: time
              - name: is_long
                type: boolean
                expr: duration > 100
            measures:
              - name: events
                agg: count
              - name: long_events
                agg: count
                filter: duration > 100
              - name: amount
                agg: sum
              - name: max_amount
                agg: max
                expr: amount
              - name: min_amount
                agg: min
                expr: amount
              - name: avg_duration
                agg: avg
                expr: duration
              - name: accounts
                agg: count_distinct
                expr: account_id
            segments:
              - name: long_ones
                filter: duration > 100
          - name: accounts
            source: warehouse.accounts
            primary_key: [account_id]
            dimensions:
              - name: plan
              - name: region
        relationships:
          - name: events_account
            from: events
            to: accounts
            type: many_to_one
            on: events.account_id = accounts.account_id
        metrics:
          - name: amount_per_event
            type: ratio
            numerator: events.amount
            denominator: events.events
        rollups:
          - name: events_daily
            table: events
            dimensions: [device, country, accounts.plan]
            time: ts
            grain: day
            measures: [events, long_events, amount, max_amount, min_amount, avg_duration, accounts]
            refresh: { policy: incremental, every: 1h }
          - name: events_by_device
            table: events
            dimensions: [device]
            measures: [events, amount]
        """, StandardCharsets.UTF_8);
  }

  /** Appends {@code n} random events, in the lake (one commit) and in PostgreSQL, from {@code start} over hours. */
  private static void append(int n, LocalDateTime start, int hours) throws SQLException {
    List<Record> records = new ArrayList<>();
    try (Connection c = warehouse.postgres.connect(DB);
        PreparedStatement ps = c.prepareStatement("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < n; i++) {
        long id = nextId++;
        Integer account = RANDOM.nextInt(20) == 0 ? null : 1 + RANDOM.nextInt(200);
        String device = RANDOM.nextInt(30) == 0 ? null : DEVICES[RANDOM.nextInt(DEVICES.length)];
        String country = COUNTRIES[RANDOM.nextInt(COUNTRIES.length)];
        BigDecimal amount = RANDOM.nextInt(25) == 0 ? null
            : BigDecimal.valueOf(RANDOM.nextInt(100_000), 2);
        Integer duration = RANDOM.nextInt(40) == 0 ? null : RANDOM.nextInt(300);
        LocalDateTime at = start.plusSeconds(RANDOM.nextInt(hours * 3600));
        GenericRecord r = GenericRecord.create(events.schema());
        r.setField("id", id);
        r.setField("account_id", account);
        r.setField("device", device);
        r.setField("country", country);
        r.setField("amount", amount);
        r.setField("duration", duration);
        r.setField("ts", at.atOffset(java.time.ZoneOffset.UTC));
        records.add(r);
        ps.setLong(1, id);
        ps.setObject(2, account);
        ps.setString(3, device);
        ps.setString(4, country);
        ps.setBigDecimal(5, amount);
        ps.setObject(6, duration);
        ps.setObject(7, at.atOffset(java.time.ZoneOffset.UTC));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    writer.appendRecords(events, records);
  }

  private static String url() {
    return "jdbc:meridian:config=" + config;
  }

  private static MeridianEngine engine() throws SQLException {
    try (Connection c = DriverManager.getConnection(url())) {
      return MeridianEngine.shared(config);
    }
  }

  // ---------------------------------------------------------------------------------------------------- queries

  /** A semantic query and the plain SQL that PostgreSQL answers it with. */
  private record Case(String meridian, String postgres, String describe) {}

  private static final Map<String, String[]> GROUPS = Map.of(
      "device", new String[] {"device", "e.device"},
      "country", new String[] {"country", "e.country"},
      "plan", new String[] {"plan", "a.plan"},
      "ts__day", new String[] {"ts__day", "date_trunc('day', e.ts)"},
      "ts__week", new String[] {"ts__week", "date_trunc('week', e.ts)"},
      "ts__month", new String[] {"ts__month", "date_trunc('month', e.ts)"},
      "ts__quarter", new String[] {"ts__quarter", "date_trunc('quarter', e.ts)"},
      "ts__year", new String[] {"ts__year", "date_trunc('year', e.ts)"});

  private static final List<String[]> FILTERS = List.of(
      new String[] {null, null},
      new String[] {"device = 'tv'", "e.device = 'tv'"},
      new String[] {"country IN ('GB', 'FR')", "e.country IN ('GB', 'FR')"},
      new String[] {"plan <> 'free'", "a.plan <> 'free'"},
      new String[] {"plan IS NULL OR device IS NULL", "a.plan IS NULL OR e.device IS NULL"},
      new String[] {"ts__month >= TIMESTAMP '2024-02-01 00:00:00'", "date_trunc('month', e.ts) >= '2024-02-01'"},
      new String[] {"ts >= TIMESTAMP '2024-01-08 00:00:00' AND ts < TIMESTAMP '2024-02-05 00:00:00'",
          "e.ts >= '2024-01-08' AND e.ts < '2024-02-05'"},
      new String[] {"ts__day < TIMESTAMP '2024-01-20 00:00:00' AND device <> 'web'",
          "date_trunc('day', e.ts) < '2024-01-20' AND e.device <> 'web'"});

  private static final Map<String, String> MEASURES = Map.of(
      "events", "count(*)",
      "long_events", "count(*) FILTER (WHERE e.duration > 100)",
      "amount", "sum(e.amount)",
      "max_amount", "max(e.amount)",
      "min_amount", "min(e.amount)",
      "avg_duration", "avg(e.duration::float8)",
      "amount_per_event", "sum(e.amount)::float8 / NULLIF(count(*), 0)");

  private static Case randomCase(Random random, boolean distinct) {
    List<String> groupNames = new ArrayList<>(GROUPS.keySet());
    Collections.sort(groupNames);
    Collections.shuffle(groupNames, random);
    List<String> groups = new ArrayList<>(groupNames.subList(0, random.nextInt(4)));
    if (distinct) {
      // Not at the rollup's grain, so read from the sources, where two known limits of the source path (not of
      // rollups) would show: DuckDB cannot truncate to quarters, and weeks computed in Meridian after a join across
      // sources start on Sunday.
      groups.remove("ts__quarter");
      groups.remove("ts__week");
    }
    // At most one time grain per query keeps the cases readable.
    boolean seenTime = false;
    for (var it = groups.iterator(); it.hasNext(); ) {
      String g = it.next();
      if (g.startsWith("ts__")) {
        if (seenTime) {
          it.remove();
        }
        seenTime = true;
      }
    }
    String[] filter = FILTERS.get(random.nextInt(FILTERS.size()));
    List<String> measureNames = new ArrayList<>(MEASURES.keySet());
    Collections.sort(measureNames);
    Collections.shuffle(measureNames, random);
    List<String> measures = new ArrayList<>(measureNames.subList(0, 1 + random.nextInt(3)));
    if (distinct) {
      measures.add("accounts");
    }
    return build(groups, filter, measures);
  }

  private static Case build(List<String> groups, String[] filter, List<String> measures) {
    List<String> m = new ArrayList<>();
    List<String> p = new ArrayList<>();
    for (String g : groups) {
      m.add(GROUPS.get(g)[0]);
      p.add(GROUPS.get(g)[1]);
    }
    List<String> mSelect = new ArrayList<>(m);
    List<String> pSelect = new ArrayList<>(p);
    for (String measure : measures) {
      mSelect.add(measure);
      pSelect.add(measure.equals("accounts") ? "count(DISTINCT e.account_id)" : MEASURES.get(measure));
    }
    String order = groups.isEmpty() ? "" : " ORDER BY " + java.util.stream.IntStream.rangeClosed(1, groups.size())
        .mapToObj(i -> i + " NULLS LAST").collect(Collectors.joining(", "));
    String meridian = "SELECT " + String.join(", ", mSelect) + " FROM semantic.events"
        + (filter[0] == null ? "" : " WHERE " + filter[0])
        + (groups.isEmpty() ? "" : " GROUP BY " + String.join(", ", m)) + order;
    String postgres = "SELECT " + String.join(", ", pSelect)
        // Meridian presents timestamptz values in UTC: so does this query.
        + " FROM (SELECT id, account_id, device, country, amount, duration, ts AT TIME ZONE 'UTC' AS ts FROM events)"
        + " e LEFT JOIN accounts a ON a.account_id = e.account_id"
        + (filter[1] == null ? "" : " WHERE " + filter[1])
        + (groups.isEmpty() ? "" : " GROUP BY " + String.join(", ", p)) + order;
    return new Case(meridian, postgres, meridian);
  }

  private static List<String> rows(ResultSet rs) throws SQLException {
    List<String> rows = new ArrayList<>();
    ResultSetMetaData md = rs.getMetaData();
    while (rs.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        Object v = rs.getObject(i);
        if (v instanceof java.sql.Timestamp t) {
          v = t.toLocalDateTime();
        }
        if (v instanceof Double || v instanceof Float) {
          // Floating-point sums in another order differ in the last bits.
          v = new BigDecimal(((Number) v).doubleValue()).round(new java.math.MathContext(10)).stripTrailingZeros()
              .toPlainString();
        } else if (v instanceof BigDecimal d) {
          v = d.setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        }
        row.add(String.valueOf(v));
      }
      rows.add(String.join(" | ", row));
    }
    return rows;
  }

  private static List<String> meridian(String sql) throws SQLException {
    return meridian(sql, true);
  }

  private static List<String> meridian(String sql, boolean useRollups) throws SQLException {
    try (Connection c = DriverManager.getConnection(url() + ";useRollups=" + useRollups);
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    }
  }

  private static List<String> postgres(String sql) throws SQLException {
    try (Connection c = warehouse.postgres.connect(DB); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    }
  }

  private static String explain(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static RollupStatus status(String name) throws SQLException {
    return engine().rollups().list().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  // ---------------------------------------------------------------------------------------------------- tests

  @Test
  @Order(1)
  void notBuiltRollupsAreNotUsed() throws SQLException {
    Case c = build(List.of("device"), FILTERS.get(0), List.of("events"));
    String plan = explain(c.meridian());
    assertTrue(plan.contains("rollup events_daily not used for events.events: not built yet"), plan);
    assertEquals(postgres(c.postgres()), meridian(c.meridian()));
    assertEquals("missing", status("events_daily").state());
  }

  @Test
  @Order(2)
  void rollupAnswersEqualDirectAnswers() throws SQLException {
    List<String> progress = new ArrayList<>();
    engine().rollups().build("events_daily", progress::add);
    engine().rollups().build("events_by_device", progress::add);
    assertTrue(progress.stream().anyMatch(p -> p.startsWith("events_daily: committed snapshot")), progress.toString());
    assertEquals("fresh", status("events_daily").state());
    assertTrue(status("events_daily").inMemory());
    Random random = new Random(7);
    int fromRollup = 0;
    List<String> fromSource = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Case c = randomCase(random, i % 5 == 4);
      String plan = explain(c.meridian());
      boolean answered = plan.contains("rollup events_daily answered") || plan.contains("rollup events_by_device "
          + "answered");
      if (answered) {
        fromRollup++;
        assertFalse(plan.contains("lake: "), "a rollup answer reads no source\n" + plan);
      } else {
        fromSource.add(plan.substring(plan.indexOf("Rollups:")));
      }
      assertEquals(postgres(c.postgres()), meridian(c.meridian()), c.describe() + "\n" + plan);
    }
    assertTrue(fromRollup >= 40, "most random cases are answerable: " + fromRollup + "\n" + fromSource);
    // The exact grain answers distinct counts; the same query through the sources agrees.
    Case exact = build(List.of("device", "country", "plan", "ts__day"), FILTERS.get(1), List.of("accounts",
        "events"));
    assertTrue(explain(exact.meridian()).contains("rollup events_daily answered"), explain(exact.meridian()));
    assertEquals(postgres(exact.postgres()), meridian(exact.meridian()));
    assertEquals(meridian(exact.meridian(), false), meridian(exact.meridian()));
    assertTrue(status("events_daily").hits() > 0);
  }

  @Test
  @Order(3)
  void rollupsThatCannotAnswerAreNotUsedAndSayWhy() throws SQLException {
    Map<String, String> reasons = Map.of(
        "SELECT device, accounts FROM semantic.events GROUP BY device",
        "rollup events_daily not used for events.accounts: events.accounts is a distinct count, which"
            + " the rollup answers only grouped by all its dimensions at its own grain",
        "SELECT device, events FROM semantic.events WHERE ts > TIMESTAMP '2024-02-01 00:00:00' GROUP BY device",
        "rollup events_daily not used for events.events: WHERE uses ts, finer than or not a multiple of the "
            + "rollup's grain (events.ts by day)",
        "SELECT is_long, events FROM semantic.events GROUP BY is_long",
        "rollup events_daily not used for events.events: GROUP BY uses dimension events.is_long, which the rollup "
            + "does not hold",
        "SELECT device, events FROM semantic.events WHERE long_ones GROUP BY device",
        "rollup events_daily not used for events.events: WHERE uses segment events.long_ones, which the rollup "
            + "does not hold",
        "SELECT region, amount FROM semantic.events GROUP BY region",
        "rollup events_by_device not used for events.amount: GROUP BY uses dimension accounts.region, which the "
            + "rollup does not hold");
    for (var e : reasons.entrySet()) {
      String plan = explain(e.getKey());
      assertTrue(plan.contains(e.getValue()), plan);
      assertFalse(plan.contains("answered"), plan);
      assertTrue(plan.contains("lake: "), "read from the source\n" + plan);
    }
    String plan = explain("SELECT device, events FROM semantic.events GROUP BY device");
    assertTrue(plan.contains("rollup events_by_device answered events.events"), plan);
    // Not used when the caller asks for the sources.
    try (Connection c = DriverManager.getConnection(url() + ";useRollups=false"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR SELECT device, events FROM semantic.events GROUP BY device")) {
      rs.next();
      assertFalse(rs.getString(1).contains("Rollups:"), rs.getString(1));
    }
  }

  @Test
  @Order(4)
  void batchPlusFreshSeamNeitherDropsNorRepeatsRows() throws Exception {
    // New rows from the middle of the last day built on: that day is read from the source again, whole.
    append(700, LocalDateTime.of(2024, 3, 15, 12, 0), 6 * 24);
    RollupStatus behind = status("events_daily");
    assertEquals("behind", behind.state(), behind.toString());
    for (Case c : List.of(
        build(List.of("ts__month", "device"), FILTERS.get(0), List.of("events", "amount", "avg_duration")),
        build(List.of("ts__day"), FILTERS.get(3), List.of("long_events", "max_amount", "min_amount")),
        build(List.of(), FILTERS.get(0), List.of("events", "amount_per_event")),
        build(List.of("country", "plan", "device", "ts__day"), FILTERS.get(0), List.of("accounts")))) {
      String plan = explain(c.meridian());
      assertTrue(plan.contains("rollup events_daily answered") && plan.contains("for times before TIMESTAMP "
          + "'2024-03-15 00:00:00'"), plan);
      assertTrue(plan.contains("lake: "), "the fresh part reads the source\n" + plan);
      assertEquals(postgres(c.postgres()), meridian(c.meridian()), c.describe() + "\n" + plan);
    }
    // An incremental refresh recomputes from the seam on; the rollup is then fresh again and still exact.
    List<String> progress = new ArrayList<>();
    var result = engine().rollups().refresh("events_daily", progress::add);
    assertEquals("incremental", result.action(), progress.toString());
    assertEquals("fresh", status("events_daily").state());
    Case c = build(List.of("ts__week", "plan"), FILTERS.get(0), List.of("events", "amount"));
    assertTrue(explain(c.meridian()).contains("rollup events_daily answered events.events, events.amount\n"),
        explain(c.meridian()));
    assertEquals(postgres(c.postgres()), meridian(c.meridian()));
  }

  @Test
  @Order(5)
  void aNewEngineFindsTheBuiltRollup() throws Exception {
    // A changed configuration file gets a new engine for new connections, as a restarted server would be.
    Files.setLastModifiedTime(config, FileTime.fromMillis(Files.getLastModifiedTime(config).toMillis() + 5000));
    Case c = build(List.of("country"), FILTERS.get(2), List.of("events", "amount"));
    assertEquals(postgres(c.postgres()), meridian(c.meridian()));
    RollupStatus s = status("events_daily");
    assertEquals(0, s.builds(), "loaded, not built");
    assertEquals("fresh", s.state());
    assertTrue(explain(c.meridian()).contains("rollup events_daily answered"));
    try (Connection conn = DriverManager.getConnection(url()); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT name, state, row_count > 0, builds FROM meridian.rollups ORDER BY name")) {
      assertEquals(List.of("events_by_device | stale | true | 0", "events_daily | fresh | true | 0"), rows(rs));
    }
    // The same statistics for the server's metrics tooling, over JMX.
    var server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
    var names = server.queryNames(new javax.management.ObjectName("io.meridian:type=Rollups,*"), null);
    assertFalse(names.isEmpty());
    for (var name : names) {
      assertEquals(2, server.getAttribute(name, "Rollups"));
    }
  }

  @Test
  @Order(6)
  void anotherServerWithASmallMemoryReadsTheRollupFromIceberg() throws Exception {
    // A second configuration sharing the rollup catalog, as another server would, holding no rollup in memory.
    Path other = dir.resolve("other.yaml");
    Files.writeString(other, Files.readString(config).replace("refresh-check: 0s",
        "refresh-check: 0s\n  memory-max-rows: 0"), StandardCharsets.UTF_8);
    Case c = build(List.of("ts__month", "plan"), FILTERS.get(1), List.of("events", "amount", "avg_duration"));
    try (Connection conn = DriverManager.getConnection("jdbc:meridian:config=" + other);
        Statement s = conn.createStatement()) {
      ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + c.meridian());
      rs.next();
      String plan = rs.getString(1);
      assertTrue(plan.contains("rollup events_daily answered") && plan.contains("meridian_rollups_lake: "), plan);
      assertEquals(postgres(c.postgres()), rows(s.executeQuery(c.meridian())));
    }
  }

  @Test
  @Order(7)
  void aPreparedStatementPlannedOnAFreshRollupFailsAfterTheSourceChanges() throws Exception {
    Case c = build(List.of("device"), FILTERS.get(0), List.of("events"));
    try (Connection conn = DriverManager.getConnection(url());
        PreparedStatement ps = conn.prepareStatement(c.meridian())) {
      try (ResultSet rs = ps.executeQuery()) {
        assertEquals(postgres(c.postgres()), rows(rs));
      }
      append(10, LocalDateTime.of(2024, 3, 20, 0, 0), 24);
      SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> {
        try (ResultSet rs = ps.executeQuery()) {
          rows(rs);
        }
      });
      assertEquals("0A000", e.getSQLState());
      assertTrue(e.getMessage().contains("rollup events_daily changed since this statement was planned"),
          e.getMessage());
    }
    // A new statement plans for the rollup's new state and is exact.
    assertEquals(postgres(c.postgres()), meridian(c.meridian()));
  }

  @Test
  @Order(8)
  void aDeleteAtTheSourceMakesTheRollupStale() throws Exception {
    List<Record> keys = new ArrayList<>();
    Schema idOnly = events.schema().select("id");
    for (long id = 1; id <= 50; id++) {
      GenericRecord r = GenericRecord.create(idOnly);
      r.setField("id", id);
      keys.add(r);
    }
    events.refresh();
    writer.deleteWhereEquals(events, List.of("id"), keys);
    warehouse.postgres.execute(DB, "DELETE FROM events WHERE id <= 50");
    Case c = build(List.of("device"), FILTERS.get(0), List.of("events", "amount"));
    String plan = explain(c.meridian());
    assertTrue(plan.contains("rollup events_daily not used for events.events, events.amount: source table "
        + "lake.events changed since the build"), plan);
    assertTrue(plan.contains("not an append"), plan);
    assertEquals(postgres(c.postgres()), meridian(c.meridian()));
    assertEquals("full", engine().rollups().refresh("events_daily", m -> { }).action());
    assertTrue(explain(c.meridian()).contains("rollup events_daily answered"), explain(c.meridian()));
    assertEquals(postgres(c.postgres()), meridian(c.meridian()));
  }
}
