package io.meridian.pinot.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.pinot.plugin.stream.kafka20.server.KafkaDataServerStartable;
import org.apache.pinot.spi.stream.StreamDataServerStartable;
import org.apache.pinot.tools.admin.command.StartBrokerCommand;
import org.apache.pinot.tools.admin.command.StartControllerCommand;
import org.apache.pinot.tools.admin.command.StartServerCommand;
import org.apache.pinot.tools.utils.KafkaStarterUtils;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/**
 * A whole Apache Pinot 0.11 cluster in one JVM, for tests and the demo: ZooKeeper, controller, broker, server and the
 * Kafka 2.8 broker Pinot already depends on, every listener on the loopback interface. It runs as a child process
 * (see {@link TestingPinot}), never inside Meridian's JVM: Pinot's class path holds an older Calcite.
 *
 * <p>Arguments: {@code <dir> <zk> <controller> <broker> <server-netty> <server-admin> <kafka> [max-lifetime-seconds]}
 * (ports; the process halts after its lifetime, default an hour). It prints
 * {@code @@meridian READY} once every part is up, then reads commands, one a line, from standard input:
 * {@code produce <topic> <json>} sends one event to Kafka and answers {@code @@meridian OK};
 * {@code produce-file <topic> <path>} sends each line of a file as one event and answers
 * {@code @@meridian OK <events>} once Kafka acknowledged them all; {@code topic <name> <partitions>} creates a topic.
 * End of input stops the process (the parent died or closed it): the process halts rather than shutting down
 * ZooKeeper in order, because Pinot's participants retry a missing ZooKeeper forever.
 */
public final class PinotRunner {
  private PinotRunner() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    File dir = new File(args[0]);
    int zkPort = Integer.parseInt(args[1]);
    int controllerPort = Integer.parseInt(args[2]);
    int brokerPort = Integer.parseInt(args[3]);
    int serverPort = Integer.parseInt(args[4]);
    int serverAdminPort = Integer.parseInt(args[5]);
    int kafkaPort = Integer.parseInt(args[6]);
    long maxLifetimeSeconds = args.length > 7 ? Long.parseLong(args[7]) : 3600;
    String host = "localhost";
    // Bounded in time whatever happens to the parent: a test run or a demo never leaves Pinot behind for long.
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(TimeUnit.SECONDS.toMillis(maxLifetimeSeconds));
      } catch (InterruptedException e) {
        return;
      }
      Runtime.getRuntime().halt(3);
    }, "max-lifetime");
    watchdog.setDaemon(true);
    watchdog.start();
    String zk = "127.0.0.1:" + zkPort;

    startZooKeeper(new File(dir, "zk"), zkPort);

    Properties kafka = new Properties();
    kafka.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort);
    kafka.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort);
    kafka.setProperty("log.dirs", new File(dir, "kafka").getAbsolutePath());
    kafka.setProperty("offsets.topic.replication.factor", "1");
    kafka.setProperty("transaction.state.log.replication.factor", "1");
    kafka.setProperty("transaction.state.log.min.isr", "1");
    kafka.setProperty("group.initial.rebalance.delay.ms", "0");
    kafka.setProperty("auto.create.topics.enable", "true");
    kafka.setProperty("num.partitions", "1");
    kafka.setProperty("broker.id", "0");
    kafka.setProperty("zookeeper.connect", zk + "/kafka");
    kafka.put("port", kafkaPort);
    // Pinot's own starter (KafkaStarterUtils) replaces the listeners with a wildcard one; this one keeps them.
    StreamDataServerStartable kafkaServer = new KafkaDataServerStartable();
    kafkaServer.init(kafka);
    kafkaServer.start();

    Map<String, Object> controllerConf = new HashMap<>();
    controllerConf.put("controller.host", host);
    // The controller uploads segments it builds (ingestFromURI) to its own "VIP"; by default that is the machine's
    // address, which must not be used: loopback only.
    controllerConf.put("controller.vip.host", "127.0.0.1");
    controllerConf.put("controller.vip.port", String.valueOf(controllerPort));
    controllerConf.put("controller.access.protocols", "http");
    controllerConf.put("controller.access.protocols.http.host", "127.0.0.1");
    controllerConf.put("controller.access.protocols.http.port", String.valueOf(controllerPort));
    controllerConf.put("controller.realtime.segment.validation.frequencyPeriod", "1h");
    controllerConf.put("controller.segment.relocator.frequencyPeriod", "1h");
    if (!new StartControllerCommand().setControllerPort(String.valueOf(controllerPort)).setZkAddress(zk)
        .setClusterName("meridian").setDataDir(new File(dir, "controller").getAbsolutePath())
        .setConfigOverrides(controllerConf).execute()) {
      throw new IllegalStateException("controller did not start");
    }
    Map<String, Object> brokerConf = new HashMap<>();
    brokerConf.put("pinot.broker.hostname", host);
    brokerConf.put("pinot.broker.client.access.protocols", "http");
    brokerConf.put("pinot.broker.client.access.protocols.http.host", "127.0.0.1");
    brokerConf.put("pinot.broker.client.access.protocols.http.port", String.valueOf(brokerPort));
    brokerConf.put("pinot.broker.timeoutMs", "30000");
    if (!new StartBrokerCommand().setPort(brokerPort).setZkAddress(zk).setClusterName("meridian")
        .setConfigOverrides(brokerConf).execute()) {
      throw new IllegalStateException("broker did not start");
    }
    Map<String, Object> serverConf = new HashMap<>();
    serverConf.put("pinot.server.netty.host", host);
    serverConf.put("pinot.server.instance.hostname", host);
    serverConf.put("pinot.server.adminapi.access.protocols", "http");
    serverConf.put("pinot.server.adminapi.access.protocols.http.host", "127.0.0.1");
    serverConf.put("pinot.server.adminapi.access.protocols.http.port", String.valueOf(serverAdminPort));
    serverConf.put("pinot.server.grpc.enable", "false");
    // Smaller than Pinot's default (100000) so that tests can reach it cheaply: a GROUP BY over more groups than
    // this makes Pinot cut groups and say so (numGroupsLimitReached).
    serverConf.put("pinot.server.query.executor.num.groups.limit", "13000");
    if (!new StartServerCommand().setPort(serverPort).setAdminPort(serverAdminPort).setZkAddress(zk)
        .setClusterName("meridian").setDataDir(new File(dir, "server-data").getAbsolutePath())
        .setSegmentDir(new File(dir, "server-segments").getAbsolutePath()).setConfigOverrides(serverConf).execute()) {
      throw new IllegalStateException("server did not start");
    }

    Properties producerConf = new Properties();
    producerConf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
    producerConf.put(ProducerConfig.ACKS_CONFIG, "1");
    producerConf.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerConf, new StringSerializer(), new StringSerializer())) {
      reply(out, "READY");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        try {
          String[] parts = line.split(" ", 3);
          switch (parts[0]) {
            case "produce" -> {
              producer.send(new ProducerRecord<>(parts[1], parts[2])).get(30, TimeUnit.SECONDS);
              reply(out, "OK");
            }
            case "produce-file" -> {
              // Every line of the file is one event: sent without waiting for each, then all acknowledged.
              List<Future<RecordMetadata>> sends = new ArrayList<>();
              try (BufferedReader events = Files.newBufferedReader(Path.of(parts[2]), StandardCharsets.UTF_8)) {
                String event;
                while ((event = events.readLine()) != null) {
                  if (!event.isBlank()) {
                    sends.add(producer.send(new ProducerRecord<>(parts[1], event)));
                  }
                }
              }
              producer.flush();
              for (Future<RecordMetadata> send : sends) {
                send.get(30, TimeUnit.SECONDS);
              }
              reply(out, "OK " + sends.size());
            }
            case "topic" -> {
              kafkaServer.createTopic(parts[1], KafkaStarterUtils.getTopicCreationProps(Integer.parseInt(parts[2])));
              reply(out, "OK");
            }
            case "stop" -> {
              reply(out, "OK");
              Runtime.getRuntime().halt(0);
            }
            default -> reply(out, "ERROR unknown command " + parts[0]);
          }
        } catch (Exception e) {
          reply(out, "ERROR " + String.valueOf(e).replace('\n', ' '));
        }
      }
    }
    Runtime.getRuntime().halt(0);
  }

  /** Protocol lines carry a prefix: Pinot's own logging shares standard output. */
  static final String PREFIX = "@@meridian ";

  private static void reply(PrintStream out, String line) {
    out.println(PREFIX + line);
  }

  /** A standalone ZooKeeper on 127.0.0.1 only, in a daemon thread. */
  private static void startZooKeeper(File dir, int port) throws Exception {
    Properties p = new Properties();
    p.setProperty("dataDir", dir.getAbsolutePath());
    p.setProperty("clientPort", String.valueOf(port));
    p.setProperty("clientPortAddress", "127.0.0.1");
    p.setProperty("tickTime", "2000");
    p.setProperty("maxClientCnxns", "0");
    p.setProperty("admin.enableServer", "false");
    QuorumPeerConfig quorum = new QuorumPeerConfig();
    quorum.parseProperties(p);
    ServerConfig config = new ServerConfig();
    config.readFrom(quorum);
    Thread zk = new Thread(() -> {
      try {
        new ZooKeeperServerMain().runFromConfig(config);
      } catch (Exception e) {
        e.printStackTrace();
      }
    }, "zookeeper");
    zk.setDaemon(true);
    zk.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("ZooKeeper did not start on port " + port);
  }
}
