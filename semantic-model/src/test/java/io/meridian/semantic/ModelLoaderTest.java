package io.meridian.semantic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads real model files from a temporary folder; every expected problem names its file, line and column. */
class ModelLoaderTest {
  @TempDir
  Path dir;

  private static final String LISTENING = """
      tables:
        - name: plays
          description: One row per play of a track.
          owner: listening-team@example.com
          tags: [listening, core]
          certified: true
          source: warehouse.plays
          primary_key: [play_id]
          dimensions:
            - name: played_at
              type: time
              description: When the play started (UTC).
            - name: device
            - name: is_skip
              type: boolean
              expr: ms_played < 30000
            - name: minutes_played
              type: numeric
              expr: ms_played / 60000
            - name: played_day
              type: time
              expr: "CAST(played_at AS DATE)"
              grains: [month, day]
          measures:
            - name: plays
              agg: count
            - name: streams
              agg: count
              filter: ms_played >= 30000
              description: Plays of 30 seconds or more.
            - name: skips
              agg: count
              filter: NOT (plays.ms_played >= 30000)
            - name: listeners
              agg: count_distinct
              expr: account_id
            - name: listening_hours
              agg: sum
              expr: ms_played / 3600000.0
            - name: last_played_at
              agg: max
              expr: played_at
          segments:
            - name: full_plays
              filter: ms_played >= 30000
        - name: accounts
          source: warehouse.accounts
          primary_key: [account_id]
          dimensions:
            - name: country
            - name: signup_date
              type: time
          measures:
            - name: accounts
              agg: count
        - name: tracks
          source: warehouse.tracks
          primary_key: [track_id]
          dimensions:
            - name: title
            - name: explicit
              type: boolean
        - name: artists
          source: warehouse.artists
          primary_key: [artist_id]
          dimensions:
            - name: genre
      relationships:
        - name: plays_account
          from: plays
          to: accounts
          type: many_to_one
          on: plays.account_id = accounts.account_id
        - name: plays_track
          from: plays
          to: tracks
          type: many_to_one
          on: "plays.track_id = tracks.track_id"
        - name: artist_tracks
          from: artists
          to: tracks
          type: one_to_many
          on: artists.artist_id = tracks.artist_id
      metrics:
        - name: skip_rate
          type: ratio
          numerator: plays.skips
          denominator: plays.plays
        - name: stream_share
          type: derived
          expr: 1 - skip_rate
          certified: true
        - name: streams_running_total
          type: cumulative
          measure: plays.streams
          time: plays.played_at
        - name: streams_7d
          type: cumulative
          measure: plays.streams
          time: plays.played_at
          window: 7 days
          grain: day
      """;

  private static final String REVENUE = """
      tables:
        - name: payments
          sql: SELECT * FROM payments WHERE status = 'paid'
          source_name: warehouse
          dimensions:
            - name: paid_at
              type: time
            - name: currency
          measures:
            - name: revenue
              agg: sum
              expr: amount
            - name: paying_accounts
              agg: count_distinct
              expr: account_id
      relationships:
        - name: payments_account
          from: payments
          to: accounts
          type: many_to_one
          on: payments.account_id = accounts.account_id
      metrics:
        - name: arpu
          type: ratio
          numerator: payments.revenue
          denominator: payments.paying_accounts
          owner: finance@example.com
        - name: revenue_per_account
          type: derived
          expr: payments.revenue / NULLIF(accounts.accounts, 0)
      """;

  private TestingCatalog catalog() {
    return TestingCatalog.warehouse().query("warehouse", "SELECT * FROM payments WHERE status = 'paid'",
        TestingCatalog.column("payment_id", SqlTypeName.INTEGER),
        TestingCatalog.column("account_id", SqlTypeName.INTEGER),
        TestingCatalog.column("paid_at", SqlTypeName.TIMESTAMP),
        TestingCatalog.column("amount", SqlTypeName.DECIMAL),
        TestingCatalog.column("currency", SqlTypeName.CHAR));
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private SemanticModel load() {
    return ModelLoader.load(dir, catalog());
  }

  /** The problems of loading the folder, each as {@code file-name:line:column: message}. */
  private List<String> problems() {
    ModelException e = assertThrows(ModelException.class, this::load);
    assertEquals(ErrorCode.INVALID_CONFIGURATION, e.errorCode());
    List<String> lines = e.problems().stream().map(p -> p.position().file().getFileName() + ":"
        + p.position().line() + ":" + p.position().column() + ": " + p.message()).toList();
    assertEquals(e.problems().stream().map(ModelProblem::toString).toList(), List.of(e.getMessage().split("\n")));
    return lines;
  }

  private List<String> problems(String text) throws IOException {
    write("model.yaml", text);
    return problems();
  }

  @Test
  void validModel() throws IOException {
    write("10-listening.yaml", LISTENING);
    write("20-revenue.yml", REVENUE);
    write("README.txt", "not a model file");
    SemanticModel model = load();

    assertEquals(List.of("plays", "accounts", "tracks", "artists", "payments"),
        model.tables().stream().map(SemanticTable::name).toList());
    SemanticTable plays = model.table("plays").orElseThrow();
    assertEquals(new TableSource.Table("warehouse", "plays"), plays.source());
    assertEquals(List.of("play_id"), plays.primaryKey());
    assertEquals(new Metadata(Optional.of("One row per play of a track."), Optional.of("listening-team@example.com"),
        List.of("listening", "core"), true), plays.metadata());
    assertEquals(new SourcePosition(dir.resolve("10-listening.yaml"), 2, 5), plays.position());

    Dimension playedAt = plays.dimension("played_at").orElseThrow();
    assertEquals(DimensionKind.TIME, playedAt.kind());
    assertEquals("played_at", playedAt.expr().sql(), "the name is the default expression");
    assertEquals(SqlKind.IDENTIFIER, playedAt.expr().node().getKind());
    assertEquals(TimeGrain.ALL, playedAt.grains());
    assertEquals(new SourcePosition(dir.resolve("10-listening.yaml"), 10, 9), playedAt.position());
    assertEquals(DimensionKind.CATEGORICAL, plays.dimension("device").orElseThrow().kind());
    assertEquals(List.of(), plays.dimension("device").orElseThrow().grains());
    assertEquals(List.of(TimeGrain.DAY, TimeGrain.MONTH), plays.dimension("played_day").orElseThrow().grains(),
        "finest first, whatever the order written");
    assertEquals(SqlKind.LESS_THAN, plays.dimension("is_skip").orElseThrow().expr().node().getKind());
    assertEquals(TimeGrain.DATE_GRAINS, model.table("accounts").orElseThrow().dimension("signup_date").orElseThrow()
        .grains(), "no hours for a date");

    Measure playsCount = plays.measure("plays").orElseThrow();
    assertEquals(Aggregation.COUNT, playsCount.aggregation());
    assertEquals(Optional.empty(), playsCount.expr(), "count without expr counts rows");
    Measure streams = plays.measure("streams").orElseThrow();
    assertEquals("ms_played >= 30000", streams.filter().orElseThrow().sql());
    assertEquals(Optional.of("Plays of 30 seconds or more."), streams.metadata().description());
    assertEquals("ms_played / 3600000.0", plays.measure("listening_hours").orElseThrow().expr().orElseThrow().sql());
    assertEquals(Aggregation.COUNT_DISTINCT, plays.measure("listeners").orElseThrow().aggregation());
    assertEquals("ms_played >= 30000", plays.segment("full_plays").orElseThrow().filter().sql());

    SemanticTable payments = model.table("payments").orElseThrow();
    assertEquals(new TableSource.Query("warehouse", "SELECT * FROM payments WHERE status = 'paid'"),
        payments.source());

    Relationship playsAccount = model.relationship("plays_account").orElseThrow();
    assertEquals(RelationshipKind.MANY_TO_ONE, playsAccount.kind());
    assertEquals(List.of(new Relationship.Key("account_id", "account_id")), playsAccount.keys());

    JoinPath path = model.joinPath("plays", "artists");
    assertEquals(List.of("plays_track", "artist_tracks"),
        path.steps().stream().map(s -> s.relationship().name()).toList());
    assertEquals(new JoinPath.Step(model.relationship("artist_tracks").orElseThrow(), "tracks", "artists",
        List.of(new Relationship.Key("artist_id", "artist_id"))), path.steps().get(1));
    assertEquals(List.of(), model.joinPath("plays", "plays").steps());
    MeridianException fanOut = assertThrows(MeridianException.class, () -> model.joinPath("accounts", "plays"));
    assertEquals(ErrorCode.VALIDATION_ERROR, fanOut.errorCode());
    assertTrue(fanOut.getMessage().startsWith("no relationship joins table 'accounts' to 'plays'"),
        fanOut.getMessage());

    assertEquals(new RatioMetric("skip_rate", new MetricInput.MeasureRef("plays", "skips"),
        new MetricInput.MeasureRef("plays", "plays"), Metadata.EMPTY,
        new SourcePosition(dir.resolve("10-listening.yaml"), 85, 5)), model.metric("skip_rate").orElseThrow());
    DerivedMetric share = (DerivedMetric) model.metric("stream_share").orElseThrow();
    assertEquals(List.of(new MetricInput.MetricRef("skip_rate")), share.inputs());
    assertTrue(share.metadata().certified());
    CumulativeMetric running = (CumulativeMetric) model.metric("streams_running_total").orElseThrow();
    assertEquals(Optional.empty(), running.window());
    assertEquals(TimeGrain.DAY, running.grain());
    assertEquals("played_at", running.timeDimension());
    CumulativeMetric trailing = (CumulativeMetric) model.metric("streams_7d").orElseThrow();
    assertEquals(Optional.of(new CumulativeMetric.TrailingWindow(7, TimeGrain.DAY)), trailing.window());
    DerivedMetric perAccount = (DerivedMetric) model.metric("revenue_per_account").orElseThrow();
    assertEquals(List.of(new MetricInput.MeasureRef("payments", "revenue"),
        new MetricInput.MeasureRef("accounts", "accounts")), perAccount.inputs());
    assertInstanceOf(RatioMetric.class, model.metric("arpu").orElseThrow());
    assertEquals(Optional.of("finance@example.com"), model.metric("arpu").orElseThrow().metadata().owner());
  }

  @Test
  void aggregationsKnowHowToCombine() {
    assertTrue(Aggregation.SUM.isAdditive());
    assertTrue(Aggregation.COUNT.isAdditive());
    assertEquals(Optional.of(Aggregation.SUM), Aggregation.COUNT.reaggregation());
    assertEquals(Optional.of(Aggregation.MIN), Aggregation.MIN.reaggregation());
    assertEquals(Optional.of(Aggregation.MAX), Aggregation.MAX.reaggregation());
    assertEquals(Optional.empty(), Aggregation.COUNT_DISTINCT.reaggregation());
    assertEquals(Optional.empty(), Aggregation.AVG.reaggregation());
    assertTrue(!Aggregation.AVG.isAdditive() && !Aggregation.MIN.isAdditive());
    assertEquals("played_at__month", TimeGrain.MONTH.columnName("played_at"));
    assertEquals("__quarter", TimeGrain.QUARTER.suffix());
    assertEquals("week", TimeGrain.WEEK.dateTruncUnit());
    assertEquals(org.apache.calcite.avatica.util.TimeUnitRange.HOUR, TimeGrain.HOUR.timeUnit());
  }

  @Test
  void yamlSyntax() throws IOException {
    assertEquals(List.of("model.yaml:3:28: invalid YAML: mapping values are not allowed here"), problems("""
        tables:
          - name: plays
            source: warehouse.plays: x
        """));
  }

  @Test
  void unknownKeysListTheExpectedOnes() throws IOException {
    assertEquals(List.of(
        "model.yaml:1:1: unknown key 'table' in model file; expected one of: metrics, relationships, rollups, tables",
        "model.yaml:3:5: table 'plays' has no 'source' (<source>.<table>) or 'sql' (with 'source_name')",
        "model.yaml:4:5: unknown key 'sorce' in table 'plays'; expected one of: certified, description, dimensions,"
            + " measures, name, owner, primary_key, segments, source, source_name, sql, tags",
        "model.yaml:6:9: measure 'plays' of table 'plays' has no 'agg'",
        "model.yaml:7:9: unknown key 'aggregation' in measure 'plays' of table 'plays'; expected one of: agg,"
            + " certified, description, expr, filter, name, owner, tags"), problems("""
        table: []
        tables:
          - name: plays
            sorce: warehouse.plays
            measures:
              - name: plays
                aggregation: count
        """));
  }

  @Test
  void duplicateNames() throws IOException {
    write("a.yaml", """
        tables:
          - name: plays
            source: warehouse.plays
            dimensions:
              - name: device
              - name: device
            measures:
              - name: device
                agg: count
              - name: streams
                agg: count
            segments:
              - name: streams
                filter: ms_played > 0
        metrics:
          - name: streams
            type: derived
            expr: plays.streams
        """);
    write("b.yaml", """
        tables:
          - name: plays
            source: warehouse.plays
        metrics:
          - name: stream_total
            type: derived
            expr: plays.streams
          - name: stream_total
            type: derived
            expr: plays.streams
        """);
    assertEquals(List.of(
        "a.yaml:6:15: duplicate name 'device' in table 'plays': already a dimension (line 5)",
        "a.yaml:8:15: duplicate name 'device' in table 'plays': already a dimension (line 5)",
        "a.yaml:13:15: duplicate name 'streams' in table 'plays': already a measure (line 10)",
        "a.yaml:16:11: metric 'streams' has the name of measure plays.streams; every measure is a metric already,"
            + " so the names must differ",
        "b.yaml:2:11: duplicate table 'plays' (first declared at " + dir.resolve("a.yaml") + ":2:5)",
        "b.yaml:8:11: duplicate metric 'stream_total' (first declared at " + dir.resolve("b.yaml") + ":5:11)"),
        problems());
  }

  @Test
  void unknownSourcesAndTables() throws IOException {
    assertEquals(List.of(
        "model.yaml:3:13: unknown source 'lake' in 'source' of table 'plays'",
        "model.yaml:5:13: unknown table 'play' in source 'warehouse' ('source' of table 'accounts')",
        "model.yaml:7:13: 'source' of table 'tracks' must be <source>.<table>, got 'tracks'",
        "model.yaml:9:10: 'sql' of table 'artists' fails on source 'warehouse': syntax error at or near \"SELEC\"",
        "model.yaml:13:18: unknown source 'lake' in 'source_name' of table 'payments'"), problems("""
        tables:
          - name: plays
            source: lake.plays
          - name: accounts
            source: warehouse.play
          - name: tracks
            source: tracks
          - name: artists
            sql: SELEC 1
            source_name: warehouse
          - name: payments
            sql: SELECT 1
            source_name: lake
        """));
  }

  @Test
  void unknownColumnsInEveryExpression() throws IOException {
    String columns = "; columns of warehouse.plays: play_id, account_id, track_id, played_at, ms_played, device,"
        + " country";
    assertEquals(List.of(
        "model.yaml:4:28: unknown column 'id' in primary_key of table 'plays'" + columns,
        "model.yaml:6:15: unknown column 'platform' in 'expr' of dimension 'platform' of table 'plays'" + columns,
        "model.yaml:8:16: unknown column 'ms' in 'expr' of dimension 'long_play' of table 'plays'" + columns,
        "model.yaml:12:17: unknown column 'ms_playd' in 'filter' of measure 'streams' of table 'plays'" + columns,
        "model.yaml:15:15: 'accounts.account_id' in 'expr' of measure 'listeners' of table 'plays' is not a column"
            + " of table 'plays' (write <column> or plays.<column>)",
        "model.yaml:18:18: unknown column 'duration' in 'filter' of segment 'long' of table 'plays'" + columns,
        "model.yaml:24:28: unknown column 'acount_id' in 'on' of relationship 'plays_account'; columns of"
            + " warehouse.accounts: account_id, email, country, signup_date, created_at, is_test"), problems("""
        tables:
          - name: plays
            source: warehouse.plays
            primary_key: [play_id, id]
            dimensions:
              - name: platform
              - name: long_play
                expr: "ms > 60000 OR ms_played > 60000"
            measures:
              - name: streams
                agg: count
                filter: ms_playd >= 30000
              - name: listeners
                agg: count_distinct
                expr: accounts.account_id
            segments:
              - name: long
                filter: "duration > 1"
          - name: accounts
            source: warehouse.accounts
        relationships:
          - name: plays_account
            from: plays
            on: plays.account_id = accounts.acount_id
            to: accounts
            type: many_to_one
        """));
  }

  @Test
  void typeMismatches() throws IOException {
    assertEquals(List.of(
        "model.yaml:6:15: boolean dimension 'skipped' of table 'plays' must be a condition or a boolean column,"
            + " but 'ms_played' is numeric",
        "model.yaml:9:15: time dimension 'when' of table 'plays' must be a date or timestamp, but 'device' is text",
        "model.yaml:12:15: numeric dimension 'seconds' of table 'plays' must be numeric, but 'device = 'tv'' is"
            + " boolean",
        "model.yaml:16:15: sum measure 'devices' of table 'plays' needs a numeric expression, but 'device' is text",
        "model.yaml:19:15: avg measure 'avg_country' of table 'plays' needs a numeric expression, but"
            + " 'country' is text",
        "model.yaml:22:15: max measure 'any_explicit' of table 'plays' needs numbers, text, dates or times, but"
            + " 'ms_played > 0' is boolean",
        "model.yaml:26:17: 'filter' of measure 'odd' of table 'plays' must be a condition, but 'ms_played + 1' is"
            + " numeric"), problems("""
        tables:
          - name: plays
            source: warehouse.plays
            dimensions:
              - name: skipped
                expr: ms_played
                type: boolean
              - name: when
                expr: device
                type: time
              - name: seconds
                expr: device = 'tv'
                type: numeric
            measures:
              - name: devices
                expr: device
                agg: sum
              - name: avg_country
                expr: country
                agg: avg
              - name: any_explicit
                expr: ms_played > 0
                agg: max
              - name: odd
                agg: count
                filter: ms_played + 1
        """));
  }

  @Test
  void unknownGrains() throws IOException {
    assertEquals(List.of(
        "model.yaml:7:23: unknown grain 'fortnight' of dimension 'played_at' of table 'plays'; expected one of:"
            + " hour, day, week, month, quarter, year",
        "model.yaml:9:9: only time dimensions have grains; dimension 'device' of table 'plays' is categorical",
        "model.yaml:18:18: grain 'hour' does not apply to dimension 'signup_date' of table 'accounts': its values are"
            + " dates",
        "model.yaml:25:12: unknown grain 'decade' of metric 'streams_total'; expected one of: hour, day, week,"
            + " month, quarter, year"), problems("""
        tables:
          - name: plays
            source: warehouse.plays
            dimensions:
              - name: played_at
                type: time
                grains: [day, fortnight]
              - name: device
                grains: [day]
            measures:
              - name: streams
                agg: count
          - name: accounts
            source: warehouse.accounts
            dimensions:
              - name: signup_date
                type: time
                grains: [hour, day]
        metrics:
          - name: streams_total
            type: cumulative
            measure: plays.streams
            time: plays.played_at
            window: unbounded
            grain: decade
        """));
  }

  @Test
  void relationshipsAreChecked() throws IOException {
    assertEquals(List.of(
        "model.yaml:12:9: unknown table 'account' in 'to' of relationship 'r1'",
        "model.yaml:16:5: relationship 'r2' joins table 'plays' to itself; self-joins are not supported",
        "model.yaml:22:9: 'on' of relationship 'r3' must compare columns with '='; expected an equi-join such as"
            + " plays.<column> = accounts.<column> [AND ...]",
        "model.yaml:27:28: qualify 'account_id' in 'on' of relationship 'r4' with its table (plays or accounts)",
        "model.yaml:32:9: relationship 'r5' must join table 'accounts', its one side, on its primary key"
            + " (account_id), not on (email); otherwise rows would be multiplied",
        "model.yaml:36:11: unknown type 'many_to_many' of relationship 'r6'; expected one of: many_to_one,"
            + " one_to_one, one_to_many"), problems("""
        tables:
          - name: plays
            source: warehouse.plays
          - name: accounts
            source: warehouse.accounts
            primary_key: [account_id]
        relationships:
          - name: r1
            from: plays
            type: many_to_one
            on: plays.account_id = account.account_id
            to: account
          - name: r2
            from: plays
            type: many_to_one
            to: plays
            on: plays.play_id = plays.play_id
          - name: r3
            from: plays
            to: accounts
            type: many_to_one
            on: plays.account_id > accounts.account_id
          - name: r4
            from: plays
            to: accounts
            type: many_to_one
            on: plays.account_id = account_id
          - name: r5
            from: plays
            to: accounts
            type: many_to_one
            on: plays.device = accounts.email
          - name: r6
            from: plays
            to: accounts
            type: many_to_many
            on: plays.account_id = accounts.account_id
        """));
  }

  @Test
  void ambiguousJoinPathsNameBothPaths() throws IOException {
    assertEquals(List.of(
        "model.yaml:19:5: tables 'payments' and 'accounts' are joined by two paths: payments_account and"
            + " payments_subscription -> subscriptions_account; remove one relationship so that the join is"
            + " unambiguous"), problems("""
        tables:
          - name: accounts
            source: warehouse.accounts
          - name: subscriptions
            source: warehouse.payments
          - name: payments
            source: warehouse.payments
        relationships:
          - name: payments_account
            from: payments
            to: accounts
            type: many_to_one
            on: payments.account_id = accounts.account_id
          - name: payments_subscription
            from: payments
            to: subscriptions
            type: many_to_one
            on: payments.payment_id = subscriptions.payment_id
          - name: subscriptions_account
            from: subscriptions
            to: accounts
            type: many_to_one
            on: subscriptions.account_id = accounts.account_id
        """));
  }

  @Test
  void metricCycles() throws IOException {
    assertEquals(List.of(
        "model.yaml:8:11: metrics form a cycle: a -> b -> c -> a",
        "model.yaml:21:11: metrics form a cycle: self -> self"), problems("""
        tables:
          - name: plays
            source: warehouse.plays
            measures:
              - name: plays
                agg: count
        metrics:
          - name: a
            type: derived
            expr: b + plays.plays
          - name: b
            type: ratio
            numerator: c
            denominator: plays.plays
          - name: c
            type: derived
            expr: 2 * a
          - name: fine
            type: derived
            expr: a + b
          - name: self
            type: derived
            expr: self + 1
        """));
  }

  @Test
  void ratiosAndDerivedMetricsUseOnlyMeasuresAndMetrics() throws IOException {
    assertEquals(List.of(
        "model.yaml:13:18: metric 'per_device' divides by a non-measure: plays.device is a dimension",
        "model.yaml:16:16: numerator of metric 'hundred' is not a measure or metric: '100' (write"
            + " <table>.<measure> or a metric name)",
        "model.yaml:17:18: metric 'hundred' divides by a non-measure: unknown metric 'plays' (for a measure write"
            + " its table: plays.plays)",
        "model.yaml:20:26: 'expr' of metric 'mix' may use only measures and metrics: table 'plays' has no measure"
            + " 'streams'",
        "model.yaml:20:42: 'expr' of metric 'mix' may use only measures and metrics: unknown table 'play' in"
            + " 'play.plays'",
        "model.yaml:21:5: 'numerator' does not apply to derived metric 'mix'; a derived metric takes: expr"),
        problems("""
        tables:
          - name: plays
            source: warehouse.plays
            dimensions:
              - name: device
            measures:
              - name: plays
                agg: count
        metrics:
          - name: per_device
            type: ratio
            numerator: plays.plays
            denominator: plays.device
          - name: hundred
            type: ratio
            numerator: 100
            denominator: plays
          - name: mix
            type: derived
            expr: "plays.plays + plays.streams * play.plays"
            numerator: plays.plays
        """));
  }

  @Test
  void cumulativeMetricsNeedAMeasureAndATimeDimension() throws IOException {
    assertEquals(List.of(
        "model.yaml:14:14: metric 'c1' needs a measure: table 'plays' has no measure 'streams'",
        "model.yaml:15:11: metric 'c1' needs a time dimension, but plays.device is categorical",
        "model.yaml:18:14: metric 'c2' accumulates 'plays', which is not a measure (write <table>.<measure>)",
        "model.yaml:20:13: 'window' of metric 'c2' must be 'unbounded' or a trailing window such as '7 days' (hours,"
            + " days, weeks, months, quarters, years), got 'a week'",
        "model.yaml:26:13: 'window' of metric 'c3' is counted in weeks but its grain is day; make them the same"),
        problems("""
        tables:
          - name: plays
            source: warehouse.plays
            dimensions:
              - name: device
              - name: played_at
                type: time
            measures:
              - name: plays
                agg: count
        metrics:
          - name: c1
            type: cumulative
            measure: plays.streams
            time: plays.device
          - name: c2
            type: cumulative
            measure: plays
            time: plays.played_at
            window: a week
          - name: c3
            type: cumulative
            measure: plays.plays
            time: plays.played_at
            grain: day
            window: 4 weeks
        """));
  }

  @Test
  void manyProblemsAcrossFilesAreReportedTogetherInOrder() throws IOException {
    write("a.yaml", """
        tables:
          - name: Plays
            source: warehouse.plays
          - name: accounts
            source: warehouse.accounts
            measures:
              - name: accounts
                agg: total
        """);
    write("b.yaml", """
        relationships:
          - name: plays_account
            from: plays
            to: accounts
            type: many_to_one
            on: plays.account_id = accounts.account_id
        metrics:
          - name: arpu
            type: ratio
            numerator: payments.revenue
            denominator: accounts.accounts
        """);
    write("c.yml", "tables: [ {name: x\n");
    assertEquals(List.of(
        "a.yaml:2:11: invalid name 'Plays' of table 'Plays': use lower-case letters, digits and single underscores,"
            + " starting with a letter",
        "a.yaml:8:14: unknown agg 'total' of measure 'accounts' of table 'accounts'; expected one of: sum, count,"
            + " count_distinct, min, max, avg",
        "b.yaml:3:11: unknown table 'plays' in 'from' of relationship 'plays_account'",
        "b.yaml:10:16: numerator of metric 'arpu' is not a measure or metric: unknown table 'payments' in"
            + " 'payments.revenue'",
        "c.yml:2:1: invalid YAML: expected ',' or '}', but got <stream end> (while parsing a flow mapping from line"
            + " 1, column 11)"), problems());
  }

  @Test
  void positionsInsideQuotedExpressions() throws IOException {
    assertEquals(List.of(
        "model.yaml:6:37: unknown column 'nope' in 'expr' of dimension 'd' of table 'plays'; columns of"
            + " warehouse.plays: play_id, account_id, track_id, played_at, ms_played, device, country",
        "model.yaml:8:15: unknown column 'nope2' in 'expr' of dimension 'e' of table 'plays'; columns of"
            + " warehouse.plays: play_id, account_id, track_id, played_at, ms_played, device, country",
        "model.yaml:11:26: cannot parse 'expr' of dimension 'f' of table 'plays' 'ms_played <': Encountered"
            + " \"< <EOF>\""), problems("""
        tables:
          - name: plays
            source: warehouse.plays
            dimensions:
              - name: d
                expr: "CASE WHEN 1 = 1 THEN nope END"
              - name: e
                expr: |
                  nope2 + 1
              - name: f
                expr: 'ms_played <'
        """));
  }

  @Test
  void missingOrEmptyFolder() throws IOException {
    ModelException missing = assertThrows(ModelException.class,
        () -> ModelLoader.load(dir.resolve("absent"), catalog()));
    assertEquals(dir.resolve("absent") + ":0:0: model folder not found (model.path of meridian.yaml)",
        missing.getMessage());
    ModelException empty = assertThrows(ModelException.class, () -> ModelLoader.load(dir, catalog()));
    assertEquals(dir + ":0:0: no model files (*.yaml, *.yml) in the model folder", empty.getMessage());
  }

  @Test
  void aliasesAndNonMappingsAreRejected() throws IOException {
    assertEquals(List.of(
        "model.yaml:3:13: YAML aliases (*src) are not supported in model files; write the value out",
        "model.yaml:3:13: 'source' of table 'plays' is empty",
        "model.yaml:4:5: table must be a mapping of keys to values, got a single value"), problems("""
        tables:
          - name: plays
            source: *src
          - just a string
        """));
  }

  @Test
  void rollups() throws IOException {
    write("10-listening.yaml", LISTENING);
    write("30-rollups.yaml", """
        rollups:
          - name: plays_daily
            table: plays
            dimensions: [device, accounts.country]
            time: played_at
            grain: day
            measures: [plays, streams, plays.listeners, listening_hours]
            refresh:
              policy: incremental
              every: 15m
          - name: plays_by_device
            table: plays
            dimensions: device
            measures: [plays]
        """);
    SemanticModel model = load();
    assertEquals(2, model.rollups().size());
    Rollup daily = model.rollup("plays_daily").orElseThrow();
    assertEquals(List.of(new Rollup.DimensionRef("plays", "device"), new Rollup.DimensionRef("accounts", "country")),
        daily.dimensions());
    assertEquals(Optional.of(new Rollup.DimensionRef("plays", "played_at")), daily.time());
    assertEquals(Optional.of(TimeGrain.DAY), daily.grain());
    assertEquals(List.of("plays", "streams", "listeners", "listening_hours"), daily.measures());
    assertEquals(new Rollup.Refresh(Rollup.Policy.INCREMENTAL, java.time.Duration.ofMinutes(15)), daily.refresh());
    assertEquals(Rollup.Refresh.DEFAULT, model.rollup("plays_by_device").orElseThrow().refresh());
  }

  @Test
  void rollupsAreChecked() throws IOException {
    write("10-listening.yaml", LISTENING);
    write("30-rollups.yaml", """
        rollups:
          - name: r1
            table: play
            measures: [plays]
          - name: r2
            table: plays
            dimensions: [devise, plays.device, device]
            time: device
            grain: day
            measures: [plays, skip_rate]
          - name: r3
            table: plays
            time: played_at
            grain: fortnight
            measures: []
            refresh: { policy: sometimes }
          - name: r4
            table: accounts
            dimensions: [plays.device]
            measures: [accounts]
            refresh: { policy: incremental, every: soon }
          - name: r4
            table: plays
            grain: day
            measures: [plays]
            refresh: { policy: schedule }
        """);
    assertEquals(List.of(
        "30-rollups.yaml:3:12: unknown table 'play' in 'table' of rollup 'r1'",
        "30-rollups.yaml:7:18: unknown dimension 'devise' in rollup 'r2'; dimensions of table 'plays': played_at,"
            + " device, is_skip, minutes_played, played_day",
        "30-rollups.yaml:7:40: dimension plays.device is listed twice in rollup 'r2'",
        "30-rollups.yaml:8:11: 'time' of rollup 'r2' must be a time dimension, but plays.device is categorical",
        "30-rollups.yaml:10:23: unknown measure 'skip_rate' in 'measures' of rollup 'r2'; a rollup holds measures of"
            + " its table 'plays': plays, streams, skips, listeners, listening_hours, last_played_at",
        "30-rollups.yaml:14:12: unknown grain 'fortnight' of rollup 'r3'; expected one of: hour, day, week, month,"
            + " quarter, year",
        "30-rollups.yaml:15:5: rollup 'r3' has no 'measures'",
        "30-rollups.yaml:16:24: unknown policy 'sometimes' of 'refresh' of rollup 'r3'; expected one of: schedule,"
            + " on_source_change, incremental",
        "30-rollups.yaml:19:18: dimension 'plays.device' of rollup 'r4' is not reachable from table 'accounts' along"
            + " many-to-one or one-to-one relationships, so its measures cannot be grouped by it",
        "30-rollups.yaml:21:16: policy 'incremental' of 'refresh' of rollup 'r4' needs the rollup's 'time' dimension:"
            + " it rebuilds time partitions",
        "30-rollups.yaml:22:11: duplicate rollup 'r4' (first declared at " + dir.resolve("30-rollups.yaml") + ":17:11)",
        "30-rollups.yaml:24:5: 'grain' of rollup 'r4' needs 'time' (the time dimension it applies to)",
        "30-rollups.yaml:26:14: policy 'schedule' of 'refresh' of rollup 'r4' needs 'every' (30m, 1h, 1d, ...)"),
        problems());
  }
}
