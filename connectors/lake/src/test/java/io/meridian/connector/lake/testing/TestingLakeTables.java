package io.meridian.connector.lake.testing;

import static java.util.Objects.requireNonNull;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;

import io.meridian.connector.lake.write.Catalogs;
import io.meridian.connector.lake.write.LakeCommit;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.connector.lake.write.ParquetFolderWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.relocated.com.google.common.hash.Hashing;
import org.apache.iceberg.types.Types;

/**
 * Builds, in a folder, a real lake for connector tests: an Iceberg warehouse with namespace {@code lake} holding one
 * table per feature the connector must get right, and a Hive-partitioned Parquet folder; and tells tests what is in
 * it (expected rows computed in plain Java, per-partition row counts, snapshots, and the files Iceberg committed).
 *
 * <p>Tables (all data deterministic; {@link #EVENTS_SCHEMA} unless said otherwise; a row's {@code category} is NULL
 * when {@code id % 50 == 49} and its {@code ts} is NULL when {@code id % 100 == 99}):
 * <ul>
 *   <li>{@code all_types} ({@link #ALL_TYPES_SCHEMA}): every Iceberg type, one file, rows: 1 typical values; 2
 *       numeric minimums, empty string, binary and collections, epoch times; 3 numeric maximums, non-ASCII text,
 *       NULL inside a list and a map; 4 all NULL; 5 pre-epoch times with fractions and small negatives; 6 NaN,
 *       infinities and -0.0; 7 year 1 (0001-01-01); 8 year 9999; 9 a timestamptz written at +05:30 (read back in
 *       UTC).</li>
 *   <li>{@code by_identity} (identity on {@code category}), {@code by_year}, {@code by_month}, {@code by_day},
 *       {@code by_hour} (on {@code ts}), {@code by_bucket} (bucket[8] on {@code id}), {@code by_truncate}
 *       (truncate[10] on {@code id}): each written by two appends (even ids, then odd ids), so most partitions
 *       have two files; NULL partition values included.</li>
 *   <li>{@code with_position_deletes} (unpartitioned): two appends of ids 0-499 and 500-999 (one file each), then
 *       one commit of position deletes: positions 0, 10, ..., 490 of the first file and 0-4 and 499 of the
 *       second.</li>
 *   <li>{@code with_equality_deletes} (identity on {@code category}): two appends (even, odd ids 0-999), an
 *       equality delete on {@code id} (1, 2, 3, 100-149, 998), an equality delete on
 *       ({@code category}, {@code quantity}) = ('gamma', 7), then an append of ids 1000-1099 (which the earlier
 *       deletes do not touch, although some match them).</li>
 *   <li>{@code evolved}: {@link #EVOLVED_INITIAL_SCHEMA} rows 0-99; then {@code name} renamed to
 *       {@code full_name}, {@code legacy} dropped and a new {@code name} column added (a new field id re-using
 *       the old name: old files' {@code name} column is now {@code full_name}); then rows 100-199.</li>
 *   <li>{@code spec_evolved}: partitioned by day(ts) for ids 0-239 (2024-01-01 on, hourly), then by month(ts) for
 *       ids 240-479 (2024-02-01 on, every 6 hours).</li>
 *   <li>{@code snapshots} (unpartitioned): three appends, ids 0-9, 10-29 and 30-59, at distinct milliseconds.</li>
 * </ul>
 * The Parquet folder {@code parquet/events} ({@link #PARQUET_EVENTS_SCHEMA}) holds 1000 rows under
 * {@code country=XX/} subfolders, written in two calls (two files per country).
 */
public final class TestingLakeTables implements AutoCloseable {
  public static final String NAMESPACE = "lake";
  public static final String ALL_TYPES = "all_types";
  public static final String BY_IDENTITY = "by_identity";
  public static final String BY_YEAR = "by_year";
  public static final String BY_MONTH = "by_month";
  public static final String BY_DAY = "by_day";
  public static final String BY_HOUR = "by_hour";
  public static final String BY_BUCKET = "by_bucket";
  public static final String BY_TRUNCATE = "by_truncate";
  public static final String WITH_POSITION_DELETES = "with_position_deletes";
  public static final String WITH_EQUALITY_DELETES = "with_equality_deletes";
  public static final String EVOLVED = "evolved";
  public static final String SPEC_EVOLVED = "spec_evolved";
  public static final String SNAPSHOTS = "snapshots";
  /** Every table, in the order built. */
  public static final List<String> TABLES = List.of(ALL_TYPES, BY_IDENTITY, BY_YEAR, BY_MONTH, BY_DAY, BY_HOUR,
      BY_BUCKET, BY_TRUNCATE, WITH_POSITION_DELETES, WITH_EQUALITY_DELETES, EVOLVED, SPEC_EVOLVED, SNAPSHOTS);
  /** The partitioned-by-transform tables. */
  public static final List<String> TRANSFORM_TABLES =
      List.of(BY_IDENTITY, BY_YEAR, BY_MONTH, BY_DAY, BY_HOUR, BY_BUCKET, BY_TRUNCATE);
  /** The Parquet folder, relative to the root. */
  public static final String PARQUET_EVENTS = "parquet/events";

  public static final List<String> CATEGORIES = List.of("alpha", "beta", "gamma", "delta", "epsilon");
  public static final List<String> COUNTRIES = List.of("DE", "FR", "US", "JP", "BR");

  /** The schema of the partitioned, delete and snapshot tables. */
  public static final Schema EVENTS_SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "category", Types.StringType.get()),
      optional(3, "ts", Types.TimestampType.withoutZone()),
      optional(4, "amount", Types.DecimalType.of(9, 2)),
      optional(5, "quantity", Types.IntegerType.get()),
      optional(6, "price", Types.DoubleType.get()));

  /** Every Iceberg type; field ids as Iceberg assigns them on create (top-level first, then nested). */
  public static final Schema ALL_TYPES_SCHEMA = new Schema(
      required(1, "id", Types.IntegerType.get()),
      optional(2, "c_boolean", Types.BooleanType.get()),
      optional(3, "c_int", Types.IntegerType.get()),
      optional(4, "c_long", Types.LongType.get()),
      optional(5, "c_float", Types.FloatType.get()),
      optional(6, "c_double", Types.DoubleType.get()),
      optional(7, "c_decimal_38_10", Types.DecimalType.of(38, 10)),
      optional(8, "c_decimal_9_2", Types.DecimalType.of(9, 2)),
      optional(9, "c_date", Types.DateType.get()),
      optional(10, "c_time", Types.TimeType.get()),
      optional(11, "c_timestamp", Types.TimestampType.withoutZone()),
      optional(12, "c_timestamptz", Types.TimestampType.withZone()),
      optional(13, "c_string", Types.StringType.get()),
      optional(14, "c_uuid", Types.UUIDType.get()),
      optional(15, "c_binary", Types.BinaryType.get()),
      optional(16, "c_fixed", Types.FixedType.ofLength(4)),
      optional(17, "c_list", Types.ListType.ofOptional(20, Types.IntegerType.get())),
      optional(18, "c_struct", Types.StructType.of(
          optional(21, "a", Types.IntegerType.get()),
          optional(22, "b", Types.StringType.get()))),
      optional(19, "c_map", Types.MapType.ofOptional(23, 24, Types.StringType.get(), Types.IntegerType.get())));

  /** The schema {@code evolved} was created with. */
  public static final Schema EVOLVED_INITIAL_SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "name", Types.StringType.get()),
      optional(3, "score", Types.IntegerType.get()),
      optional(4, "legacy", Types.StringType.get()));

  /** The schema of the Parquet folder's rows ({@code country} is the Hive partition column). */
  public static final Schema PARQUET_EVENTS_SCHEMA = new Schema(
      required(1, "id", Types.LongType.get()),
      optional(2, "country", Types.StringType.get()),
      optional(3, "ts", Types.TimestampType.withoutZone()),
      optional(4, "amount", Types.DecimalType.of(9, 2)),
      optional(5, "quantity", Types.IntegerType.get()));

  /** Which catalog holds the warehouse's metadata. */
  public enum CatalogKind {
    /** A Hadoop catalog: metadata files beside the data, under the warehouse folder. */
    HADOOP,
    /** A JDBC catalog in the SQLite file {@code catalog.db} of the root folder. */
    JDBC_SQLITE
  }

  /**
   * One snapshot of a table, in commit order.
   *
   * @param totalDataRecords the rows in the snapshot's data files, deleted ones included (summary
   *     {@code total-records})
   */
  public record SnapshotInfo(long snapshotId, long timestampMillis, String operation, long totalDataRecords) {
    public SnapshotInfo {
      requireNonNull(operation, "operation is null");
    }
  }

  /**
   * A data or delete file live in a table's current snapshot.
   *
   * @param path the file's location, as Iceberg records it ({@code file:/...})
   * @param partitionPath Iceberg's text form of the partition, such as {@code ts_day=2024-01-01} or
   *     {@code category=null} (empty for an unpartitioned file)
   * @param partitionValues partition field name to Iceberg's internal value (days, months or hours since the
   *     epoch, bucket number, ...; NULL allowed), in spec order
   */
  public record FileInfo(String path, FileContent content, int specId, String partitionPath,
      Map<String, Object> partitionValues, long recordCount, long fileSizeBytes) {
    public FileInfo {
      requireNonNull(path, "path is null");
      requireNonNull(content, "content is null");
      requireNonNull(partitionPath, "partitionPath is null");
      partitionValues = Collections.unmodifiableMap(new LinkedHashMap<>(partitionValues));
    }

    /** The local file-system path of the file. */
    public Path localPath() {
      return path.startsWith("file:") ? Path.of(java.net.URI.create(path)) : Path.of(path);
    }
  }

  /**
   * What the fixture knows about one table, computed in plain Java while generating its rows.
   *
   * @param expectedRows the live rows of the current snapshot, in the current schema, sorted by {@code id}
   * @param expectedRowsPerPartition live rows per partition path (the spec a row was written with), sorted
   * @param snapshots every snapshot, in commit order
   */
  public record TableFixture(String name, TableIdentifier identifier, List<Record> expectedRows,
      Map<String, Long> expectedRowsPerPartition, List<SnapshotInfo> snapshots) {
    public TableFixture {
      requireNonNull(name, "name is null");
      requireNonNull(identifier, "identifier is null");
      expectedRows = List.copyOf(expectedRows);
      expectedRowsPerPartition = Collections.unmodifiableMap(new TreeMap<>(expectedRowsPerPartition));
      snapshots = List.copyOf(snapshots);
    }

    /** The snapshot ids, in commit order. */
    public List<Long> snapshotIds() {
      return snapshots.stream().map(SnapshotInfo::snapshotId).toList();
    }
  }

  private static TestingLakeTables shared;

  private final Path root;
  private final Path warehouse;
  private final CatalogKind catalogKind;
  private final Catalog catalog;
  private final Map<String, String> catalogProperties;
  private final Map<String, TableFixture> fixtures = new LinkedHashMap<>();
  private final List<Record> parquetEventsRows = new ArrayList<>();

  private TestingLakeTables(Path root, CatalogKind catalogKind) {
    this.root = root.toAbsolutePath().normalize();
    this.warehouse = this.root.resolve("warehouse");
    this.catalogKind = requireNonNull(catalogKind, "catalogKind is null");
    Map<String, String> properties = new LinkedHashMap<>();
    if (catalogKind == CatalogKind.HADOOP) {
      this.catalog = Catalogs.hadoop(warehouse);
      properties.put("type", "hadoop");
    } else {
      Path dbFile = this.root.resolve("catalog.db");
      this.catalog = Catalogs.jdbcSqlite(dbFile, warehouse);
      properties.put("type", "jdbc");
      properties.put("uri", "jdbc:sqlite:" + dbFile);
    }
    properties.put("warehouse", warehouse.toUri().toString());
    this.catalogProperties = Collections.unmodifiableMap(properties);
  }

  /** Builds the lake with a Hadoop catalog under {@code root} (which should be empty). */
  public static TestingLakeTables create(Path root) {
    return create(root, CatalogKind.HADOOP);
  }

  /** Builds the lake under {@code root} (which should be empty) with the given kind of catalog. */
  public static TestingLakeTables create(Path root, CatalogKind catalogKind) {
    requireNonNull(root, "root is null");
    TestingLakeTables lake = new TestingLakeTables(root, catalogKind);
    try {
      lake.build();
    } catch (RuntimeException | Error e) {
      lake.close();
      throw e;
    }
    return lake;
  }

  /**
   * One lake (Hadoop catalog) per JVM, built on first use in a temporary folder that is deleted when the JVM exits.
   * Tests must not change it.
   */
  public static synchronized TestingLakeTables shared() {
    if (shared == null) {
      try {
        Path root = Files.createTempDirectory("meridian-lake-");
        shared = create(root);
        TestingLakeTables lake = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          lake.close();
          deleteRecursively(root);
        }, "delete-testing-lake"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  public Path root() {
    return root;
  }

  public Path warehouse() {
    return warehouse;
  }

  public CatalogKind catalogKind() {
    return catalogKind;
  }

  /** The open catalog (closed by {@link #close()}). */
  public Catalog catalog() {
    return catalog;
  }

  /** Iceberg catalog properties that open the same catalog ({@code type}, {@code warehouse}, {@code uri}). */
  public Map<String, String> catalogProperties() {
    return catalogProperties;
  }

  public Namespace namespace() {
    return Namespace.of(NAMESPACE);
  }

  public TableIdentifier identifier(String table) {
    return fixture(table).identifier();
  }

  /** The identifiers of all tables, in {@link #TABLES} order. */
  public List<TableIdentifier> identifiers() {
    return fixtures.values().stream().map(TableFixture::identifier).toList();
  }

  /** The table, freshly loaded from the catalog. */
  public Table table(String table) {
    return catalog.loadTable(identifier(table));
  }

  public TableFixture fixture(String table) {
    TableFixture fixture = fixtures.get(requireNonNull(table, "table is null"));
    if (fixture == null) {
      throw new IllegalArgumentException("No testing lake table " + table + "; tables are " + TABLES);
    }
    return fixture;
  }

  public List<Record> expectedRows(String table) {
    return fixture(table).expectedRows();
  }

  public Map<String, Long> expectedRowsPerPartition(String table) {
    return fixture(table).expectedRowsPerPartition();
  }

  public List<SnapshotInfo> snapshots(String table) {
    return fixture(table).snapshots();
  }

  public List<Long> snapshotIds(String table) {
    return fixture(table).snapshotIds();
  }

  /** The data files of the table's current snapshot, sorted by path. */
  public List<FileInfo> dataFiles(String table) {
    return liveFiles(table(table), FileContent.DATA);
  }

  /** The delete files (position and equality) of the table's current snapshot, sorted by path. */
  public List<FileInfo> deleteFiles(String table) {
    return liveFiles(table(table), null).stream().filter(file -> file.content() != FileContent.DATA).toList();
  }

  /** The data files of the current snapshot grouped by partition path (sorted). */
  public Map<String, List<FileInfo>> dataFilesByPartition(String table) {
    Map<String, List<FileInfo>> byPartition = new TreeMap<>();
    for (FileInfo file : dataFiles(table)) {
      byPartition.computeIfAbsent(file.partitionPath(), key -> new ArrayList<>()).add(file);
    }
    return byPartition;
  }

  public Path parquetEventsFolder() {
    return root.resolve(PARQUET_EVENTS);
  }

  /** The Parquet files of {@code parquet/events}, sorted by path. */
  public List<Path> parquetEventsFiles() {
    return ParquetFolderWriter.parquetFiles(parquetEventsFolder());
  }

  /** The rows of {@code parquet/events}, sorted by {@code id}. */
  public List<Record> parquetEventsRows() {
    return Collections.unmodifiableList(parquetEventsRows);
  }

  /** The rows per country of {@code parquet/events}, sorted by country. */
  public Map<String, Long> parquetEventsRowsPerCountry() {
    Map<String, Long> counts = new TreeMap<>();
    for (Record row : parquetEventsRows) {
      counts.merge((String) row.getField("country"), 1L, Long::sum);
    }
    return counts;
  }

  /** Closes the catalog; the files stay. */
  @Override
  public void close() {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Building

  private void build() {
    LakeWriter writer = LakeWriter.create(catalog);
    buildAllTypes(writer);
    LocalDateTime jan2024 = LocalDateTime.of(2024, 1, 1, 0, 0);
    buildTransformTable(writer, BY_IDENTITY, PartitionSpec.builderFor(EVENTS_SCHEMA).identity("category").build(),
        1000, jan2024, Duration.ofHours(1), row -> "category=" + row.getField("category"));
    buildTransformTable(writer, BY_YEAR, PartitionSpec.builderFor(EVENTS_SCHEMA).year("ts").build(),
        1000, LocalDateTime.of(2021, 7, 1, 0, 0), Duration.ofHours(31), row -> "ts_year=" + timePart(row, 1));
    buildTransformTable(writer, BY_MONTH, PartitionSpec.builderFor(EVENTS_SCHEMA).month("ts").build(),
        1000, LocalDateTime.of(2023, 11, 15, 0, 0), Duration.ofHours(4), row -> "ts_month=" + timePart(row, 2));
    buildTransformTable(writer, BY_DAY, PartitionSpec.builderFor(EVENTS_SCHEMA).day("ts").build(),
        1000, LocalDateTime.of(2024, 3, 1, 0, 0), Duration.ofMinutes(10), row -> "ts_day=" + timePart(row, 3));
    buildTransformTable(writer, BY_HOUR, PartitionSpec.builderFor(EVENTS_SCHEMA).hour("ts").build(),
        1000, LocalDateTime.of(2024, 3, 10, 0, 0), Duration.ofSeconds(30), row -> "ts_hour=" + timePart(row, 4));
    buildTransformTable(writer, BY_BUCKET, PartitionSpec.builderFor(EVENTS_SCHEMA).bucket("id", 8).build(),
        1000, jan2024, Duration.ofHours(1), row -> "id_bucket=" + bucket((Long) row.getField("id"), 8));
    buildTransformTable(writer, BY_TRUNCATE, PartitionSpec.builderFor(EVENTS_SCHEMA).truncate("id", 10).build(),
        200, jan2024, Duration.ofHours(1), row -> "id_trunc=" + Math.floorDiv((Long) row.getField("id"), 10) * 10);
    buildWithPositionDeletes(writer, jan2024);
    buildWithEqualityDeletes(writer, jan2024);
    buildEvolved(writer);
    buildSpecEvolved(writer, jan2024);
    buildSnapshots(writer, jan2024);
    buildParquetEvents(jan2024);
  }

  private void buildAllTypes(LakeWriter writer) {
    Table table = writer.createTable(tableId(ALL_TYPES), ALL_TYPES_SCHEMA, PartitionSpec.unpartitioned());
    Schema schema = table.schema();
    Types.StructType struct = schema.findField("c_struct").type().asStructType();
    LocalDateTime typical = LocalDateTime.of(2024, 2, 29, 13, 45, 30, 123_456_000);
    LocalDateTime epoch = LocalDateTime.of(1970, 1, 1, 0, 0);
    LocalDateTime preEpoch = LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000);
    LocalDateTime yearOne = LocalDateTime.of(1, 1, 1, 0, 0);
    LocalDateTime year9999 = LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000);
    LocalDateTime indian = LocalDateTime.of(2024, 6, 30, 23, 30);
    List<Record> written = List.of(
        row(schema, 1, true, 42, 1_234_567_890_123L, 3.5f, 2.25d, new BigDecimal("12345.6789012345"),
            new BigDecimal("1234.56"), typical.toLocalDate(), typical.toLocalTime(), typical, utc(typical), "hello",
            UUID.fromString("f79c3e09-677c-4d8c-9c8b-6d3a4b6e3a1f"), bytes(1, 2, 3), new byte[] {-34, -83, -66, -17},
            List.of(1, 2, 3), struct(struct, 1, "x"), map("k1", 1, "k2", 2)),
        row(schema, 2, false, Integer.MIN_VALUE, Long.MIN_VALUE, -Float.MAX_VALUE, -Double.MAX_VALUE,
            new BigDecimal("-9999999999999999999999999999.9999999999"), new BigDecimal("-9999999.99"),
            epoch.toLocalDate(), LocalTime.MIDNIGHT, epoch, utc(epoch), "",
            new UUID(0, 0), bytes(), new byte[4], List.of(), struct(struct, null, null), map()),
        row(schema, 3, true, Integer.MAX_VALUE, Long.MAX_VALUE, Float.MAX_VALUE, Double.MAX_VALUE,
            new BigDecimal("9999999999999999999999999999.9999999999"), new BigDecimal("9999999.99"),
            LocalDate.of(2038, 1, 19), LocalTime.of(23, 59, 59, 999_999_000), LocalDateTime.of(2038, 1, 19, 3, 14, 8),
            utc(LocalDateTime.of(2038, 1, 19, 3, 14, 8)), "Grüße, 世界 🙂 \"quoted\" 'single' \\ back",
            new UUID(-1, -1), bytes(255, 0, 255), new byte[] {-1, -1, -1, -1}, Arrays.asList(null, Integer.MAX_VALUE),
            struct(struct, Integer.MAX_VALUE, "ü"), map("a", null, "b", 0)),
        row(schema, 4, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null),
        row(schema, 5, false, -1, -1L, -0.5f, -0.5d, new BigDecimal("-0.0000000001"), new BigDecimal("-0.01"),
            preEpoch.toLocalDate(), LocalTime.of(0, 0, 0, 1_000), preEpoch, utc(preEpoch), "pre-epoch",
            UUID.fromString("00000000-0000-0000-0000-000000000001"), bytes(0), new byte[] {0, 0, 0, 1},
            List.of(-1), struct(struct, -1, ""), map("", -1)),
        row(schema, 6, null, 0, 0L, Float.NaN, Double.NaN, BigDecimal.ZERO.setScale(10), new BigDecimal("0.00"),
            null, null, null, null, "nan", null, null, null, null, null, null),
        row(schema, 7, null, null, null, Float.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, null, null,
            yearOne.toLocalDate(), LocalTime.MIDNIGHT, yearOne, utc(yearOne), "year 1", null, null, null, null, null,
            null),
        row(schema, 8, null, null, null, -0.0f, -0.0d, null, null, year9999.toLocalDate(), year9999.toLocalTime(),
            year9999, utc(year9999), "year 9999", null, null, null, null, null, null),
        row(schema, 9, null, null, null, null, null, null, null, indian.toLocalDate(), indian.toLocalTime(), indian,
            OffsetDateTime.of(indian, ZoneOffset.ofHoursMinutes(5, 30)), "written at +05:30", null, null, null,
            null, null, null));
    writer.appendRecords(table, written);
    List<Record> expected = new ArrayList<>();
    for (Record row : written) {
      Record copy = row.copy();
      OffsetDateTime timestamptz = (OffsetDateTime) copy.getField("c_timestamptz");
      if (timestamptz != null) {
        copy.setField("c_timestamptz", timestamptz.withOffsetSameInstant(ZoneOffset.UTC));
      }
      expected.add(copy);
    }
    register(ALL_TYPES, expected, row -> "");
  }

  private void buildTransformTable(LakeWriter writer, String name, PartitionSpec spec, int rows,
      LocalDateTime start, Duration step, Function<Record, String> partitionPath) {
    Table table = writer.createTable(tableId(name), EVENTS_SCHEMA, spec);
    List<Record> all = events(0, rows, start, step);
    writer.appendRecords(table, filter(all, id -> id % 2 == 0));
    writer.appendRecords(table, filter(all, id -> id % 2 == 1));
    register(name, all, partitionPath);
  }

  private void buildWithPositionDeletes(LakeWriter writer, LocalDateTime start) {
    Table table = writer.createTable(tableId(WITH_POSITION_DELETES), EVENTS_SCHEMA, PartitionSpec.unpartitioned());
    List<Record> first = events(0, 500, start, Duration.ofHours(1));
    List<Record> second = events(500, 1000, start.plusHours(500), Duration.ofHours(1));
    LakeCommit firstCommit = writer.appendRecords(table, first);
    LakeCommit secondCommit = writer.appendRecords(table, second);
    List<Long> firstPositions = LongStream.range(0, 50).map(i -> i * 10).boxed().toList();
    List<Long> secondPositions = List.of(0L, 1L, 2L, 3L, 4L, 499L);
    writer.deletePositions(table, Map.of(
        single(firstCommit.dataFilePaths()), firstPositions,
        single(secondCommit.dataFilePaths()), secondPositions));
    Set<Long> deleted = new LinkedHashSet<>(firstPositions);
    secondPositions.forEach(position -> deleted.add(500 + position));
    List<Record> expected = new ArrayList<>(first);
    expected.addAll(second);
    expected.removeIf(row -> deleted.contains((Long) row.getField("id")));
    register(WITH_POSITION_DELETES, expected, row -> "");
  }

  private void buildWithEqualityDeletes(LakeWriter writer, LocalDateTime start) {
    Table table = writer.createTable(tableId(WITH_EQUALITY_DELETES), EVENTS_SCHEMA,
        PartitionSpec.builderFor(EVENTS_SCHEMA).identity("category").build());
    List<Record> all = events(0, 1000, start, Duration.ofHours(1));
    writer.appendRecords(table, filter(all, id -> id % 2 == 0));
    writer.appendRecords(table, filter(all, id -> id % 2 == 1));
    Set<Long> deletedIds = new LinkedHashSet<>(List.of(1L, 2L, 3L, 998L));
    LongStream.range(100, 150).forEach(deletedIds::add);
    Schema idSchema = table.schema().select("id");
    List<Record> idKeys = deletedIds.stream().map(id -> {
      GenericRecord key = GenericRecord.create(idSchema);
      key.setField("id", id);
      return (Record) key;
    }).toList();
    writer.deleteWhereEquals(table, List.of("id"), idKeys);
    Schema pairSchema = table.schema().select("category", "quantity");
    GenericRecord pair = GenericRecord.create(pairSchema);
    pair.setField("category", "gamma");
    pair.setField("quantity", 7);
    writer.deleteWhereEquals(table, List.of("category", "quantity"), List.of(pair));
    List<Record> later = events(1000, 1100, start.plusHours(1000), Duration.ofHours(1));
    writer.appendRecords(table, later);
    List<Record> expected = new ArrayList<>(all);
    expected.removeIf(row -> deletedIds.contains((Long) row.getField("id"))
        || ("gamma".equals(row.getField("category")) && Integer.valueOf(7).equals(row.getField("quantity"))));
    expected.addAll(later);
    register(WITH_EQUALITY_DELETES, expected, row -> "category=" + row.getField("category"));
  }

  private void buildEvolved(LakeWriter writer) {
    Table table = writer.createTable(tableId(EVOLVED), EVOLVED_INITIAL_SCHEMA, PartitionSpec.unpartitioned());
    List<Record> before = new ArrayList<>();
    for (long id = 0; id < 100; id++) {
      GenericRecord row = GenericRecord.create(table.schema());
      row.setField("id", id);
      row.setField("name", "name-" + id);
      row.setField("score", (int) id);
      row.setField("legacy", "legacy-" + id);
      before.add(row);
    }
    writer.appendRecords(table, before);
    LakeWriter.renameColumn(table, "name", "full_name");
    LakeWriter.dropColumn(table, "legacy");
    LakeWriter.addColumn(table, "name", Types.StringType.get());
    Schema evolved = table.schema();
    List<Record> expected = new ArrayList<>();
    for (Record old : before) {
      GenericRecord row = GenericRecord.create(evolved);
      row.setField("id", old.getField("id"));
      row.setField("full_name", old.getField("name"));
      row.setField("score", old.getField("score"));
      expected.add(row);
    }
    List<Record> after = new ArrayList<>();
    for (long id = 100; id < 200; id++) {
      GenericRecord row = GenericRecord.create(evolved);
      row.setField("id", id);
      row.setField("full_name", "full-" + id);
      row.setField("score", (int) id);
      row.setField("name", "new-" + id);
      after.add(row);
    }
    writer.appendRecords(table, after);
    expected.addAll(after);
    register(EVOLVED, expected, row -> "");
  }

  private void buildSpecEvolved(LakeWriter writer, LocalDateTime start) {
    Table table = writer.createTable(tableId(SPEC_EVOLVED), EVENTS_SCHEMA,
        PartitionSpec.builderFor(EVENTS_SCHEMA).day("ts").build());
    List<Record> byDay = events(0, 240, start, Duration.ofHours(1));
    writer.appendRecords(table, byDay);
    LakeWriter.replacePartitionField(table, Expressions.day("ts"), Expressions.month("ts"));
    List<Record> byMonth = events(240, 480, LocalDateTime.of(2024, 2, 1, 0, 0), Duration.ofHours(6));
    writer.appendRecords(table, byMonth);
    Set<Record> monthRows = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    monthRows.addAll(byMonth);
    List<Record> all = new ArrayList<>(byDay);
    all.addAll(byMonth);
    register(SPEC_EVOLVED, all,
        row -> monthRows.contains(row) ? "ts_month=" + timePart(row, 2) : "ts_day=" + timePart(row, 3));
  }

  private void buildSnapshots(LakeWriter writer, LocalDateTime start) {
    Table table = writer.createTable(tableId(SNAPSHOTS), EVENTS_SCHEMA, PartitionSpec.unpartitioned());
    List<Record> all = events(0, 60, start, Duration.ofHours(1));
    long last = Long.MIN_VALUE;
    for (int[] range : new int[][] {{0, 10}, {10, 30}, {30, 60}}) {
      // Distinct commit milliseconds, so time travel by timestamp is unambiguous.
      while (System.currentTimeMillis() <= last + 2) {
        Thread.onSpinWait();
      }
      last = writer.appendRecords(table, all.subList(range[0], range[1])).timestampMillis();
    }
    register(SNAPSHOTS, all, row -> "");
  }

  private void buildParquetEvents(LocalDateTime start) {
    for (long id = 0; id < 1000; id++) {
      GenericRecord row = GenericRecord.create(PARQUET_EVENTS_SCHEMA);
      row.setField("id", id);
      row.setField("country", COUNTRIES.get((int) ((id * id + id / 7) % COUNTRIES.size())));
      row.setField("ts", start.plusMinutes(37 * id));
      row.setField("amount", BigDecimal.valueOf((id * 37) % 100_000, 2));
      row.setField("quantity", (int) (id % 10));
      parquetEventsRows.add(row);
    }
    ParquetFolderWriter.write(parquetEventsFolder(), PARQUET_EVENTS_SCHEMA, parquetEventsRows.subList(0, 500),
        List.of("country"));
    ParquetFolderWriter.write(parquetEventsFolder(), PARQUET_EVENTS_SCHEMA, parquetEventsRows.subList(500, 1000),
        List.of("country"));
  }

  private void register(String name, List<Record> expected, Function<Record, String> partitionPath) {
    List<Record> sorted = new ArrayList<>(expected);
    sorted.sort(Comparator.comparingLong(row -> ((Number) row.getField("id")).longValue()));
    Map<String, Long> perPartition = new HashMap<>();
    for (Record row : sorted) {
      perPartition.merge(partitionPath.apply(row), 1L, Long::sum);
    }
    Table table = catalog.loadTable(tableId(name));
    List<SnapshotInfo> snapshots = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      snapshots.add(new SnapshotInfo(snapshot.snapshotId(), snapshot.timestampMillis(), snapshot.operation(),
          Long.parseLong(snapshot.summary().getOrDefault("total-records", "0"))));
    }
    fixtures.put(name, new TableFixture(name, tableId(name), sorted, perPartition, snapshots));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Row generation and plain-Java partition values

  /**
   * Rows of {@link #EVENTS_SCHEMA} with ids {@code [fromId, toId)}: {@code ts = start + step * (id - fromId)}
   * (NULL when {@code id % 100 == 99}), {@code category = CATEGORIES[id % 5]} (NULL when {@code id % 50 == 49}),
   * {@code amount = (id * 37 % 100000) / 100}, {@code quantity = id % 10}, {@code price = id * 0.25}.
   */
  public static List<Record> events(long fromId, long toId, LocalDateTime start, Duration step) {
    List<Record> rows = new ArrayList<>();
    for (long id = fromId; id < toId; id++) {
      GenericRecord row = GenericRecord.create(EVENTS_SCHEMA);
      row.set(0, id);
      row.set(1, id % 50 == 49 ? null : CATEGORIES.get((int) (id % CATEGORIES.size())));
      row.set(2, id % 100 == 99 ? null : start.plus(step.multipliedBy(id - fromId)));
      row.set(3, BigDecimal.valueOf((id * 37) % 100_000, 2));
      row.set(4, (int) (id % 10));
      row.set(5, id * 0.25);
      rows.add(row);
    }
    return rows;
  }

  /**
   * Iceberg's bucket transform of a long, computed here from the specification (Murmur3 x86 32-bit of the
   * little-endian 8 bytes, sign bit cleared, modulo N), independently of Iceberg's transform code.
   */
  public static int bucket(long value, int buckets) {
    int hash = Hashing.murmur3_32_fixed().hashLong(value).asInt();
    return (hash & Integer.MAX_VALUE) % buckets;
  }

  /** Iceberg's text form of {@code ts}'s year (1), month (2), day (3) or hour (4), or "null". */
  private static String timePart(Record row, int level) {
    LocalDateTime ts = (LocalDateTime) row.getField("ts");
    if (ts == null) {
      return "null";
    }
    return switch (level) {
      case 1 -> String.format(Locale.ROOT, "%04d", ts.getYear());
      case 2 -> String.format(Locale.ROOT, "%04d-%02d", ts.getYear(), ts.getMonthValue());
      case 3 -> ts.toLocalDate().toString();
      case 4 -> String.format(Locale.ROOT, "%s-%02d", ts.toLocalDate(), ts.getHour());
      default -> throw new IllegalArgumentException("level " + level);
    };
  }

  private static List<Record> filter(List<Record> rows, LongPredicate onId) {
    return rows.stream().filter(row -> onId.test((Long) row.getField("id"))).toList();
  }

  private static Record row(Schema schema, Object... values) {
    GenericRecord row = GenericRecord.create(schema);
    for (int i = 0; i < values.length; i++) {
      row.set(i, values[i]);
    }
    return row;
  }

  private static Record struct(Types.StructType type, Object a, Object b) {
    GenericRecord struct = GenericRecord.create(type);
    struct.set(0, a);
    struct.set(1, b);
    return struct;
  }

  private static Map<String, Integer> map(Object... keysAndValues) {
    Map<String, Integer> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (Integer) keysAndValues[i + 1]);
    }
    return map;
  }

  private static ByteBuffer bytes(int... values) {
    byte[] array = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      array[i] = (byte) values[i];
    }
    return ByteBuffer.wrap(array);
  }

  private static OffsetDateTime utc(LocalDateTime dateTime) {
    return OffsetDateTime.of(dateTime, ZoneOffset.UTC);
  }

  private static String single(List<String> paths) {
    if (paths.size() != 1) {
      throw new IllegalStateException("Expected one data file, got " + paths);
    }
    return paths.get(0);
  }

  private TableIdentifier tableId(String name) {
    return TableIdentifier.of(namespace(), name);
  }

  private static List<FileInfo> liveFiles(Table table, FileContent only) {
    Map<String, FileInfo> files = new TreeMap<>();
    if (table.currentSnapshot() == null) {
      return List.of();
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().ignoreResiduals().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile data = task.file();
        files.putIfAbsent(data.location(), fileInfo(table, data));
        for (DeleteFile delete : task.deletes()) {
          files.putIfAbsent(delete.location(), fileInfo(table, delete));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files.values().stream().filter(file -> only == null || file.content() == only).toList();
  }

  private static FileInfo fileInfo(Table table, ContentFile<?> file) {
    PartitionSpec spec = table.specs().get(file.specId());
    StructLike partition = file.partition();
    Map<String, Object> values = new LinkedHashMap<>();
    List<Types.NestedField> fields = spec.partitionType().fields();
    for (int i = 0; i < fields.size(); i++) {
      values.put(fields.get(i).name(), partition.get(i, Object.class));
    }
    String path = spec.isUnpartitioned() ? "" : spec.partitionToPath(partition);
    return new FileInfo(file.location(), file.content(), file.specId(), path, values, file.recordCount(),
        file.fileSizeInBytes());
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // Best effort at exit.
    }
  }
}
