package io.meridian.server.demo;

import static java.util.Objects.requireNonNull;

import io.meridian.server.MeridianServer;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The self-contained demo: a PostgreSQL server run from jars with the {@link DemoData} set in database
 * {@code music}, the play history also as an Iceberg table in a lake ({@link DemoLake}, folder {@code lake} beside
 * the configuration, kept between runs), a {@code meridian.yaml} naming them as sources {@code warehouse} and
 * {@code lake} with the demo company's semantic model (copied from the resources {@code demo-model/} into the folder
 * {@code model} beside it; its {@code plays} come from the lake and join accounts and tracks in the warehouse), and a
 * {@link MeridianServer} over that configuration. Everything listens on 127.0.0.1 only; {@link #close()} stops the
 * server, then PostgreSQL, and deletes PostgreSQL's data folder (the lake stays, to be reused by the next start).
 */
public final class Demo implements AutoCloseable {
  /** Database the demo data set lives in. */
  public static final String DATABASE = "music";
  /** The source name in meridian.yaml, and so the SQL schema of the demo tables. */
  public static final String SOURCE = "warehouse";
  /** The lake's source name in meridian.yaml: its table {@code plays} is {@code lake.plays}. */
  public static final String LAKE_SOURCE = DemoLake.SOURCE;

  /** The folder beside meridian.yaml that holds the semantic model ({@code model.path}). */
  public static final String MODEL_FOLDER = "model";
  /** The semantic model files, resources under {@code demo-model/}. */
  public static final List<String> MODEL_FILES = List.of("accounts.yaml", "catalog.yaml", "listening.yaml",
      "revenue.yaml", "rollups.yaml");

  private static final String LOOPBACK = "127.0.0.1";
  private static final String USER = "postgres";

  /** A query worth trying on the demo data. */
  public record Example(String title, String sql) {
    public Example {
      requireNonNull(title, "title is null");
      requireNonNull(sql, "sql is null");
    }
  }

  /** Queries printed at start-up; the demo test runs each of them. */
  public static final List<Example> EXAMPLES = List.of(
      new Example("Governed metrics: streams and ARPU (in USD) by country and current plan", """
          SELECT country, plan, SUM(streams) AS streams, AGGREGATE(arpu) AS arpu
          FROM semantic.plays
          GROUP BY country, plan
          ORDER BY streams DESC
          LIMIT 10"""),
      new Example("From the lake: streams by day for a week (Iceberg reads 7 of its day partitions)", """
          SELECT played_at__day, streams, listeners, skip_rate
          FROM semantic.plays
          WHERE played_at >= TIMESTAMP '2025-06-23 00:00:00' AND played_at < TIMESTAMP '2025-06-30 00:00:00'
          GROUP BY played_at__day
          ORDER BY played_at__day"""),
      new Example("Top artists by number of tracks", """
          SELECT ar.name, ar.genre, COUNT(*) AS tracks
          FROM warehouse.tracks t
          JOIN warehouse.artists ar ON t.artist_id = ar.artist_id
          GROUP BY ar.name, ar.genre
          ORDER BY tracks DESC, ar.name
          LIMIT 10"""),
      new Example("Monthly signups", """
          SELECT EXTRACT(YEAR FROM signup_date) AS signup_year, EXTRACT(MONTH FROM signup_date) AS signup_month,
                 COUNT(*) AS signups
          FROM warehouse.accounts
          GROUP BY EXTRACT(YEAR FROM signup_date), EXTRACT(MONTH FROM signup_date)
          ORDER BY signup_year, signup_month"""));

  private final EmbeddedPostgres postgres;
  private final MeridianServer server;
  private final Path configFile;
  private final DemoData.Summary summary;
  private final DemoLake.State lake;
  private final Duration postgresTime;
  private final Duration startupTime;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final DemoLive live;
  private final String liveFailure;

  private Demo(EmbeddedPostgres postgres, MeridianServer server, Path configFile, DemoData.Summary summary,
      DemoLake.State lake, Duration postgresTime, Duration startupTime, DemoLive live, String liveFailure) {
    this.live = live;
    this.liveFailure = liveFailure;
    this.postgres = postgres;
    this.server = server;
    this.configFile = configFile;
    this.summary = summary;
    this.lake = lake;
    this.postgresTime = postgresTime;
    this.startupTime = startupTime;
  }

  /** {@code ~/.meridian/demo}. */
  public static Path defaultDirectory() {
    return Path.of(System.getProperty("user.home"), ".meridian", "demo");
  }

  /**
   * Starts PostgreSQL and loads the data set at {@code rowsScale}, while the lake's table of plays is checked (and
   * written on the first start) in {@code dir/lake}; then writes {@code dir/meridian.yaml} and the model and starts
   * the server on 127.0.0.1:{@code port} (0 picks a free port). Takes seconds, more on the first start.
   */
  public static Demo start(Path dir, int port, int rowsScale) throws IOException, SQLException {
    return start(dir, port, rowsScale, false);
  }

  /**
   * As {@link #start(Path, int, int)}, and with {@code live}, also the live part ({@link DemoLive}): a Pinot started
   * meanwhile, plays streaming into it, and the model's {@code plays} reading the hybrid table {@code events.plays}.
   * If the live part cannot start, the demo says why ({@link #liveFailure()}) and serves the rest.
   */
  public static Demo start(Path dir, int port, int rowsScale, boolean live) throws IOException, SQLException {
    requireNonNull(dir, "dir is null");
    long started = System.nanoTime();
    Files.createDirectories(dir);
    Path root = dir.toAbsolutePath().normalize();
    DemoData data = new DemoData(rowsScale, DemoData.DEFAULT_SEED);
    // The lake is written by the JVM while PostgreSQL loads its copy of the same rows in its own processes.
    ExecutorService lakeThread = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "meridian-demo-lake");
      thread.setDaemon(true);
      return thread;
    });
    Future<DemoLake.State> lakeWrite;
    try {
      lakeWrite = lakeThread.submit(() -> DemoLake.ensure(root.resolve(DemoLake.WAREHOUSE), data, data.plays()));
    } finally {
      lakeThread.shutdown();
    }
    Future<DemoLive> liveStart = null;
    if (live) {
      ExecutorService liveThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "meridian-demo-live-start");
        thread.setDaemon(true);
        return thread;
      });
      try {
        liveStart = liveThread.submit(() -> DemoLive.start(root, data.plays()));
      } finally {
        liveThread.shutdown();
      }
    }
    EmbeddedPostgres postgres = null;
    DemoLive liveDemo = null;
    try {
      // A fresh data folder per run: a demo killed without cleanup leaves its folder, never a broken server.
      Path pgData = Files.createTempDirectory(root, "pgdata-");
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(true)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", LOOPBACK)
          .setServerConfig("max_connections", "100")
          .start();
      String url = createDatabase(postgres);
      DemoData.Summary summary;
      try (Connection c = DriverManager.getConnection(url, USER, "")) {
        summary = data.load(c);
        // Sets every row's hint bits and freezes it now, so that the first queries do not pay for it, and so that
        // autovacuum finds nothing to do while the demo runs.
        try (java.sql.Statement s = c.createStatement()) {
          s.execute("VACUUM (FREEZE, ANALYZE)");
        }
      }
      Duration postgresTime = Duration.ofNanos(System.nanoTime() - started);
      DemoLake.State lake = awaitLake(lakeWrite);
      String liveFailure = null;
      if (liveStart != null) {
        try {
          liveDemo = liveStart.get();
        } catch (ExecutionException e) {
          liveFailure = String.valueOf(e.getCause().getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          liveFailure = "interrupted while Pinot started";
        }
      }
      Path config = root.resolve("meridian.yaml");
      Files.writeString(config, configYaml(url, port, liveDemo), StandardCharsets.UTF_8);
      writeModel(root.resolve(MODEL_FOLDER));
      if (liveDemo != null) {
        Path listening = root.resolve(MODEL_FOLDER).resolve("listening.yaml");
        Files.writeString(listening, DemoLive.hybridModel(Files.readString(listening, StandardCharsets.UTF_8),
            LAKE_SOURCE), StandardCharsets.UTF_8);
        // The rollups pre-aggregate plays; over the hybrid table they would be trusted for their refresh interval
        // (an hour) and hide the live tail, so the live demo answers from the sources.
        Files.deleteIfExists(root.resolve(MODEL_FOLDER).resolve("rollups.yaml"));
      }
      MeridianServer server = MeridianServer.start(config, LOOPBACK, port);
      refreshRollups(config);
      return new Demo(postgres, server, config, summary, lake, postgresTime,
          Duration.ofNanos(System.nanoTime() - started), liveDemo, liveFailure);
    } catch (IOException | SQLException | RuntimeException e) {
      if (liveDemo != null) {
        liveDemo.close();
      } else if (liveStart != null) {
        liveStart.cancel(true);
        try {
          liveStart.get().close();
        } catch (ExecutionException | InterruptedException | java.util.concurrent.CancellationException ignored) {
          // It did not start; its child process, if any, halts when this process's end of its input closes.
        }
      }
      if (!lakeWrite.isDone()) {
        // Never return while the lake is half written by a thread of ours; the next start rewrites it anyway.
        try {
          awaitLake(lakeWrite);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (postgres != null) {
        try {
          postgres.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  /**
   * Builds the model's rollups, or refreshes them (nothing to do when the lake is reused unchanged), so that the
   * dashboards' queries are answered from them from the first one on.
   */
  private static void refreshRollups(Path config) throws SQLException {
    try (Connection c = DriverManager.getConnection(MeridianServer.embeddedUrl(config))) {
      io.meridian.engine.rollup.RollupManager rollups = io.meridian.engine.MeridianEngine.shared(config).rollups();
      for (var rollup : rollups.rollups()) {
        rollups.refresh(rollup.name(), line -> { });
      }
    }
  }

  private static DemoLake.State awaitLake(Future<DemoLake.State> lakeWrite) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return lakeWrite.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof MeridianException m) {
            throw m;
          }
          throw new MeridianException(ErrorCode.INTERNAL_ERROR, "Cannot write the demo lake: " + cause, cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Copies the demo's semantic model files into {@code folder}, replacing older copies. */
  public static void writeModel(Path folder) throws IOException {
    Files.createDirectories(folder);
    for (String name : MODEL_FILES) {
      try (InputStream in = Demo.class.getResourceAsStream("/demo-model/" + name)) {
        if (in == null) {
          throw new IOException("demo model file missing from the class path: demo-model/" + name);
        }
        Files.copy(in, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static String createDatabase(EmbeddedPostgres postgres) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl(postgres.getPort(), "postgres"), USER, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8' TEMPLATE template0");
    }
    return jdbcUrl(postgres.getPort(), DATABASE);
  }

  private static String jdbcUrl(int port, String database) {
    return "jdbc:postgresql://" + LOOPBACK + ":" + port + "/" + database;
  }

  static String configYaml(String postgresUrl, int port) {
    return configYaml(postgresUrl, port, null);
  }

  static String configYaml(String postgresUrl, int port, DemoLive live) {
    return "# Written by `meridian demo` on each start; PostgreSQL's port changes from run to run.\n"
        + "sources:\n"
        + "  - name: " + SOURCE + "\n"
        + "    kind: postgresql\n"
        + "    url: " + postgresUrl + "\n"
        + "    user: " + USER + "\n"
        + "    password: \"\"\n"
        + "    schema: public\n"
        + "    # The result cache reuses an answer while this query's result is unchanged: rows inserted, updated or\n"
        + "    # deleted in any table, as PostgreSQL counts them (it publishes the counts within about a second of a\n"
        + "    # commit). The WAL position would also do, but moves with maintenance too (vacuum, checkpoints), so the\n"
        + "    # cache would miss for no change.\n"
        + "    freshness:\n"
        + "      version-query: SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables\n"
        + "  - name: " + LAKE_SOURCE + "\n"
        + "    kind: lake\n"
        + "    catalog:\n"
        + "      type: hadoop\n"
        + "      warehouse: " + DemoLake.WAREHOUSE + "    # relative to this file\n"
        + "    namespace: " + DemoLake.NAMESPACE + "\n"
        + (live == null ? "" : live.configYaml(LAKE_SOURCE))
        + "server:\n"
        + "  host: " + LOOPBACK + "\n"
        + "  port: " + port + "\n"
        + "model:\n"
        + "  path: " + MODEL_FOLDER + "\n"
        + "default-schema: " + SOURCE + "\n";
  }

  public MeridianServer server() {
    return server;
  }

  public Path configFile() {
    return configFile;
  }

  /** The JDBC URL of the demo database itself (user {@code postgres}, no password). */
  public String postgresUrl() {
    return jdbcUrl(postgres.getPort(), DATABASE);
  }

  /** The embedded Meridian URL for the demo configuration. */
  public String embeddedUrl() {
    return MeridianServer.embeddedUrl(configFile);
  }

  public DemoData.Summary summary() {
    return summary;
  }

  /** The lake's table of plays: where, how big, and whether this start reused it. */
  public DemoLake.State lake() {
    return lake;
  }

  /** How long starting PostgreSQL and loading it took (the lake is checked or written meanwhile). */
  public Duration postgresTime() {
    return postgresTime;
  }

  /** How long {@link #start} took, from its call until the server listened. */
  public Duration startupTime() {
    return startupTime;
  }

  /** What the demo prints once it runs: the URLs, the data loaded, example queries and how to stop. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("\nMeridian demo is running.\n\n");
    b.append("  Remote JDBC URL:    ").append(server.jdbcUrl()).append('\n');
    b.append("  Embedded JDBC URL:  ").append(embeddedUrl()).append('\n');
    b.append("  Configuration:      ").append(configFile).append('\n');
    b.append("  Semantic model:     ").append(configFile.resolveSibling(MODEL_FOLDER)).append('\n');
    b.append("  PostgreSQL:         ").append(postgresUrl()).append(" (user ").append(USER).append(")\n\n");
    b.append("  Loaded into schema ").append(SOURCE).append(':');
    String sep = " ";
    for (Map.Entry<String, Integer> e : summary.rowCounts().entrySet()) {
      b.append(sep).append(e.getKey()).append(' ').append(e.getValue());
      sep = ", ";
    }
    b.append(" rows\n");
    b.append("  Lake (Iceberg):     ").append(lake.tableName()).append(' ').append(lake.rows()).append(" rows, ")
        .append(lake.dataFiles()).append(" data files in ").append(lake.partitions())
        .append(" day partitions, in ").append(lake.warehouse()).append(lake.reused() ? " (reused, checked in "
            : " (written in ").append(seconds(lake.elapsed())).append(")\n");
    if (live != null) {
      b.append("  Live (Pinot 0.11):  ").append(DemoLive.PLAYS_PER_SECOND).append(" plays a second stream through "
          + "Kafka into ").append(DemoLive.SOURCE).append(".plays (controller ").append(live.pinot().controller())
          .append(", broker ").append(live.pinot().broker()).append(")\n");
      b.append("  Semantic table plays reads the hybrid table ").append(DemoLive.HYBRID_SOURCE)
          .append(".plays (history from ").append(lake.tableName()).append(", the live tail from ")
          .append(DemoLive.SOURCE).append(".plays) and joins accounts and tracks in ").append(SOURCE)
          .append(" (no rollups in the live demo: they would hide the live tail; --live off brings them back).\n");
    } else {
      if (liveFailure != null) {
        b.append("  Live part NOT started (serving the rest): ").append(liveFailure).append('\n');
      }
      b.append("  Semantic table plays reads ").append(lake.tableName())
          .append(" and joins accounts and tracks in ").append(SOURCE).append(".\n");
    }
    b.append("  Started in ").append(seconds(startupTime)).append(" (PostgreSQL started and loaded in ")
        .append(seconds(postgresTime)).append(", the lake ").append(lake.reused() ? "checked" : "written")
        .append(" meanwhile).\n\nExample queries:\n");
    for (Example example : EXAMPLES) {
      b.append("\n  -- ").append(example.title()).append('\n');
      for (String line : example.sql().split("\n")) {
        b.append("  ").append(line).append('\n');
      }
    }
    if (live != null) {
      b.append("\n  -- Live: run it twice; the numbers move as plays stream in (history + live tail, no gap, no overlap)\n")
          .append("  SELECT COUNT(*) AS plays, MAX(played_at) AS latest FROM ").append(DemoLive.HYBRID_SOURCE)
          .append(".plays\n");
      b.append("\n  -- Live, through the semantic model: plays after the history (which ends on 2025-06-30)\n"
          + "  SELECT device, plays, listeners FROM semantic.plays "
          + "WHERE played_at >= TIMESTAMP '2025-07-01 00:00:00' GROUP BY device\n");
    }
    b.append("\nRun one with:\n  bin/meridian sql --url '").append(server.jdbcUrl())
        .append("' \"SELECT COUNT(*) FROM warehouse.payments\"\n");
    b.append("\nStop with Ctrl-C.\n");
    return b.toString();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** The live part, when it runs. */
  public java.util.Optional<DemoLive> live() {
    return java.util.Optional.ofNullable(live);
  }

  /** Why the live part did not start, when it was asked for and failed. */
  public java.util.Optional<String> liveFailure() {
    return java.util.Optional.ofNullable(liveFailure);
  }

  /** Stops the server, then the live part (Pinot), then PostgreSQL (deleting its data); safe to call more than once. */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } finally {
      try {
        if (live != null) {
          live.close();
        }
      } finally {
        postgres.close();
      }
    }
  }
}
