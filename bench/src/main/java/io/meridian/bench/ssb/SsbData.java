package io.meridian.bench.ssb;

import static java.util.Objects.requireNonNull;

import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.LakeWriter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The SSB data of one scale factor, in every store the benchmark reads: an embedded PostgreSQL (started here, on a
 * loopback port, its data folder kept between runs) holding the four dimensions and {@code lineorder} in database
 * {@code ssb}, an Iceberg table {@code ssb.lineorder} partitioned by order month in a JDBC catalog kept in database
 * {@code iceberg} of the same server (so Meridian's lake source and Trino's Iceberg connector read the same table),
 * and the dimensions as {@code |}-separated text files for DuckDB.
 *
 * <p>Beside it, the history of Meridian's hybrid {@code lineorder} ({@link SsbHybrid}): the Iceberg table
 * {@code ssb.lineorder_history}, every row ordered up to {@link SsbHybrid#HISTORY_LAST_DAY}. It shares
 * {@code ssb.lineorder}'s data files of the months before that day's month (the same files, listed in both tables'
 * metadata: nothing is copied) and holds one file of its own with that month's rows up to that day. Since files are
 * shared, {@code ssb.lineorder}'s snapshots must never be expired, nor either table dropped with purge.
 *
 * <p>Data of the same scale factor and generator version is reused: a run writes the table {@code ssb_info} last,
 * and a later run that finds it skips generation. Anything else is dropped and written again. The history table is
 * made when missing (also over data an earlier version of the harness wrote) or when it ends on another day; its
 * last day is the table property {@value #HISTORY_LAST_DAY_PROPERTY}, set last.
 */
public final class SsbData implements AutoCloseable {
  /** The Iceberg catalog's name: the same as Meridian's lake source, which opens the catalog under its own name. */
  public static final String CATALOG = "lake";
  public static final TableIdentifier LINEORDER = TableIdentifier.of(Namespace.of("ssb"), "lineorder");
  /** The history of Meridian's hybrid {@code lineorder}: order dates up to {@link SsbHybrid#HISTORY_LAST_DAY}. */
  public static final TableIdentifier LINEORDER_HISTORY = TableIdentifier.of(Namespace.of("ssb"),
      "lineorder_history");
  /** The history table's property holding its last order date (yyyymmdd), set once the table is complete. */
  static final String HISTORY_LAST_DAY_PROPERTY = "meridian.ssb.history-last-day";
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path folder;
  private final double scaleFactor;
  private List<Path> lineorderFiles = List.of();
  private long lineorderRows;
  private long lineorderBytes;
  private int partitions;
  private long historyRows;
  private int historyFiles;
  private int historySharedFiles;
  private boolean reused;
  private Duration loadTime = Duration.ZERO;

  private SsbData(EmbeddedPostgres postgres, Path folder, double scaleFactor) {
    this.postgres = postgres;
    this.folder = folder;
    this.scaleFactor = scaleFactor;
  }

  /** Starts PostgreSQL in {@code folder/pg} and makes sure the data of {@code scaleFactor} is there. */
  public static SsbData open(Path folder, double scaleFactor, Consumer<String> progress) throws IOException,
      SQLException {
    requireNonNull(progress, "progress is null");
    Path absolute = folder.toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    long started = System.nanoTime();
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(absolute.resolve("pg"))
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(120))
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "200")
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("full_page_writes", "off")
        .setServerConfig("shared_buffers", "1GB")
        .setServerConfig("work_mem", "64MB")
        .setServerConfig("maintenance_work_mem", "256MB")
        .setServerConfig("max_wal_size", "4GB")
        .start();
    progress.accept(String.format(Locale.ROOT, "PostgreSQL %s started on 127.0.0.1:%d in %.1f s", "(embedded)",
        pg.getPort(), (System.nanoTime() - started) / 1e9));
    SsbData data = new SsbData(pg, absolute, scaleFactor);
    try {
      data.ensure(progress);
    } catch (IOException | SQLException | RuntimeException e) {
      data.close();
      throw e;
    }
    return data;
  }

  public int port() {
    return postgres.getPort();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
  }

  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, "");
  }

  public Path folder() {
    return folder;
  }

  public Path warehouse() {
    return folder.resolve("warehouse");
  }

  /** The dimension's text file for DuckDB ({@code |}-separated, no header). */
  public Path dimensionFile(SsbSchema.Table table) {
    return folder.resolve("csv").resolve(table.name() + ".tbl");
  }

  public double scaleFactor() {
    return scaleFactor;
  }

  /** The current snapshot's data files of {@code lineorder}, local paths. */
  public List<Path> lineorderFiles() {
    return lineorderFiles;
  }

  public long lineorderRows() {
    return lineorderRows;
  }

  public long lineorderBytes() {
    return lineorderBytes;
  }

  public int partitions() {
    return partitions;
  }

  /** Rows of the hybrid's history table ({@code ssb.lineorder_history}). */
  public long historyRows() {
    return historyRows;
  }

  /** Data files of the history table. */
  public int historyFiles() {
    return historyFiles;
  }

  /** Of the history table's data files, those it shares with {@code ssb.lineorder}. */
  public int historySharedFiles() {
    return historySharedFiles;
  }

  public boolean reused() {
    return reused;
  }

  public Duration loadTime() {
    return loadTime;
  }

  /** A new catalog over the Iceberg table's JDBC catalog; close it after use. */
  public Catalog catalog() {
    return Catalogs.jdbc(CATALOG, jdbcUrl("iceberg"), Map.of("user", USER, "password", ""), warehouse());
  }

  private String marker() {
    return String.format(Locale.ROOT, "sf=%s generator=%d", scaleFactor, SsbGenerator.VERSION);
  }

  private void ensure(Consumer<String> progress) throws IOException, SQLException {
    if (upToDate()) {
      reused = true;
      progress.accept("SSB data of SF " + scaleFactor + " found; reused");
    } else {
      long started = System.nanoTime();
      load(progress);
      loadTime = Duration.ofNanos(System.nanoTime() - started);
    }
    ensureHistory(progress);
    describeLake();
    try (Connection c = connect("ssb"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT load_millis FROM ssb_info")) {
      if (reused && rs.next()) {
        loadTime = Duration.ofMillis(rs.getLong(1));
      }
    }
  }

  private boolean upToDate() throws SQLException {
    try (Connection c = connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'ssb'")) {
      if (!rs.next()) {
        return false;
      }
    }
    try (Connection c = connect("ssb"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT marker FROM ssb_info")) {
      return rs.next() && marker().equals(rs.getString(1));
    } catch (SQLException e) {
      return false;
    }
  }

  private void load(Consumer<String> progress) throws IOException, SQLException {
    progress.accept("Generating SSB data at SF " + scaleFactor + " ...");
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS ssb");
      s.execute("DROP DATABASE IF EXISTS iceberg");
      s.execute("CREATE DATABASE ssb");
      s.execute("CREATE DATABASE iceberg");
    }
    deleteFolder(warehouse());
    deleteFolder(folder.resolve("csv"));
    Files.createDirectories(folder.resolve("csv"));
    SsbGenerator generator = new SsbGenerator(scaleFactor);

    long started = System.nanoTime();
    // The lake table is written while PostgreSQL loads (two cores: one each).
    CompletableFuture<Void> lake = CompletableFuture.runAsync(() -> writeLake(generator));
    try (Connection c = connect("ssb"); Statement s = c.createStatement()) {
      for (SsbSchema.Table table : SsbSchema.DIMENSIONS) {
        s.execute(table.createSql());
        Path file = dimensionFile(table);
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
          Consumer<Object[]> sink = row -> writeLine(w, row);
          switch (table.name()) {
            case "dates" -> SsbGenerator.dates(sink);
            case "customer" -> generator.customers(sink);
            case "supplier" -> generator.suppliers(sink);
            case "part" -> generator.parts(sink);
            default -> throw new IllegalStateException(table.name());
          }
        }
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          c.unwrap(PGConnection.class).getCopyAPI()
              .copyIn("COPY " + table.name() + " FROM STDIN (FORMAT text, DELIMITER '|')", reader);
        }
        s.execute("ALTER TABLE " + table.name() + " ADD PRIMARY KEY (" + SsbSchema.primaryKey(table) + ")");
      }
      progress.accept(String.format(Locale.ROOT, "  dimensions loaded into PostgreSQL (%.1f s)",
          (System.nanoTime() - started) / 1e9));
      s.execute(SsbSchema.LINEORDER.createSql());
      long rows = copyLineorder(c, generator);
      progress.accept(String.format(Locale.ROOT, "  lineorder: %,d rows loaded into PostgreSQL (%.1f s)", rows,
          (System.nanoTime() - started) / 1e9));
      s.execute("ANALYZE");
    }
    try {
      lake.join();
    } catch (RuntimeException e) {
      throw new IllegalStateException("writing the Iceberg table failed: " + e.getMessage(), e);
    }
    progress.accept(String.format(Locale.ROOT, "  lineorder written to Iceberg (%.1f s)",
        (System.nanoTime() - started) / 1e9));
    try (Connection c = connect("ssb"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ssb_info (marker VARCHAR NOT NULL, load_millis BIGINT NOT NULL)");
      s.execute("INSERT INTO ssb_info VALUES ('" + marker() + "', "
          + (System.nanoTime() - started) / 1_000_000 + ")");
    }
  }

  private static long copyLineorder(Connection c, SsbGenerator generator) throws SQLException {
    CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY lineorder FROM STDIN (FORMAT text, DELIMITER '|')");
    long rows = 0;
    try {
      StringBuilder line = new StringBuilder(256);
      byte[] buffer;
      StringBuilder chunk = new StringBuilder(1 << 20);
      for (Iterator<Object[]> it = generator.lineorders(0, generator.orders()); it.hasNext(); ) {
        Object[] row = it.next();
        line.setLength(0);
        for (int i = 0; i < row.length; i++) {
          if (i > 0) {
            line.append('|');
          }
          line.append(row[i]);
        }
        chunk.append(line).append('\n');
        rows++;
        if (chunk.length() > (1 << 20) - 512) {
          buffer = chunk.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(buffer, 0, buffer.length);
          chunk.setLength(0);
        }
      }
      buffer = chunk.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(buffer, 0, buffer.length);
      copy.endCopy();
      return rows;
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  private void writeLake(SsbGenerator generator) {
    Catalog catalog = catalog();
    try {
      LakeWriter writer = LakeWriter.create(catalog);
      var schema = SsbSchema.LINEORDER.icebergSchema();
      Table table = writer.createTable(LINEORDER, schema, SsbSchema.lineorderSpec(schema));
      GenericRecord template = GenericRecord.create(schema);
      // One append (one commit): orders come in random date order, so the writer keeps one file per month open.
      writer.appendRecords(table, () -> new Iterator<Record>() {
        private final Iterator<Object[]> rows = generator.lineorders(0, generator.orders());

        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Record next() {
          Object[] row = rows.next();
          GenericRecord record = template.copy();
          for (int i = 0; i < row.length; i++) {
            record.set(i, row[i]);
          }
          return record;
        }
      });
    } finally {
      closeQuietly(catalog);
    }
  }

  /**
   * Makes {@code ssb.lineorder_history} unless it is there, complete, and ends on {@link SsbHybrid#HISTORY_LAST_DAY}:
   * one commit listing {@code ssb.lineorder}'s files of the months before that day's month, one commit of a new file
   * with that month's rows up to that day (read from {@code ssb.lineorder}'s file of the month), then the property
   * that says it is complete. A table in any other state is dropped first, without purging (its files may be shared).
   */
  private void ensureHistory(Consumer<String> progress) {
    int lastDay = SsbGenerator.dateKey(SsbHybrid.HISTORY_LAST_DAY);
    int lastMonth = lastDay / 100 * 100; // the partition value of truncate(100, lo_orderdate)
    Catalog catalog = catalog();
    try {
      if (catalog.tableExists(LINEORDER_HISTORY)) {
        Table history = catalog.loadTable(LINEORDER_HISTORY);
        if (String.valueOf(lastDay).equals(history.properties().get(HISTORY_LAST_DAY_PROPERTY))) {
          return;
        }
        catalog.dropTable(LINEORDER_HISTORY, false);
      }
      long started = System.nanoTime();
      Table full = catalog.loadTable(LINEORDER);
      LakeWriter writer = LakeWriter.create(catalog);
      var schema = SsbSchema.LINEORDER.icebergSchema();
      Table history = writer.createTable(LINEORDER_HISTORY, schema, SsbSchema.lineorderSpec(schema));
      AppendFiles shared = history.newAppend();
      int files = 0;
      // With their column statistics: the hybrid's boundary is read from the files' upper bounds.
      try (CloseableIterable<FileScanTask> tasks = full.newScan().includeColumnStats().planFiles()) {
        for (FileScanTask task : tasks) {
          Integer month = task.file().partition().get(0, Integer.class);
          if (month < lastMonth) {
            shared.appendFile(task.file().copy());
            files++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      shared.commit();
      try (CloseableIterable<Record> rows = IcebergGenerics.read(full)
          .where(Expressions.and(Expressions.greaterThanOrEqual("lo_orderdate", lastMonth),
              Expressions.lessThanOrEqual("lo_orderdate", lastDay)))
          .build()) {
        writer.appendRecords(history, rows);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      history.refresh();
      history.updateProperties().set(HISTORY_LAST_DAY_PROPERTY, String.valueOf(lastDay)).commit();
      progress.accept(String.format(Locale.ROOT, "  lineorder_history (order dates up to %s) made in %.1f s: %d files"
          + " shared with lineorder, the rest of its last month written anew", SsbHybrid.HISTORY_LAST_DAY,
          (System.nanoTime() - started) / 1e9, files));
    } finally {
      closeQuietly(catalog);
    }
  }

  private void describeLake() {
    Catalog catalog = catalog();
    try {
      Table table = catalog.loadTable(LINEORDER);
      List<Path> files = new ArrayList<>();
      java.util.Set<String> parts = new java.util.HashSet<>();
      long bytes = 0;
      long rows = 0;
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          files.add(localPath(task.file().location()));
          parts.add(task.spec().partitionToPath(task.file().partition()));
          bytes += task.file().fileSizeInBytes();
          rows += task.file().recordCount();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      lineorderFiles = List.copyOf(files);
      lineorderBytes = bytes;
      lineorderRows = rows;
      partitions = parts.size();
      java.util.Set<String> fullFiles = new java.util.HashSet<>();
      files.forEach(f -> fullFiles.add(f.toString()));
      Table history = catalog.loadTable(LINEORDER_HISTORY);
      long historyRowCount = 0;
      int historyFileCount = 0;
      int shared = 0;
      try (CloseableIterable<FileScanTask> tasks = history.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          historyRowCount += task.file().recordCount();
          historyFileCount++;
          if (fullFiles.contains(localPath(task.file().location()).toString())) {
            shared++;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      historyRows = historyRowCount;
      historyFiles = historyFileCount;
      historySharedFiles = shared;
    } finally {
      closeQuietly(catalog);
    }
  }

  private static void writeLine(Writer w, Object[] row) {
    try {
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          w.write('|');
        }
        w.write(String.valueOf(row[i]));
      }
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path localPath(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location.startsWith("file:/") && !location.startsWith("file://")
          ? "file://" + location.substring("file:".length()) : location));
    }
    return Path.of(location);
  }

  private static void deleteFolder(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void closeQuietly(Catalog catalog) {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        // Nothing to report: a pool that did not close cleanly at the end of a run.
      }
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
