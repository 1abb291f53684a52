package io.meridian.server.demo;

import static java.util.Objects.requireNonNull;

import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.HadoopConf;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * The demo's lake: the play history of {@link DemoData} as the Iceberg table {@code lake.plays} (Hadoop catalog,
 * namespace {@code lake}), partitioned by {@code day(played_at)}, with the same rows as PostgreSQL's {@code plays}.
 *
 * <p>Written once and reused: the table records the seed, scale and generator version it was written from as table
 * properties, set in a last commit after all rows are in. A table with other values, without them (a write that was
 * interrupted) or whose row count differs is deleted and written again. Rows are appended one calendar month per
 * {@link LakeWriter#appendRecords} call (one commit each), so each call keeps only about 31 day files open.
 */
public final class DemoLake {
  /** The source name of the lake in meridian.yaml, and so its SQL schema. */
  public static final String SOURCE = "lake";
  /** The Iceberg namespace of the demo's tables. */
  public static final String NAMESPACE = "lake";
  /** The table of plays. */
  public static final TableIdentifier PLAYS = TableIdentifier.of(Namespace.of(NAMESPACE), "plays");
  /** The Hadoop catalog's warehouse folder, relative to the demo folder (and so to its meridian.yaml). */
  public static final String WAREHOUSE = "lake/warehouse";

  /** Table properties naming what the table was written from. */
  public static final String SEED_PROPERTY = "meridian.demo.seed";
  public static final String SCALE_PROPERTY = "meridian.demo.scale";
  public static final String GENERATOR_PROPERTY = "meridian.demo.generator-version";

  /** The columns of {@code plays}, as in PostgreSQL ({@code country} is the only nullable one). */
  public static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "play_id", Types.LongType.get()),
      Types.NestedField.required(2, "account_id", Types.IntegerType.get()),
      Types.NestedField.required(3, "track_id", Types.IntegerType.get()),
      Types.NestedField.required(4, "played_at", Types.TimestampType.withZone()),
      Types.NestedField.required(5, "ms_played", Types.IntegerType.get()),
      Types.NestedField.required(6, "device", Types.StringType.get()),
      Types.NestedField.optional(7, "country", Types.StringType.get()));

  /** One partition per day of {@code played_at} (UTC). */
  public static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("played_at").build();

  private DemoLake() {}

  /**
   * What the lake holds after {@link #ensure}.
   *
   * @param warehouse the warehouse folder
   * @param snapshotId the table's current snapshot
   * @param rows rows in the table
   * @param dataFiles data files in the table
   * @param partitions day partitions in the table
   * @param reused whether the table was kept from an earlier start rather than written now
   * @param elapsed how long checking (and writing) the table took
   */
  public record State(Path warehouse, long snapshotId, long rows, int dataFiles, int partitions, boolean reused,
      Duration elapsed) {
    public State {
      requireNonNull(warehouse, "warehouse is null");
      requireNonNull(elapsed, "elapsed is null");
    }

    /** The table's SQL name, {@code lake.plays}. */
    public String tableName() {
      return SOURCE + "." + PLAYS.name();
    }
  }

  /**
   * Makes sure {@code warehouse} holds table {@code lake.plays} with exactly the plays of {@code data}: reuses it
   * when it was written from the same seed, scale and generator version and has the right row count, otherwise
   * deletes it and writes it again.
   */
  public static State ensure(Path warehouse, DemoData data, DemoData.Table plays) {
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(data, "data is null");
    requireNonNull(plays, "plays is null");
    if (!plays.name().equals(PLAYS.name())) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER, "not the plays table: " + plays.name());
    }
    long started = System.nanoTime();
    Map<String, String> wanted = wanted(data);
    Catalog catalog = catalog(warehouse);
    try {
      boolean reused = isUpToDate(catalog, wanted, plays.rows().size());
      if (!reused) {
        deleteTable(warehouse);
        write(catalog, wanted, plays.rows());
      }
      Table table = catalog.loadTable(PLAYS);
      return describe(warehouse, table, reused, Duration.ofNanos(System.nanoTime() - started));
    } finally {
      closeQuietly(catalog);
    }
  }

  /**
   * A Hadoop catalog on {@code warehouse}, as {@link Catalogs#hadoop} builds it but with {@link NioLocalFileSystem}
   * for local files, which writes the ~1,600 day files without starting a process for each.
   */
  static Catalog catalog(Path warehouse) {
    Path folder = warehouse.toAbsolutePath().normalize();
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION,
          "Cannot create the demo lake folder " + folder + ": " + e.getMessage(), e);
    }
    Configuration conf = HadoopConf.local();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    return CatalogUtil.buildIcebergCatalog(Catalogs.DEFAULT_NAME, Map.of(
        CatalogUtil.ICEBERG_CATALOG_TYPE, CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP,
        CatalogProperties.WAREHOUSE_LOCATION, folder.toUri().toString()), conf);
  }

  /** Whether {@code warehouse} holds the plays of {@code data}, so that {@link #ensure} would reuse them. */
  static boolean isCurrent(Path warehouse, DemoData data) {
    Catalog catalog = catalog(warehouse);
    try {
      return isUpToDate(catalog, wanted(data), data.playCount());
    } finally {
      closeQuietly(catalog);
    }
  }

  private static Map<String, String> wanted(DemoData data) {
    return Map.of(
        SEED_PROPERTY, Long.toString(data.seed()),
        SCALE_PROPERTY, Integer.toString(data.scale()),
        GENERATOR_PROPERTY, Integer.toString(DemoData.GENERATOR_VERSION));
  }

  private static boolean isUpToDate(Catalog catalog, Map<String, String> wanted, long rows) {
    try {
      if (!catalog.tableExists(PLAYS)) {
        return false;
      }
      Table table = catalog.loadTable(PLAYS);
      Snapshot snapshot = table.currentSnapshot();
      return snapshot != null
          && table.properties().entrySet().containsAll(wanted.entrySet())
          && Long.toString(rows).equals(snapshot.summary().get("total-records"))
          && table.spec().equals(SPEC)
          && table.schema().sameSchema(SCHEMA);
    } catch (RuntimeException e) {
      // Unreadable metadata (an interrupted first commit, say): write it again.
      return false;
    }
  }

  private static void write(Catalog catalog, Map<String, String> wanted, List<List<Object>> rows) {
    LakeWriter writer = LakeWriter.create(catalog);
    Table table = writer.createTable(PLAYS, SCHEMA, SPEC);
    int[][] months = rowsByMonth(rows);
    for (int[] month : months) {
      if (month.length > 0) {
        writer.appendRecords(table, new Records(rows, month));
      }
    }
    // Last: a table without these properties is one whose write did not finish.
    var update = table.updateProperties();
    wanted.forEach(update::set);
    update.commit();
  }

  /** The indexes of {@code rows}, grouped by the calendar month (UTC) of {@code played_at}, in row order. */
  private static int[][] rowsByMonth(List<List<Object>> rows) {
    int first = Integer.MAX_VALUE;
    int last = Integer.MIN_VALUE;
    int[] monthOf = new int[rows.size()];
    for (int i = 0; i < monthOf.length; i++) {
      OffsetDateTime playedAt = playedAt(rows.get(i));
      int month = playedAt.getYear() * 12 + playedAt.getMonthValue() - 1;
      monthOf[i] = month;
      first = Math.min(first, month);
      last = Math.max(last, month);
    }
    if (monthOf.length == 0) {
      return new int[0][];
    }
    int[] counts = new int[last - first + 1];
    for (int month : monthOf) {
      counts[month - first]++;
    }
    int[][] byMonth = new int[counts.length][];
    for (int m = 0; m < counts.length; m++) {
      byMonth[m] = new int[counts[m]];
    }
    int[] filled = new int[counts.length];
    for (int i = 0; i < monthOf.length; i++) {
      int m = monthOf[i] - first;
      byMonth[m][filled[m]++] = i;
    }
    return byMonth;
  }

  private static OffsetDateTime playedAt(List<Object> row) {
    return ((OffsetDateTime) row.get(3)).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** Some rows of the plays table as Iceberg records, made as they are read. */
  private static final class Records extends AbstractList<Record> {
    private final List<List<Object>> rows;
    private final int[] indexes;
    private final GenericRecord template = GenericRecord.create(SCHEMA);

    Records(List<List<Object>> rows, int[] indexes) {
      this.rows = rows;
      this.indexes = indexes;
    }

    @Override
    public int size() {
      return indexes.length;
    }

    @Override
    public Record get(int index) {
      List<Object> row = rows.get(indexes[index]);
      GenericRecord record = template.copy();
      for (int i = 0; i < row.size(); i++) {
        record.set(i, row.get(i));
      }
      return record;
    }
  }

  private static State describe(Path warehouse, Table table, boolean reused, Duration elapsed) {
    Snapshot snapshot = table.currentSnapshot();
    Set<String> partitions = new HashSet<>();
    int files = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files++;
        partitions.add(task.spec().partitionToPath(task.file().partition()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long rows = Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
    return new State(warehouse, snapshot.snapshotId(), rows, files, partitions.size(), reused, elapsed);
  }

  /** Deletes the table's folder (data and metadata), if any. */
  private static void deleteTable(Path warehouse) {
    Path folder = warehouse.resolve(NAMESPACE).resolve(PLAYS.name());
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION,
          "Cannot delete the outdated demo lake table " + folder + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(Catalog catalog) {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        // A Hadoop catalog holds nothing worth reporting on close.
      }
    }
  }
}
