package io.meridian.connector.lake.write;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericAppenderFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Term;
import org.apache.iceberg.io.BaseTaskWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.PartitionedFanoutWriter;
import org.apache.iceberg.io.UnpartitionedWriter;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.StructLikeMap;

/**
 * Creates Iceberg tables in a catalog and writes to them: appends of generic records as Parquet data files, position
 * and equality deletes (format version 2), and thin helpers for schema and partition-spec evolution.
 *
 * <p>Design notes. Each write call makes exactly one commit (one snapshot), even when it writes nothing. Appends run
 * on the calling thread through Iceberg's task writers: {@link UnpartitionedWriter} for unpartitioned tables and a
 * {@link PartitionedFanoutWriter} otherwise, which keeps one open file per partition seen (so memory grows with the
 * number of partitions a call touches; sort the input by partition to keep it small). Files roll over at the target
 * file size. Records must have the table's current schema, in field order, with Iceberg's generic Java types
 * ({@code LocalDate}, {@code LocalTime}, {@code LocalDateTime}, {@code OffsetDateTime}, {@code BigDecimal},
 * {@code UUID}, {@code ByteBuffer} for binary, {@code byte[]} for fixed). On a failed write the files written so far
 * are deleted and nothing is committed. Instances are immutable and thread-safe; concurrent commits to the same
 * table are resolved (or refused) by Iceberg's optimistic concurrency.
 */
public final class LakeWriter {
  /** The table properties {@link #createTable} starts from: Parquet files, zstd, Iceberg format version 2. */
  public static final Map<String, String> DEFAULT_TABLE_PROPERTIES = Map.of(
      TableProperties.FORMAT_VERSION, "2",
      TableProperties.DEFAULT_FILE_FORMAT, "parquet",
      TableProperties.PARQUET_COMPRESSION, "zstd");

  private static final AtomicInteger TASK_IDS = new AtomicInteger();

  private final Catalog catalog;
  private final OptionalLong targetFileSizeBytes;

  private LakeWriter(Catalog catalog, OptionalLong targetFileSizeBytes) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.targetFileSizeBytes = requireNonNull(targetFileSizeBytes, "targetFileSizeBytes is null");
  }

  /** A writer for tables of {@code catalog}, rolling files at each table's {@code write.target-file-size-bytes}. */
  public static LakeWriter create(Catalog catalog) {
    return new LakeWriter(catalog, OptionalLong.empty());
  }

  /** A copy of this writer that rolls data files over at {@code bytes} (at least 1), whatever the table says. */
  public LakeWriter withTargetFileSizeBytes(long bytes) {
    if (bytes < 1) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER, "Target file size must be positive: " + bytes);
    }
    return new LakeWriter(catalog, OptionalLong.of(bytes));
  }

  public Catalog catalog() {
    return catalog;
  }

  /** The target file size set on this writer, or empty when each table's property decides. */
  public OptionalLong targetFileSizeBytes() {
    return targetFileSizeBytes;
  }

  /** Creates an unpartitioned or partitioned table with {@link #DEFAULT_TABLE_PROPERTIES}. */
  public Table createTable(TableIdentifier identifier, Schema schema, PartitionSpec spec) {
    return createTable(identifier, schema, spec, Map.of());
  }

  /**
   * Creates a table, and its namespace if the catalog has namespaces and it is missing. {@code properties} are laid
   * over {@link #DEFAULT_TABLE_PROPERTIES} (so {@code format-version} may be set to 1 or 3).
   */
  public Table createTable(TableIdentifier identifier, Schema schema, PartitionSpec spec,
      Map<String, String> properties) {
    requireNonNull(identifier, "identifier is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(spec, "spec is null");
    requireNonNull(properties, "properties is null");
    Map<String, String> allProperties = new HashMap<>(DEFAULT_TABLE_PROPERTIES);
    allProperties.putAll(properties);
    createNamespaceIfMissing(identifier.namespace());
    try {
      return catalog.buildTable(identifier, schema).withPartitionSpec(spec).withProperties(allProperties).create();
    } catch (AlreadyExistsException e) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER, "Table " + identifier + " already exists", e);
    } catch (ValidationException | IllegalArgumentException e) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER,
          "Cannot create table " + identifier + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw writeFailed(identifier.toString(), "create the table", e);
    }
  }

  private void createNamespaceIfMissing(Namespace namespace) {
    if (namespace.isEmpty() || !(catalog instanceof SupportsNamespaces namespaces)) {
      return;
    }
    if (!namespaces.namespaceExists(namespace)) {
      try {
        namespaces.createNamespace(namespace);
      } catch (AlreadyExistsException e) {
        // Created concurrently: fine.
      }
    }
  }

  /**
   * Appends {@code records} (in the table's current schema) as new Parquet data files, in one commit. For a
   * partitioned table, rows go to the files of their partition under the table's current spec.
   */
  public LakeCommit appendRecords(Table table, Iterable<Record> records) {
    requireNonNull(table, "table is null");
    requireNonNull(records, "records is null");
    Written written = writeFiles(table, records, "append rows");
    WriteResult result = written.result();
    long count = written.count();
    AppendFiles append = table.newAppend();
    for (DataFile file : result.dataFiles()) {
      append.appendFile(file);
    }
    commit(table, "commit the append", append::commit);
    return committed(table, List.of(result.dataFiles()), List.of(), count);
  }

  /** Data files written for a commit, and how many rows they hold. */
  private record Written(WriteResult result, long count) {}

  /**
   * Writes {@code records} (in the table's current schema) as Parquet data files under the table's current spec, one
   * fan-out writer per partition, without committing them; on failure the files written so far are deleted.
   */
  private Written writeFiles(Table table, Iterable<Record> records, String what) {
    table.refresh();
    Schema schema = table.schema();
    PartitionSpec spec = table.spec();
    FileFormat format = dataFileFormat(table);
    GenericAppenderFactory appenders = new GenericAppenderFactory(table, schema, spec, table.properties(), null, null, null);
    OutputFileFactory files = outputFiles(table, format);
    long targetSize = targetFileSize(table);
    BaseTaskWriter<Record> writer = spec.isUnpartitioned()
        ? new UnpartitionedWriter<>(spec, format, appenders, files, table.io(), targetSize)
        : new RecordFanoutWriter(spec, schema, format, appenders, files, table, targetSize);
    long count = 0;
    WriteResult result;
    try {
      for (Record record : records) {
        writer.write(record);
        count++;
      }
      result = writer.complete();
    } catch (IOException | RuntimeException e) {
      abort(writer, e);
      throw writeFailed(table.name(), what, e);
    }
    return new Written(result, count);
  }

  /**
   * Replaces every row of the table by {@code records} and sets {@code properties}, in one commit: readers see either
   * the old rows and properties or the new ones. (Meridian's rollups are rewritten this way, their build metadata in
   * the same commit as their rows.)
   */
  public LakeCommit replaceRecords(Table table, Iterable<Record> records, Map<String, String> properties) {
    requireNonNull(table, "table is null");
    requireNonNull(records, "records is null");
    requireNonNull(properties, "properties is null");
    Written written = writeFiles(table, records, "write rows");
    WriteResult result = written.result();
    long count = written.count();
    Map<String, DataFile> live = liveDataFiles(table);
    org.apache.iceberg.Transaction tx = table.newTransaction();
    org.apache.iceberg.OverwriteFiles overwrite = tx.newOverwrite();
    live.values().forEach(overwrite::deleteFile);
    for (DataFile file : result.dataFiles()) {
      overwrite.addFile(file);
    }
    overwrite.commit();
    if (!properties.isEmpty()) {
      org.apache.iceberg.UpdateProperties update = tx.updateProperties();
      properties.forEach(update::set);
      update.commit();
    }
    commit(table, "commit the replacement", tx::commitTransaction);
    return committed(table, List.of(result.dataFiles()), List.of(), count);
  }

  /**
   * Deletes rows by position (format version 2): for each live data file location, the 0-based positions of its
   * rows to delete. One position delete file is written per data file (so each refers to a single data file), all
   * in one commit that fails if a data file is no longer live.
   */
  public LakeCommit deletePositions(Table table, Map<String, List<Long>> positionsByDataFile) {
    requireNonNull(table, "table is null");
    requireNonNull(positionsByDataFile, "positionsByDataFile is null");
    table.refresh();
    requireFormatVersion2(table, "position deletes");
    Map<String, DataFile> liveFiles = liveDataFiles(table);
    Snapshot base = table.currentSnapshot();
    FileFormat format = deleteFileFormat(table);
    OutputFileFactory files = outputFiles(table, format);
    Map<Integer, GenericAppenderFactory> appendersBySpec = new HashMap<>();
    List<DeleteFile> deleteFiles = new ArrayList<>();
    long count = 0;
    // Sorted by location, so the files come out in a stable order.
    for (Map.Entry<String, List<Long>> entry : new TreeMap<>(positionsByDataFile).entrySet()) {
      String location = requireNonNull(entry.getKey(), "data file location is null");
      DataFile dataFile = liveFiles.get(location);
      if (dataFile == null) {
        throw new MeridianException(ErrorCode.INVALID_PARAMETER,
            "Not a live data file of table " + table.name() + ": " + location);
      }
      TreeSet<Long> positions = new TreeSet<>(requireNonNull(entry.getValue(), "positions is null"));
      if (positions.isEmpty()) {
        continue;
      }
      if (positions.first() < 0 || positions.last() >= dataFile.recordCount()) {
        throw new MeridianException(ErrorCode.INVALID_PARAMETER, String.format(Locale.ROOT,
            "Positions of %s must lie in [0, %d): %s", location, dataFile.recordCount(), positions));
      }
      PartitionSpec spec = table.specs().get(dataFile.specId());
      GenericAppenderFactory appenders = appendersBySpec.computeIfAbsent(dataFile.specId(),
          id -> new GenericAppenderFactory(table, table.schema(), spec, table.properties(), null, null, null));
      PositionDeleteWriter<Record> writer =
          appenders.newPosDeleteWriter(files.newOutputFile(spec, dataFile.partition()), format, dataFile.partition());
      try (PositionDeleteWriter<Record> closing = writer) {
        PositionDelete<Record> delete = PositionDelete.create();
        for (long position : positions) {
          closing.write(delete.set(location, position));
        }
      } catch (IOException | RuntimeException e) {
        deleteQuietly(table, deleteFiles);
        throw writeFailed(table.name(), "write a position delete file", e);
      }
      deleteFiles.add(writer.toDeleteFile());
      count += positions.size();
    }
    RowDelta delta = table.newRowDelta().validateDataFilesExist(positionsByDataFile.keySet());
    if (base != null) {
      delta.validateFromSnapshot(base.snapshotId());
    }
    deleteFiles.forEach(delta::addDeletes);
    commit(table, "commit the position deletes", delta::commit);
    return committed(table, List.of(), deleteFiles, count);
  }

  /**
   * Deletes, by equality delete files (format version 2), every row whose {@code equalityColumns} equal those of one
   * of {@code keys} (SQL equality, except that a NULL key value matches NULL). Each key record must have fields of
   * those names (other fields are ignored). Since an equality delete file in a partition applies only to that
   * partition, one file holding all keys is written for each partition that has live data files, in one commit.
   */
  public LakeCommit deleteWhereEquals(Table table, List<String> equalityColumns, Iterable<Record> keys) {
    requireNonNull(table, "table is null");
    requireNonNull(equalityColumns, "equalityColumns is null");
    requireNonNull(keys, "keys is null");
    if (equalityColumns.isEmpty()) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER, "No equality columns given");
    }
    table.refresh();
    requireFormatVersion2(table, "equality deletes");
    Schema schema = table.schema();
    Set<Integer> fieldIds = new LinkedHashSet<>();
    for (String column : equalityColumns) {
      Types.NestedField field = schema.asStruct().field(requireNonNull(column, "column is null"));
      if (field == null) {
        throw new MeridianException(ErrorCode.UNKNOWN_COLUMN,
            "Table " + table.name() + " has no top-level column " + column);
      }
      if (!field.type().isPrimitiveType()) {
        throw new MeridianException(ErrorCode.INVALID_PARAMETER,
            "Equality delete column " + column + " must be of a primitive type, not " + field.type());
      }
      fieldIds.add(field.fieldId());
    }
    Schema keySchema = TypeUtil.select(schema, fieldIds);
    List<Record> keyRows = new ArrayList<>();
    for (Record key : keys) {
      GenericRecord row = GenericRecord.create(keySchema);
      for (Types.NestedField field : keySchema.columns()) {
        if (key.struct().field(field.name()) == null) {
          throw new MeridianException(ErrorCode.INVALID_PARAMETER,
              "Equality delete key " + key + " has no field " + field.name());
        }
        row.setField(field.name(), key.getField(field.name()));
      }
      keyRows.add(row);
    }
    int[] equalityFieldIds = fieldIds.stream().mapToInt(Integer::intValue).toArray();

    Snapshot base = table.currentSnapshot();
    FileFormat format = deleteFileFormat(table);
    OutputFileFactory files = outputFiles(table, format);
    Map<Integer, GenericAppenderFactory> appendersBySpec = new HashMap<>();
    List<DeleteFile> deleteFiles = new ArrayList<>();
    for (Map.Entry<Integer, List<StructLike>> entry : livePartitions(table).entrySet()) {
      PartitionSpec spec = table.specs().get(entry.getKey());
      GenericAppenderFactory appenders = appendersBySpec.computeIfAbsent(entry.getKey(),
          id -> new GenericAppenderFactory(table, schema, spec, table.properties(), equalityFieldIds, keySchema, null));
      for (StructLike partition : entry.getValue()) {
        EqualityDeleteWriter<Record> writer =
            appenders.newEqDeleteWriter(files.newOutputFile(spec, partition), format, partition);
        try (EqualityDeleteWriter<Record> closing = writer) {
          keyRows.forEach(closing::write);
        } catch (IOException | RuntimeException e) {
          deleteQuietly(table, deleteFiles);
          throw writeFailed(table.name(), "write an equality delete file", e);
        }
        deleteFiles.add(writer.toDeleteFile());
      }
    }
    RowDelta delta = table.newRowDelta();
    if (base != null) {
      delta.validateFromSnapshot(base.snapshotId());
    }
    deleteFiles.forEach(delta::addDeletes);
    commit(table, "commit the equality deletes", delta::commit);
    return committed(table, List.of(), deleteFiles, keyRows.size());
  }

  /** Renames a column (its field id stays, so files written before keep being read under the new name). */
  public static void renameColumn(Table table, String name, String newName) {
    requireNonNull(name, "name is null");
    requireNonNull(newName, "newName is null");
    updateSchema(table, update -> update.renameColumn(name, newName));
  }

  /** Adds an optional top-level column with a new field id; rows of existing files read it as NULL. */
  public static void addColumn(Table table, String name, Type type) {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    updateSchema(table, update -> update.addColumn(name, type));
  }

  /** Drops a column from the schema (its data stays in old files, unread). */
  public static void dropColumn(Table table, String name) {
    requireNonNull(name, "name is null");
    updateSchema(table, update -> update.deleteColumn(name));
  }

  /** Applies any schema change in one commit, such as a type promotion or moving a column. */
  public static void updateSchema(Table table, Consumer<UpdateSchema> change) {
    requireNonNull(table, "table is null");
    requireNonNull(change, "change is null");
    UpdateSchema update = table.updateSchema();
    applyChange(table, "change the schema", () -> change.accept(update));
    commit(table, "commit the schema change", update::commit);
  }

  /**
   * Replaces one partition field by another in one commit, e.g. {@code Expressions.day("ts")} by
   * {@code Expressions.month("ts")}; files written before keep their old spec.
   */
  public static void replacePartitionField(Table table, Term oldField, Term newField) {
    requireNonNull(oldField, "oldField is null");
    requireNonNull(newField, "newField is null");
    updateSpec(table, update -> update.removeField(oldField).addField(newField));
  }

  /** Applies any partition spec change in one commit. */
  public static void updateSpec(Table table, Consumer<UpdatePartitionSpec> change) {
    requireNonNull(table, "table is null");
    requireNonNull(change, "change is null");
    UpdatePartitionSpec update = table.updateSpec();
    applyChange(table, "change the partition spec", () -> change.accept(update));
    commit(table, "commit the partition spec change", update::commit);
  }

  private static void applyChange(Table table, String what, Runnable change) {
    try {
      change.run();
    } catch (ValidationException | IllegalArgumentException | IllegalStateException e) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER,
          "Cannot " + what + " of table " + table.name() + ": " + e.getMessage(), e);
    }
  }

  private static void commit(Table table, String what, Runnable commit) {
    try {
      commit.run();
    } catch (ValidationException | IllegalArgumentException e) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER,
          "Cannot " + what + " of table " + table.name() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw writeFailed(table.name(), what, e);
    }
  }

  private static LakeCommit committed(Table table, List<DataFile> dataFiles, List<DeleteFile> deleteFiles,
      long recordCount) {
    Snapshot snapshot = table.currentSnapshot();
    return new LakeCommit(snapshot.snapshotId(), snapshot.timestampMillis(), dataFiles, deleteFiles, recordCount);
  }

  private static void requireFormatVersion2(Table table, String what) {
    int version = TableUtil.formatVersion(table);
    if (version != 2) {
      // Version 1 has no delete files; version 3 replaces position delete files by deletion vectors.
      throw new MeridianException(ErrorCode.NOT_SUPPORTED, String.format(Locale.ROOT,
          "Writing %s needs Iceberg format version 2; table %s has version %d", what, table.name(), version));
    }
  }

  private static Map<String, DataFile> liveDataFiles(Table table) {
    Map<String, DataFile> files = new LinkedHashMap<>();
    if (table.currentSnapshot() == null) {
      return files;
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().ignoreResiduals().planFiles()) {
      for (FileScanTask task : tasks) {
        files.put(task.file().location(), task.file());
      }
    } catch (IOException e) {
      throw writeFailed(table.name(), "list the data files", e);
    }
    return files;
  }

  /** The distinct partitions, per spec id, of the table's live data files. */
  private static Map<Integer, List<StructLike>> livePartitions(Table table) {
    Map<Integer, StructLikeMap<Boolean>> seen = new TreeMap<>();
    for (DataFile file : liveDataFiles(table).values()) {
      seen.computeIfAbsent(file.specId(), id -> StructLikeMap.create(table.specs().get(id).partitionType()))
          .put(file.partition(), Boolean.TRUE);
    }
    Map<Integer, List<StructLike>> partitions = new TreeMap<>();
    seen.forEach((specId, map) -> partitions.put(specId, List.copyOf(map.keySet())));
    return partitions;
  }

  private static FileFormat dataFileFormat(Table table) {
    return fileFormat(table, TableProperties.DEFAULT_FILE_FORMAT);
  }

  private static FileFormat deleteFileFormat(Table table) {
    String deleteFormat = table.properties().get(TableProperties.DELETE_DEFAULT_FILE_FORMAT);
    return deleteFormat == null ? dataFileFormat(table) : fileFormat(table, TableProperties.DELETE_DEFAULT_FILE_FORMAT);
  }

  private static FileFormat fileFormat(Table table, String property) {
    String name = table.properties().getOrDefault(property, TableProperties.DEFAULT_FILE_FORMAT_DEFAULT);
    FileFormat format = FileFormat.fromString(name);
    if (format != FileFormat.PARQUET) {
      throw new MeridianException(ErrorCode.NOT_SUPPORTED,
          "Meridian writes Parquet files only; table " + table.name() + " has " + property + "=" + name);
    }
    return format;
  }

  private static OutputFileFactory outputFiles(Table table, FileFormat format) {
    return OutputFileFactory.builderFor(table, 0, TASK_IDS.incrementAndGet() & Integer.MAX_VALUE)
        .format(format)
        .operationId(UUID.randomUUID().toString())
        .build();
  }

  private long targetFileSize(Table table) {
    if (targetFileSizeBytes.isPresent()) {
      return targetFileSizeBytes.getAsLong();
    }
    return PropertyUtil.propertyAsLong(table.properties(), TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
  }

  private static void abort(BaseTaskWriter<Record> writer, Exception failure) {
    try {
      writer.abort();
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static void deleteQuietly(Table table, List<DeleteFile> written) {
    for (DeleteFile file : written) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException e) {
        // Best effort: an uncommitted file is garbage, not data.
      }
    }
  }

  private static MeridianException writeFailed(String table, String what, Exception e) {
    Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
    return new MeridianException(ErrorCode.SOURCE_QUERY_FAILED,
        "Cannot " + what + " of lake table " + table + ": " + cause.getMessage(), table, null, e);
  }

  /** A fanout writer that computes each record's partition key from its internal (epoch-based) values. */
  private static final class RecordFanoutWriter extends PartitionedFanoutWriter<Record> {
    private final PartitionKey key;
    private final InternalRecordWrapper wrapper;

    RecordFanoutWriter(PartitionSpec spec, Schema schema, FileFormat format, GenericAppenderFactory appenders,
        OutputFileFactory files, Table table, long targetFileSize) {
      super(spec, format, appenders, files, table.io(), targetFileSize);
      this.key = new PartitionKey(spec, schema);
      this.wrapper = new InternalRecordWrapper(schema.asStruct());
    }

    @Override
    protected PartitionKey partition(Record record) {
      key.partition(wrapper.wrap(record));
      return key;
    }
  }
}
