package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A single-node Trino server (the last server release on Maven Central, 476) started by the benchmark, with a
 * PostgreSQL catalog over the benchmark's database {@code ssb} and an Iceberg catalog over the same JDBC catalog
 * Meridian reads ({@code lake}).
 *
 * <p>The 821 MB tarball is downloaded once from Maven Central into a cache folder outside the repository
 * ({@code ~/.cache/meridian-bench} unless {@code --cache} says otherwise), unpacked, and every plugin the benchmark
 * does not use is deleted (keeping {@code geospatial}: the PostgreSQL connector needs its Geometry type). Trino 476
 * needs Java 24 or newer: the JDK comes from {@code --trino-java} or {@code TRINO_JAVA_HOME}, else the Temurin 25 JDK
 * of these machines. The server listens on 127.0.0.1 only, with {@code -Xmx4G}, and is killed on {@link #close()}.
 */
public final class TrinoServer implements AutoCloseable {
  public static final String VERSION = "476";
  static final String URL = "https://repo1.maven.org/maven2/io/trino/trino-server/" + VERSION + "/trino-server-"
      + VERSION + ".tar.gz";
  static final Path DEFAULT_JAVA_HOME = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
  private static final Set<String> KEPT_PLUGINS = Set.of("postgresql", "iceberg", "geospatial");

  private final Process process;
  private final int port;
  private final Path log;

  private TrinoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The JDK Trino runs on, or a reason why there is none. */
  static Path javaHome(Path given) {
    if (given != null) {
      return given;
    }
    String env = System.getenv("TRINO_JAVA_HOME");
    return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_JAVA_HOME;
  }

  /**
   * Downloads (once), configures and starts Trino; returns when it answers queries. Throws with the reason when it
   * cannot: the caller reports Trino as skipped.
   */
  public static TrinoServer start(Path cache, Path work, Path javaHome, SsbData data, Consumer<String> progress)
      throws IOException, InterruptedException {
    requireNonNull(cache, "cache is null");
    Path java = javaHome.resolve("bin").resolve("java");
    if (!Files.isExecutable(java)) {
      throw new IOException("no Java 24+ for Trino at " + javaHome + " (set TRINO_JAVA_HOME or --trino-java)");
    }
    Path home = install(cache, progress);
    Path etc = work.resolve("trino-etc");
    deleteFolder(etc);
    Files.createDirectories(etc.resolve("catalog"));
    int port = freePort();
    Path dataDir = work.resolve("trino-data");
    Files.createDirectories(dataDir);
    Files.writeString(etc.resolve("node.properties"), String.join("\n",
        "node.environment=bench", "node.id=meridian-bench", "node.data-dir=" + dataDir,
        "node.bind-ip=127.0.0.1", "node.internal-address=127.0.0.1", ""), StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("config.properties"), String.join("\n",
        "coordinator=true", "node-scheduler.include-coordinator=true", "http-server.http.port=" + port,
        "discovery.uri=http://127.0.0.1:" + port, "query.max-memory=2GB", "query.max-memory-per-node=2GB", ""),
        StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("log.properties"), "io.trino=WARN\n", StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("catalog").resolve("postgresql.properties"), String.join("\n",
        "connector.name=postgresql", "connection-url=" + data.jdbcUrl("ssb"), "connection-user=" + SsbData.USER,
        "connection-password=", ""), StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("catalog").resolve("iceberg.properties"), String.join("\n",
        "connector.name=iceberg", "iceberg.catalog.type=jdbc",
        "iceberg.jdbc-catalog.catalog-name=" + SsbData.CATALOG,
        "iceberg.jdbc-catalog.driver-class=org.postgresql.Driver",
        "iceberg.jdbc-catalog.connection-url=" + data.jdbcUrl("iceberg"),
        "iceberg.jdbc-catalog.connection-user=" + SsbData.USER,
        "iceberg.jdbc-catalog.connection-password=",
        "iceberg.jdbc-catalog.default-warehouse-dir=" + data.warehouse().toUri(),
        "fs.hadoop.enabled=true", ""), StandardCharsets.UTF_8);

    List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", home.resolve("lib") + "/*",
        "-server", "-Xmx4G", "-XX:+ExplicitGCInvokesConcurrent", "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow", "-XX:ReservedCodeCacheSize=512M", "-XX:PerMethodRecompilationCutoff=10000",
        "-XX:PerBytecodeRecompilationCutoff=10000", "-Djdk.attach.allowAttachSelf=true",
        "-Djdk.nio.maxCachedBufferSize=2000000", "-XX:+EnableDynamicAgentLoading", "-Dfile.encoding=UTF-8",
        "-Duser.timezone=UTC", "-Dnode.environment=bench", "-Dnode.id=meridian-bench",
        "-Dnode.data-dir=" + dataDir, "-Dconfig=" + etc.resolve("config.properties"),
        "-Dlog.levels-file=" + etc.resolve("log.properties"), "-Dcatalog.config-dir=" + etc.resolve("catalog"),
        "-Dplugin.dir=" + home.resolve("plugin"), "io.trino.server.TrinoServer"));
    Path log = work.resolve("trino.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("JAVA_HOME", javaHome.toString());
    long started = System.nanoTime();
    Process process = builder.start();
    TrinoServer server = new TrinoServer(process, port, log);
    try {
      server.awaitReady(Duration.ofSeconds(180));
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    progress.accept(String.format(Locale.ROOT, "Trino %s started on 127.0.0.1:%d in %.1f s", VERSION, port,
        (System.nanoTime() - started) / 1e9));
    return server;
  }

  public String jdbcUrl() {
    return "jdbc:trino://127.0.0.1:" + port;
  }

  public Connection connect() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "bench");
    return DriverManager.getConnection(jdbcUrl(), p);
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("Trino exited with code " + process.exitValue() + "; last lines of " + log + ":\n"
            + tail(log, 15));
      }
      try (Connection c = connect(); Statement s = c.createStatement()) {
        // A catalog query: Trino answers SELECT 1 before its catalogs are loaded.
        s.executeQuery("SELECT count(*) FROM iceberg.information_schema.tables").close();
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(1000);
      }
    }
    throw new IOException("Trino did not answer within " + timeout.toSeconds() + " s: "
        + (last == null ? "" : last.getMessage()) + "; last lines of " + log + ":\n" + tail(log, 15));
  }

  /** The unpacked server in the cache, downloading and unpacking it first if needed. */
  static Path install(Path cache, Consumer<String> progress) throws IOException, InterruptedException {
    Files.createDirectories(cache);
    Path home = cache.resolve("trino-server-" + VERSION);
    Path ready = home.resolve(".meridian-bench-ready");
    if (Files.exists(ready)) {
      return home;
    }
    Path tarball = cache.resolve("trino-server-" + VERSION + ".tar.gz");
    if (!Files.exists(tarball)) {
      progress.accept("Downloading " + URL + " (821 MB, once) into " + cache + " ...");
      Path part = cache.resolve(tarball.getFileName() + ".part");
      HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(URL)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new IOException("downloading " + URL + " failed: HTTP " + response.statusCode());
      }
      try (InputStream in = response.body()) {
        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(part, tarball, StandardCopyOption.REPLACE_EXISTING);
    }
    if (!Files.isDirectory(home.resolve("lib"))) {
      progress.accept("Unpacking " + tarball + " ...");
      Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", cache.toString()).inheritIO().start();
      if (tar.waitFor() != 0) {
        throw new IOException("tar xzf " + tarball + " failed with code " + tar.exitValue());
      }
    }
    // Plugins are hard links into lib/: deleting a plugin folder frees nothing of lib/ and keeps the others whole.
    try (Stream<Path> plugins = Files.list(home.resolve("plugin"))) {
      for (Path plugin : plugins.toList()) {
        if (!KEPT_PLUGINS.contains(plugin.getFileName().toString())) {
          deleteFolder(plugin);
        }
      }
    }
    Files.writeString(ready, "plugins kept: " + KEPT_PLUGINS + "\n", StandardCharsets.UTF_8);
    return home;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  static void deleteFolder(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
