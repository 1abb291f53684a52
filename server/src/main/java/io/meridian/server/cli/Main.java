package io.meridian.server.cli;

import io.meridian.engine.MeridianEngine;
import io.meridian.engine.config.ConfigLoader;
import io.meridian.engine.rollup.RollupManager;
import io.meridian.engine.rollup.RollupStatus;
import io.meridian.engine.config.MeridianConfig;
import io.meridian.engine.config.SourceConfig;
import io.meridian.server.MeridianServer;
import io.meridian.server.demo.Demo;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSqlException;
import org.apache.calcite.avatica.remote.Service.ErrorResponse;

/**
 * The {@code meridian} command line: {@code serve}, {@code sql}, {@code explain}, {@code validate}, {@code demo} and
 * {@code rollups}.
 *
 * <p>Exit codes: 0 success, 1 error (printed to standard error as {@code error: <SQLSTATE> <message>}), 2 usage
 * error. {@link #run} does the work without exiting, so tests call it in-process.
 */
public final class Main {
  static final int OK = 0;
  static final int ERROR = 1;
  static final int USAGE = 2;

  private static final String DEFAULT_HOST = "127.0.0.1";
  private static final String URL_PREFIX = "jdbc:meridian:";

  private static final String MAIN_HELP = """
      Usage: meridian <command> [options]

      Commands:
        serve      Run the Avatica server, the remote JDBC endpoint
        sql        Run one SQL query and print the result
        explain    Print the plan of a query
        validate   Check a configuration file and connect to each source
        demo       Start PostgreSQL with a demo data set and a server over it; needs nothing installed
        rollups    List, build or refresh the semantic model's rollups

      Run 'meridian <command> --help' for the options of a command.
      """;

  private static final String SERVE_HELP = """
      Usage: meridian serve --config FILE [--host HOST] [--port PORT]

      Runs the Avatica server for a configuration until stopped (Ctrl-C or SIGTERM).

      Options:
        --config FILE   meridian.yaml
        --host HOST     address to bind (default: server.host in the file, else 127.0.0.1)
        --port PORT     TCP port, 0 for a free one (default: server.port in the file, else 8765)
      """;

  private static final String SQL_HELP = """
      Usage: meridian sql "QUERY" (--config FILE | --url URL) [--format table|csv]

      Runs one query and prints the result.

      Options:
        --config FILE    meridian.yaml; the query runs in this process
        --url URL        a Meridian JDBC URL instead, e.g. jdbc:meridian:remote:url=http://127.0.0.1:8765
        --format FORMAT  table (default: aligned, with a row count) or csv (RFC 4180, with a header)
      """;

  private static final String EXPLAIN_HELP = """
      Usage: meridian explain "QUERY" (--config FILE | --url URL)

      Prints the plan of a query (EXPLAIN PLAN FOR QUERY).

      Options:
        --config FILE   meridian.yaml; the query is planned in this process
        --url URL       a Meridian JDBC URL instead
      """;

  private static final String VALIDATE_HELP = """
      Usage: meridian validate --config FILE

      Reads a configuration file, then connects to each source and lists its tables.
      Prints OK and exits 0, or prints each error (with file:line for errors in the file) and exits 1.

      Options:
        --config FILE   meridian.yaml
      """;

  private static final String DEMO_HELP = """
      Usage: meridian demo [--port PORT] [--rows-scale N] [--dir DIR] [--live on|off]

      Starts PostgreSQL from jars (nothing to install), loads a music-streaming data set into database 'music',
      writes a meridian.yaml for it and runs the server on 127.0.0.1 until stopped (Ctrl-C or SIGTERM).

      Options:
        --port PORT       server port, 0 for a free one (default 8765)
        --rows-scale N    multiplies the data set size, 1 to 100 (default 1: 5000 accounts, about 50000 payments)
        --dir DIR         folder for meridian.yaml and the PostgreSQL data (default ~/.meridian/demo)
        --live on|off     the live part: a real Apache Pinot (child JVM, about 1 GB) fed through Kafka with plays as
                          they happen, and the model's plays as a hybrid table (lake history + live tail);
                          if it cannot start, the demo says why and serves the rest (default on)
      """;

  private static final String ROLLUPS_HELP = """
      Usage: meridian rollups list|build|refresh [NAME] --config FILE

      The rollups the semantic model declares, kept as Iceberg tables in the catalog of 'rollups:' in meridian.yaml
      (shared by every server given the same catalog).

        list      each rollup's state (fresh, behind, stale, missing), rows, build time, hits and why it is not fresh
        build     rebuild NAME (default: every rollup) from its sources, whole, showing progress
        refresh   refresh NAME (default: every rollup) as its refresh policy says: nothing when up to date,
                  the time partitions from the first changed one on for 'incremental', else a full build

      Options:
        --config FILE   meridian.yaml
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command line; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(MAIN_HELP);
      return USAGE;
    }
    String command = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (command) {
        case "--help", "-h", "help" -> {
          out.print(MAIN_HELP);
          return OK;
        }
        case "serve" -> {
          return serve(Arguments.parse(rest, Set.of("config", "host", "port"), false), out);
        }
        case "sql" -> {
          return sql(Arguments.parse(rest, Set.of("config", "url", "format"), true), out);
        }
        case "explain" -> {
          return explain(Arguments.parse(rest, Set.of("config", "url"), true), out);
        }
        case "validate" -> {
          return validate(Arguments.parse(rest, Set.of("config"), false), out, err);
        }
        case "demo" -> {
          return demo(Arguments.parse(rest, Set.of("port", "rows-scale", "dir", "live"), false), out);
        }
        case "rollups" -> {
          return rollups(rest, out);
        }
        default -> throw new UsageException("unknown command '" + command + "'");
      }
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.println(knownCommand(command)
          ? "Run 'meridian " + command + " --help' for usage."
          : "Run 'meridian --help' for the list of commands.");
      return USAGE;
    } catch (SQLException e) {
      err.println("error: " + sqlState(e) + " " + message(e));
      return ERROR;
    } catch (MeridianException e) {
      err.println("error: " + e.sqlState() + " " + e.getMessage());
      return ERROR;
    } catch (IOException e) {
      err.println("error: " + ErrorCode.INTERNAL_ERROR.sqlState() + " " + e);
      return ERROR;
    } catch (RuntimeException e) {
      // Avatica's remote driver reports some failures unchecked: a server it cannot reach, a refused open.
      err.println("error: " + unchecked(e));
      return ERROR;
    }
  }

  /** SQLSTATE and message of an unchecked failure. */
  private static String unchecked(RuntimeException e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof AvaticaClientRuntimeException remote && remote.getSqlState() != null
          && !remote.getSqlState().equals(ErrorResponse.UNKNOWN_SQL_STATE)) {
        return remote.getSqlState() + " " + remote.getMessage().replaceFirst("^Remote driver error: ", "");
      }
      if (c instanceof ConnectException) {
        return ErrorCode.SOURCE_UNAVAILABLE.sqlState() + " cannot reach the Meridian server: " + c.getMessage();
      }
    }
    return ErrorCode.INTERNAL_ERROR.sqlState() + " " + e;
  }

  private static int serve(Arguments a, PrintStream out) throws UsageException {
    if (a.help()) {
      out.print(SERVE_HELP);
      return OK;
    }
    Path config = Path.of(required(a, "config"));
    MeridianConfig loaded = new ConfigLoader().load(config);
    String host = a.option("host").orElse(loaded.server().host());
    int port = a.intOption("port", loaded.server().port(), 0, 65535);
    MeridianServer server = MeridianServer.start(config, host, port);
    out.println("Meridian server listening on " + server.httpUrl());
    out.println("JDBC URL: " + server.jdbcUrl());
    out.println("Stop with Ctrl-C.");
    out.flush();
    awaitShutdown(server);
    return OK;
  }

  private static int sql(Arguments a, PrintStream out) throws UsageException, SQLException {
    if (a.help()) {
      out.print(SQL_HELP);
      return OK;
    }
    String query = a.positional().orElseThrow(() -> new UsageException("missing the query"));
    ResultPrinter.Format format = switch (a.option("format").orElse("table").toLowerCase(Locale.ROOT)) {
      case "table" -> ResultPrinter.Format.TABLE;
      case "csv" -> ResultPrinter.Format.CSV;
      default -> throw new UsageException("option --format must be table or csv, got '"
          + a.option("format").orElseThrow() + "'");
    };
    String url = url(a);
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      if (s.execute(query)) {
        try (ResultSet rs = s.getResultSet()) {
          ResultPrinter.print(rs, format, out);
        }
      } else {
        long count = s.getLargeUpdateCount();
        out.println("(" + count + (count == 1 ? " row" : " rows") + " affected)");
      }
    }
    return OK;
  }

  private static int explain(Arguments a, PrintStream out) throws UsageException, SQLException {
    if (a.help()) {
      out.print(EXPLAIN_HELP);
      return OK;
    }
    String query = a.positional().orElseThrow(() -> new UsageException("missing the query"));
    String url = url(a);
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN PLAN FOR " + query)) {
      while (rs.next()) {
        String line = rs.getString(1);
        out.print(line);
        if (!line.endsWith("\n")) {
          out.println();
        }
      }
    }
    out.flush();
    return OK;
  }

  private static int validate(Arguments a, PrintStream out, PrintStream err) throws UsageException {
    if (a.help()) {
      out.print(VALIDATE_HELP);
      return OK;
    }
    Path file = Path.of(required(a, "config"));
    MeridianConfig config = new ConfigLoader().load(file);
    out.println(config.file() + ": " + config.sources().size()
        + (config.sources().size() == 1 ? " source" : " sources") + ", default schema " + config.defaultSchema());
    boolean ok = true;
    try (Connection c = DriverManager.getConnection(MeridianServer.embeddedUrl(config.file()))) {
      for (SourceConfig source : config.sources()) {
        try (ResultSet rs = c.getMetaData().getTables(null, source.name(), "%", null)) {
          int tables = 0;
          while (rs.next()) {
            tables++;
          }
          out.println("  " + source.name() + " (" + source.kind().configName() + ", " + source.url() + "): OK, "
              + tables + (tables == 1 ? " table" : " tables"));
        } catch (SQLException e) {
          ok = false;
          err.println("error: " + sqlState(e) + " source " + source.name() + " (" + source.url() + "): " + message(e));
        }
      }
    } catch (SQLException e) {
      err.println("error: " + sqlState(e) + " " + message(e));
      return ERROR;
    }
    if (ok) {
      out.println("OK");
    }
    return ok ? OK : ERROR;
  }

  private static int demo(Arguments a, PrintStream out) throws UsageException, IOException, SQLException {
    if (a.help()) {
      out.print(DEMO_HELP);
      return OK;
    }
    int port = a.intOption("port", 8765, 0, 65535);
    int scale = a.intOption("rows-scale", 1, 1, 100);
    Path dir = a.option("dir").map(Path::of).orElseGet(Demo::defaultDirectory);
    String live = a.option("live").orElse("on");
    if (!live.equals("on") && !live.equals("off")) {
      throw new UsageException("--live takes on or off, got '" + live + "'");
    }
    out.println("Starting PostgreSQL and loading the music data set (scale " + scale + ")"
        + (live.equals("on") ? ", and Apache Pinot for the live part" : "") + " ...");
    out.flush();
    Demo demo = Demo.start(dir, port, scale, live.equals("on"));
    out.print(demo.describe());
    out.flush();
    awaitShutdown(demo);
    return OK;
  }

  private static int rollups(List<String> args, PrintStream out) throws UsageException, SQLException {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
      out.print(ROLLUPS_HELP);
      return args.isEmpty() ? USAGE : OK;
    }
    String action = args.get(0);
    if (!Set.of("list", "build", "refresh").contains(action)) {
      throw new UsageException("unknown rollups action '" + action + "'; expected list, build or refresh");
    }
    Arguments a = Arguments.parse(args.subList(1, args.size()), Set.of("config"), true);
    if (a.help()) {
      out.print(ROLLUPS_HELP);
      return OK;
    }
    Path config = Path.of(required(a, "config")).toAbsolutePath().normalize();
    // The connection makes the embedded engine and lets it run builds as queries over itself.
    try (Connection c = DriverManager.getConnection(MeridianServer.embeddedUrl(config))) {
      RollupManager rollups = MeridianEngine.shared(config).rollups();
      List<String> names = a.positional().map(List::of)
          .orElseGet(() -> rollups.rollups().stream().map(r -> r.name()).toList());
      if (action.equals("list")) {
        List<RollupStatus> all = rollups.list();
        if (all.isEmpty()) {
          out.println("(the model declares no rollups)");
        }
        for (RollupStatus st : all) {
          if (!names.contains(st.name())) {
            continue;
          }
          out.println(st.name() + " (" + st.table() + "): " + st.state() + ", " + st.rows() + " rows"
              + (st.inMemory() ? " in memory" : "") + st.builtAt().map(t -> ", built " + t).orElse("")
              + (st.buildMillis() > 0 ? " in " + st.buildMillis() + " ms" : "") + ", " + st.hits() + " hits here"
              + (st.coveredTo().isPresent() ? ", covers up to " + st.coveredTo().get() : ""));
          st.reason().ifPresent(r -> out.println("    " + r));
          if (!st.sourceVersions().isEmpty()) {
            out.println("    sources: " + st.sourceVersions());
          }
          st.lastError().ifPresent(e -> out.println("    last error: " + e));
        }
        out.flush();
        return OK;
      }
      for (String name : names) {
        long start = System.nanoTime();
        java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
              Thread t = new Thread(r, "meridian-rollup-progress");
              t.setDaemon(true);
              return t;
            });
        // A line every few seconds while a long phase (the source query) runs, so a build is never silent.
        ticker.scheduleAtFixedRate(() -> {
          out.println("  " + name + ": running, " + (System.nanoTime() - start) / 1_000_000_000L + " s");
          out.flush();
        }, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
        try {
          java.util.function.Consumer<String> progress = line -> {
            out.println(String.format(Locale.ROOT, "[%6.1f s] %s", (System.nanoTime() - start) / 1e9, line));
            out.flush();
          };
          RollupManager.BuildResult result = action.equals("build") ? rollups.build(name, progress)
              : rollups.refresh(name, progress);
          out.println(name + ": " + result.action() + ", " + result.rows() + " rows");
        } finally {
          ticker.shutdownNow();
        }
      }
    }
    out.flush();
    return OK;
  }

  /**
   * Blocks until the JVM shuts down (Ctrl-C, SIGTERM) or the thread is interrupted; either way closes
   * {@code resource}, whose close must be idempotent.
   */
  private static void awaitShutdown(AutoCloseable resource) {
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      closeQuietly(resource);
      stopped.countDown();
    }, "meridian-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down; the hook closes the resource.
      }
      closeQuietly(resource);
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      System.err.println("error while stopping: " + e);
    }
  }

  private static String url(Arguments a) throws UsageException {
    var config = a.option("config");
    var url = a.option("url");
    if (config.isPresent() == url.isPresent()) {
      throw new UsageException("give exactly one of --config FILE and --url URL");
    }
    if (config.isPresent()) {
      return MeridianServer.embeddedUrl(Path.of(config.get()));
    }
    if (!url.get().startsWith(URL_PREFIX)) {
      throw new UsageException("--url must be a Meridian JDBC URL (" + URL_PREFIX + "...), got '" + url.get() + "'");
    }
    return url.get();
  }

  private static String required(Arguments a, String option) throws UsageException {
    return a.option(option).orElseThrow(() -> new UsageException("missing --" + option));
  }

  private static boolean knownCommand(String command) {
    return Set.of("serve", "sql", "explain", "validate", "demo", "rollups").contains(command);
  }

  private static String sqlState(SQLException e) {
    return e.getSQLState() != null ? e.getSQLState() : ErrorCode.INTERNAL_ERROR.sqlState();
  }

  /**
   * The message; for a remote error, the server's message without the remote driver's wrapping ("Error while
   * executing SQL ...: Remote driver error: Error N (SQLSTATE) : ").
   */
  private static String message(SQLException e) {
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof AvaticaSqlException remote && remote.getErrorMessage() != null) {
        return remote.getErrorMessage();
      }
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
