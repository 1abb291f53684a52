package io.meridian.bench;

import static java.util.Objects.requireNonNull;

import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
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
 * The benchmark's fact table: {@code bench.plays}, N plays over three years (2023-2025, UTC), partitioned by
 * {@code day(played_at)} and written with Meridian's {@link LakeWriter} into a Hadoop catalog.
 *
 * <p>Rows are a pure function of their index: {@code played_at} grows with {@code play_id} (an event log, as play ids
 * are handed out in time order), and the other columns come from a random stream of the row's own, so a table is the
 * same on every machine and is written one calendar month per append (one commit each, about 31 day files open at a
 * time). A table is reused when its properties say it was written with the same row count and generator version
 * and its snapshot holds that many rows; otherwise it is deleted and written again.
 */
public final class BenchTable {
  /** The Iceberg namespace, and the table. */
  public static final TableIdentifier PLAYS = TableIdentifier.of(Namespace.of("bench"), "plays");

  /** The columns. */
  public static final Schema SCHEMA = new Schema(
      Types.NestedField.required(1, "play_id", Types.LongType.get()),
      Types.NestedField.required(2, "account_id", Types.IntegerType.get()),
      Types.NestedField.required(3, "track_id", Types.IntegerType.get()),
      Types.NestedField.required(4, "played_at", Types.TimestampType.withZone()),
      Types.NestedField.required(5, "ms_played", Types.IntegerType.get()),
      Types.NestedField.required(6, "device", Types.StringType.get()));

  /** One partition per day (UTC). */
  public static final PartitionSpec SPEC = PartitionSpec.builderFor(SCHEMA).day("played_at").build();

  /** The first instant of the data; rows spread evenly over {@link #DAYS} days from it. */
  public static final OffsetDateTime FIRST = LocalDate.of(2023, 1, 1).atStartOfDay().atOffset(ZoneOffset.UTC);
  public static final int DAYS = 1096;

  /** Change when the rows generated for an index change, so that older tables are rewritten. */
  public static final int GENERATOR_VERSION = 1;
  static final String ROWS_PROPERTY = "meridian.bench.rows";
  static final String GENERATOR_PROPERTY = "meridian.bench.generator-version";
  static final String WRITE_MILLIS_PROPERTY = "meridian.bench.write-millis";
  static final String COMMITS_PROPERTY = "meridian.bench.commits";

  private static final long SEED = 20_261_121L;
  private static final List<String> DEVICES = List.of("mobile", "desktop", "web", "tv", "car", "smart_speaker");
  private static final double[] DEVICE_WEIGHT = {0.55, 0.18, 0.10, 0.07, 0.06, 0.04};
  private static final int TRACKS = 100_000;
  private static final int SKIP_MS = 30_000;

  private BenchTable() {}

  /**
   * The table as the benchmark found or wrote it.
   *
   * @param warehouse the Hadoop catalog's warehouse folder
   * @param rows rows in the current snapshot
   * @param dataFiles local paths of the current snapshot's data files, in planning order
   * @param partitions distinct day partitions of those files
   * @param bytes total size of the data files
   * @param reused whether an earlier run's table was reused
   * @param writeTime how long LakeWriter took to write it (this run, or the run that wrote a reused table)
   * @param commits appends committed while writing it
   * @param writtenAt when the table's last snapshot was committed
   */
  public record Info(Path warehouse, long rows, List<Path> dataFiles, int partitions, long bytes, boolean reused,
      Duration writeTime, int commits, Instant writtenAt) {
    public Info {
      requireNonNull(warehouse, "warehouse is null");
      dataFiles = List.copyOf(requireNonNull(dataFiles, "dataFiles is null"));
      requireNonNull(writeTime, "writeTime is null");
      requireNonNull(writtenAt, "writtenAt is null");
    }
  }

  /** Reuses or writes the table of {@code rows} rows in {@code warehouse}; {@code progress} hears each month. */
  public static Info ensure(Path warehouse, long rows, Consumer<String> progress) {
    requireNonNull(warehouse, "warehouse is null");
    requireNonNull(progress, "progress is null");
    Catalog catalog = Catalogs.hadoop(warehouse);
    try {
      Map<String, String> wanted = Map.of(ROWS_PROPERTY, Long.toString(rows),
          GENERATOR_PROPERTY, Integer.toString(GENERATOR_VERSION));
      if (isUpToDate(catalog, wanted, rows)) {
        return describe(warehouse, catalog.loadTable(PLAYS), true);
      }
      deleteTable(warehouse);
      long started = System.nanoTime();
      LakeWriter writer = LakeWriter.create(catalog);
      Table table = writer.createTable(PLAYS, SCHEMA, SPEC);
      int commits = 0;
      long from = 0;
      while (from < rows) {
        int month = monthIndex(playedAt(from, rows));
        long to = from;
        long step = 1;
        // Rows are in time order: find the end of this month's run by galloping, then bisecting.
        while (to + step < rows && monthIndex(playedAt(to + step, rows)) == month) {
          to += step;
          step *= 2;
        }
        long lo = to;
        long hi = Math.min(rows, to + step);
        while (hi - lo > 1) {
          long mid = (lo + hi) >>> 1;
          if (monthIndex(playedAt(mid, rows)) == month) {
            lo = mid;
          } else {
            hi = mid;
          }
        }
        writer.appendRecords(table, new Records(from, hi, rows));
        commits++;
        progress.accept(String.format(java.util.Locale.ROOT, "  %s: rows %,d..%,d written (%.1f s)",
            playedAt(from, rows).toLocalDate().withDayOfMonth(1).toString().substring(0, 7), from + 1, hi,
            (System.nanoTime() - started) / 1e9));
        from = hi;
      }
      Duration writeTime = Duration.ofNanos(System.nanoTime() - started);
      var update = table.updateProperties();
      wanted.forEach(update::set);
      // Kept with the table, so that a report of a later run that reuses it still says what writing it took.
      update.set(WRITE_MILLIS_PROPERTY, Long.toString(writeTime.toMillis()));
      update.set(COMMITS_PROPERTY, Integer.toString(commits));
      update.commit();
      return describe(warehouse, catalog.loadTable(PLAYS), false);
    } finally {
      if (catalog instanceof Closeable closeable) {
        try {
          closeable.close();
        } catch (IOException e) {
          // A Hadoop catalog holds nothing worth reporting.
        }
      }
    }
  }

  /** {@code played_at} of row {@code index} (0-based) of a table of {@code rows} rows: evenly spread, in order. */
  static OffsetDateTime playedAt(long index, long rows) {
    // At most 10^9 rows times 9.5 * 10^7 seconds: no overflow.
    return FIRST.plusSeconds(index * ((long) DAYS * 86_400L) / rows);
  }

  /** Row {@code index} (0-based) of a table of {@code rows} rows, as Iceberg's generic Java values. */
  static Object[] row(long index, long rows) {
    SplittableRandom r = new SplittableRandom(mix64(SEED + (index + 1) * 0x9E3779B97F4A7C15L));
    int accounts = (int) Math.max(1_000, rows / 200);
    int accountId = 1 + (int) (accounts * Math.pow(r.nextDouble(), 1.6));
    int trackId = 1 + (int) (TRACKS * Math.pow(r.nextDouble(), 2.5));
    int msPlayed = r.nextDouble() < 0.25 ? r.nextInt(SKIP_MS) : SKIP_MS + r.nextInt(390_000);
    double u = r.nextDouble();
    int device = 0;
    for (int i = 0; i < DEVICE_WEIGHT.length; i++) {
      u -= DEVICE_WEIGHT[i];
      if (u < 0) {
        device = i;
        break;
      }
    }
    return new Object[] {index + 1, accountId, trackId, playedAt(index, rows), msPlayed, DEVICES.get(device)};
  }

  private static int monthIndex(OffsetDateTime t) {
    return t.getYear() * 12 + t.getMonthValue() - 1;
  }

  /** Stafford's variant 13 of the MurmurHash3 finalizer: neighbouring rows get unrelated random streams. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Rows {@code [from, to)} as Iceberg records, made as they are read. */
  private static final class Records extends AbstractList<Record> {
    private final long from;
    private final long to;
    private final long rows;
    private final GenericRecord template = GenericRecord.create(SCHEMA);

    Records(long from, long to, long rows) {
      this.from = from;
      this.to = to;
      this.rows = rows;
    }

    @Override
    public int size() {
      return Math.toIntExact(to - from);
    }

    @Override
    public Record get(int index) {
      Object[] values = row(from + index, rows);
      GenericRecord record = template.copy();
      for (int i = 0; i < values.length; i++) {
        record.set(i, values[i]);
      }
      return record;
    }
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
          && table.schema().sameSchema(SCHEMA)
          && table.spec().equals(SPEC);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Info describe(Path warehouse, Table table, boolean reused) {
    Snapshot snapshot = table.currentSnapshot();
    Duration writeTime =
        Duration.ofMillis(Long.parseLong(table.properties().getOrDefault(WRITE_MILLIS_PROPERTY, "0")));
    int commits = Integer.parseInt(table.properties().getOrDefault(COMMITS_PROPERTY, "0"));
    List<Path> files = new ArrayList<>();
    Set<String> partitions = new HashSet<>();
    long bytes = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        files.add(localPath(task.file().location()));
        partitions.add(task.spec().partitionToPath(task.file().partition()));
        bytes += task.file().fileSizeInBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long rows = Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"));
    return new Info(warehouse, rows, files, partitions.size(), bytes, reused, writeTime, commits,
        Instant.ofEpochMilli(snapshot.timestampMillis()));
  }

  private static Path localPath(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location.startsWith("file:/") && !location.startsWith("file://")
          ? "file://" + location.substring("file:".length()) : location));
    }
    return Path.of(location);
  }

  private static void deleteTable(Path warehouse) {
    Path folder = warehouse.resolve(PLAYS.namespace().level(0)).resolve(PLAYS.name());
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION,
          "Cannot delete the outdated benchmark table " + folder + ": " + e.getMessage(), e);
    }
  }
}
