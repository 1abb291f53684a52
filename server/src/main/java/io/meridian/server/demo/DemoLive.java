package io.meridian.server.demo;

import static java.util.Objects.requireNonNull;

import io.meridian.pinot.testing.TestingPinot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The demo's live part: a real Apache Pinot 0.11 (with its Kafka) started as a child JVM in {@code dir/pinot}, a
 * REALTIME table {@code plays} with the lake's columns fed from a Kafka topic, and a thread that streams new plays
 * into it (accounts, tracks, devices and countries drawn from the generated history, played now). The demo model's
 * {@code plays} then reads the hybrid table {@code events.plays}: history from the lake, the live tail from Pinot.
 */
public final class DemoLive implements AutoCloseable {
  /** Pinot's source name in meridian.yaml. */
  public static final String SOURCE = "live";
  /** The hybrid source's name in meridian.yaml: its table {@code plays} is {@code events.plays}. */
  public static final String HYBRID_SOURCE = "events";
  /** Plays streamed per second. */
  public static final int PLAYS_PER_SECOND = 20;
  private static final String TOPIC = "plays";

  private final TestingPinot pinot;
  private final Thread streamer;
  private final AtomicLong produced = new AtomicLong();
  private volatile boolean stopping;

  private DemoLive(TestingPinot pinot, List<List<Object>> history) {
    this.pinot = pinot;
    this.streamer = new Thread(() -> stream(history), "meridian-demo-live");
    streamer.setDaemon(true);
  }

  /** Starts Pinot, creates the table and starts streaming; throws if any of it fails (the demo then goes on without). */
  public static DemoLive start(Path dir, DemoData.Table plays) throws IOException {
    requireNonNull(plays, "plays is null");
    Path folder = dir.resolve("pinot");
    deleteRecursively(folder);
    // Bounded in time: the child halts by itself after a day even if this JVM is killed without cleanup.
    TestingPinot pinot = TestingPinot.start(folder, Duration.ofHours(24));
    try {
      pinot.createTopic(TOPIC, 1);
      pinot.addSchema("""
          {"schemaName": "plays",
           "dimensionFieldSpecs": [{"name": "play_id", "dataType": "LONG"}, {"name": "account_id", "dataType": "INT"},
             {"name": "track_id", "dataType": "INT"}, {"name": "device", "dataType": "STRING"},
             {"name": "country", "dataType": "STRING"}],
           "metricFieldSpecs": [{"name": "ms_played", "dataType": "INT"}],
           "dateTimeFieldSpecs": [{"name": "played_at", "dataType": "TIMESTAMP", "format": "1:MILLISECONDS:EPOCH",
             "granularity": "1:MILLISECONDS"}]}
          """);
      pinot.addRealtimeTable("plays", "played_at", TOPIC, 500_000, "6h");
      DemoLive live = new DemoLive(pinot, plays.rows());
      live.streamer.start();
      return live;
    } catch (RuntimeException e) {
      pinot.close();
      throw e;
    }
  }

  public TestingPinot pinot() {
    return pinot;
  }

  /** Plays sent to Kafka so far. */
  public long produced() {
    return produced.get();
  }

  /** The {@code meridian.yaml} lines of the Pinot source and the hybrid source over the lake and Pinot. */
  public String configYaml(String lakeSource) {
    return "  - name: " + SOURCE + "\n"
        + "    kind: pinot\n"
        + "    pinot:\n"
        + "      controller: " + pinot.controller() + "\n"
        + "      broker: " + pinot.broker() + "\n"
        + "      version-granularity: 1s\n"
        + "  - name: " + HYBRID_SOURCE + "\n"
        + "    kind: hybrid\n"
        + "    hybrid:\n"
        + "      tables:\n"
        + "        - name: plays\n"
        + "          history: " + lakeSource + ".plays     # complete up to its latest play\n"
        + "          recent: " + SOURCE + ".plays\n"
        + "          time-column: played_at\n";
  }

  private void stream(List<List<Object>> history) {
    Random random = new Random(20_240_601L);
    long id = 1_000_000_000_000L;
    long intervalNanos = 1_000_000_000L / PLAYS_PER_SECOND;
    long next = System.nanoTime();
    while (!stopping) {
      List<Object> like = history.get(random.nextInt(history.size()));
      Object country = like.get(6);
      String json = "{\"play_id\":" + id++ + ",\"account_id\":" + like.get(1) + ",\"track_id\":" + like.get(2)
          + ",\"played_at\":" + System.currentTimeMillis() + ",\"ms_played\":" + (1_000 + random.nextInt(299_000))
          + ",\"device\":\"" + like.get(5) + "\",\"country\":\"" + (country == null ? "GB" : country) + "\"}";
      try {
        pinot.produce(TOPIC, json);
        produced.incrementAndGet();
      } catch (RuntimeException e) {
        if (!stopping) {
          System.err.println("meridian demo: live stream stopped: " + e.getMessage());
        }
        return;
      }
      next += intervalNanos;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The model file's {@code plays} read the hybrid table instead of the lake's. */
  static String hybridModel(String listeningYaml, String lakeSource) {
    return listeningYaml.replace("source: " + lakeSource + ".plays", "source: " + HYBRID_SOURCE + ".plays");
  }

  @Override
  public void close() {
    stopping = true;
    streamer.interrupt();
    pinot.close();
  }

  private static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
