package io.meridian.pinot.testing;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Pinot 0.11 for tests and the demo, started as a child JVM ({@link PinotRunner}) whose class path is
 * the one this module's build wrote next to this class: no Pinot class enters the caller's JVM.
 *
 * <p>{@link #shared()} gives one cluster per JVM, started on first use and stopped when the JVM exits; the child also
 * halts when its standard input closes (the parent died) and after a maximum lifetime. Stopping is SIGTERM, then
 * SIGKILL after 20 seconds. Talks to the cluster through the controller's REST API and the runner's command protocol
 * (Kafka events are produced inside the child, which already has the Kafka client).
 */
public final class TestingPinot implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static TestingPinot shared;

  private final Path dir;
  private final Process process;
  private final Writer commands;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final int controllerPort;
  private final int brokerPort;
  private final int kafkaPort;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private TestingPinot(Path dir, Duration maxLifetime) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    int[] ports = freePorts(6);
    controllerPort = ports[1];
    brokerPort = ports[2];
    kafkaPort = ports[5];
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-XX:+UseSerialGC");
    // Pinot's broker writes TIMESTAMP values as text in its own zone; Meridian reads them as UTC.
    command.add("-Duser.timezone=UTC");
    for (String pkg : List.of("java.nio", "sun.nio.ch", "java.lang", "java.util", "java.lang.reflect", "java.io",
        "java.net", "java.util.concurrent", "jdk.internal.ref", "jdk.internal.misc", "sun.security.action")) {
      command.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
    }
    command.add("-cp");
    command.add(classPath());
    command.add(PinotRunner.class.getName());
    command.add(dir.toAbsolutePath().toString());
    for (int port : ports) {
      command.add(String.valueOf(port));
    }
    command.add(String.valueOf(maxLifetime.toSeconds()));
    // Pinot writes logs/ into its working directory: keep it in the cluster's own folder.
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    builder.environment().remove("CLASSPATH");
    process = builder.start();
    commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
    Path log = dir.resolve("pinot.log");
    Thread reader = new Thread(() -> pump(process.getInputStream(), log), "pinot-runner-output");
    reader.setDaemon(true);
    reader.start();
    String ready = reply(START_TIMEOUT);
    if (!"READY".equals(ready)) {
      close();
      throw new IllegalStateException("Pinot did not start (" + ready + "); see " + log);
    }
  }

  /** Starts a cluster in {@code dir}; the caller closes it. It halts by itself after {@code maxLifetime}. */
  public static TestingPinot start(Path dir, Duration maxLifetime) throws IOException {
    return new TestingPinot(dir, maxLifetime);
  }

  /** The cluster shared by every test of this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized TestingPinot shared() throws IOException {
    if (shared == null) {
      Path dir = Files.createTempDirectory("meridian-pinot");
      shared = new TestingPinot(dir, Duration.ofMinutes(60));
      TestingPinot started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.close();
        deleteQuietly(dir);
      }, "pinot-runner-stop"));
    }
    return shared;
  }

  public URI controller() {
    return URI.create("http://127.0.0.1:" + controllerPort);
  }

  public URI broker() {
    return URI.create("http://127.0.0.1:" + brokerPort);
  }

  /** Kafka's bootstrap address, as Pinot's stream configuration and producers need it. */
  public String kafka() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** Creates a Kafka topic. */
  public synchronized void createTopic(String topic, int partitions) {
    command("topic " + topic + " " + partitions);
  }

  /** Produces one JSON event (on one line) to a topic, waiting for Kafka's acknowledgement. */
  public synchronized void produce(String topic, String json) {
    if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("one event per line: " + json);
    }
    command("produce " + topic + " " + json);
  }

  /**
   * Produces every line of {@code file} (one JSON event a line) to a topic, in order, and returns once Kafka has
   * acknowledged them all; returns how many were sent. Much faster than {@link #produce} per event: the sends are not
   * awaited one by one. The file must be readable by the child process.
   */
  public synchronized long produceFile(String topic, Path file, Duration timeout) {
    String reply = ask("produce-file " + topic + " " + file.toAbsolutePath(), timeout);
    if (!reply.startsWith("OK ")) {
      throw new IllegalStateException("Pinot runner: " + reply);
    }
    return Long.parseLong(reply.substring(3).trim());
  }

  /** Adds a schema (Pinot's schema JSON). */
  public void addSchema(String schemaJson) {
    send("POST", controller().resolve("/schemas"), schemaJson);
  }

  /** Adds a table (Pinot's table config JSON, OFFLINE or REALTIME). */
  public void addTable(String tableConfigJson) {
    send("POST", controller().resolve("/tables"), tableConfigJson);
  }

  /**
   * Adds a REALTIME table {@code table} (with the schema of the same name, time column {@code timeColumn}) consuming
   * JSON events from {@code topic} on this cluster's Kafka: low-level consumer, from the earliest offset; a segment is
   * committed after {@code flushRows} rows or {@code flushTime} (Pinot's spelling, such as {@code 6h}, its default).
   */
  public void addRealtimeTable(String table, String timeColumn, String topic, int flushRows, String flushTime) {
    addTable(String.format(java.util.Locale.ROOT, """
        {"tableName": "%s", "tableType": "REALTIME",
         "segmentsConfig": {"timeColumnName": "%s", "replicasPerPartition": "1", "schemaName": "%s"},
         "tableIndexConfig": {"streamConfigs": {
           "streamType": "kafka",
           "stream.kafka.consumer.type": "lowlevel",
           "stream.kafka.topic.name": "%s",
           "stream.kafka.decoder.class.name": "org.apache.pinot.plugin.stream.kafka.KafkaJSONMessageDecoder",
           "stream.kafka.consumer.factory.class.name": "org.apache.pinot.plugin.stream.kafka20.KafkaConsumerFactory",
           "stream.kafka.broker.list": "%s",
           "stream.kafka.consumer.prop.auto.offset.reset": "smallest",
           "realtime.segment.flush.threshold.rows": "%d",
           "realtime.segment.flush.threshold.time": "%s"}},
         "tenants": {}, "metadata": {}}
        """, table, timeColumn, table, topic, kafka(), flushRows, flushTime));
  }

  /** Deletes a table of one type ({@code OFFLINE} or {@code REALTIME}) with its segments. */
  public void dropTable(String table, String type) {
    send("DELETE", controller().resolve("/tables/" + table + "?type=" + type), null);
  }

  /**
   * Loads a CSV or JSON file into an OFFLINE table as one new segment: the controller builds and uploads the segment
   * itself ({@code /ingestFromURI}); the file must be readable by the child process.
   */
  public void ingestFile(String offlineTable, Path file, String format) {
    String batchConfig = "{\"inputFormat\":\"" + format + "\"}";
    URI uri = controller().resolve("/ingestFromURI?tableNameWithType=" + encode(offlineTable + "_OFFLINE")
        + "&batchConfigMapStr=" + encode(batchConfig) + "&sourceURIStr=" + encode(file.toAbsolutePath().toUri()
        .toString()));
    send("POST", uri, "--meridian--\r\n", "multipart/form-data; boundary=meridian");
  }

  /** Sends a SQL query to the broker and returns Pinot's JSON response as text. */
  public String query(String sql) {
    String body = "{\"sql\":" + jsonString(sql) + "}";
    return send("POST", broker().resolve("/query/sql"), body);
  }

  /** Waits until {@code SELECT COUNT(*)} of a table returns {@code rows}, or fails after {@code timeout}. */
  public void awaitRowCount(String table, long rows, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = query("SELECT COUNT(*) FROM " + table);
      if (last.contains("\"rows\":[[" + rows + "]]")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("table " + table + " did not reach " + rows + " rows within " + timeout
        + "; last answer: " + last);
  }

  private String send(String method, URI uri, String body) {
    return send(method, uri, body, "application/json");
  }

  private String send(String method, URI uri, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(120))
        .header("Content-Type", contentType);
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response = http.send(request.build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException(method + " " + uri + " answered " + response.statusCode() + ": "
            + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void command(String line) {
    String reply = ask(line, Duration.ofSeconds(60));
    if (!"OK".equals(reply)) {
      throw new IllegalStateException("Pinot runner: " + reply);
    }
  }

  /** Sends one command line to the runner and returns its reply. */
  private String ask(String line, Duration timeout) {
    try {
      commands.write(line);
      commands.write('\n');
      commands.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the Pinot runner is gone; see " + dir.resolve("pinot.log"), e);
    }
    return reply(timeout);
  }

  private String reply(Duration timeout) {
    try {
      String reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return reply == null ? "no answer within " + timeout : reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private void pump(InputStream in, Path log) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith(PinotRunner.PREFIX)) {
          replies.add(line.substring(PinotRunner.PREFIX.length()));
        } else {
          out.write(line);
          out.write('\n');
          out.flush();
        }
      }
    } catch (IOException ignored) {
      // The process ended.
    }
    replies.add("EXITED");
  }

  /** Stops the cluster: SIGTERM, then SIGKILL after 20 seconds (Pinot's participants may hang without ZooKeeper). */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      // The runner halts at once on "stop"; SIGTERM is the fallback, SIGKILL the last resort.
      commands.write("stop\n");
      commands.flush();
      if (process.waitFor(5, TimeUnit.SECONDS)) {
        return;
      }
    } catch (IOException ignored) {
      // Its input is closed already; signals follow.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The runner's class path: its own classes plus the dependency list the build wrote. */
  private static String classPath() throws IOException {
    URL list = TestingPinot.class.getResource("pinot-runner.classpath");
    if (list == null) {
      throw new IllegalStateException("pinot-runner.classpath is missing; build connectors/pinot-testing first");
    }
    String dependencies;
    try (InputStream in = list.openStream()) {
      dependencies = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    try {
      Path self = Paths.get(TestingPinot.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return self + java.io.File.pathSeparator + dependencies;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Deletes a folder and everything in it, as far as possible (a leftover temporary folder is harmless). */
  private static void deleteQuietly(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // Best effort.
        }
      });
    } catch (IOException ignored) {
      // Best effort.
    }
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A JSON string literal. */
  public static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
