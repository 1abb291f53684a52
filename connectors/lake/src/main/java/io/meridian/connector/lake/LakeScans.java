package io.meridian.connector.lake;

import static io.meridian.connector.lake.LakeTypes.literal;
import static io.meridian.connector.lake.LakeTypes.quote;
import static java.util.Objects.requireNonNull;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableScan;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Types;

/**
 * Plans lake scans and writes the DuckDB relation that reads them.
 *
 * <p>Design note. Iceberg plans the scan: the snapshot, partition pruning, file pruning on column statistics, and
 * which delete files apply to which data file (respecting sequence numbers). DuckDB then reads exactly those data
 * files, by Iceberg field id (so renamed, added and dropped columns read correctly in old files), pruning row groups
 * and reading only the columns the query needs. Deletes are applied in the same columnar query: data files are
 * grouped by the delete files that apply to them, and each group excludes its position deletes (file name and row
 * number) and its equality deletes (an anti-join on the equality columns). So every path is both exact and columnar;
 * nothing falls back to row-by-row reading.
 */
final class LakeScans {
  /** A column as DuckDB describes it. */
  record Column(String name, String type) {}

  /**
   * A planned scan: the DuckDB relation, the files it reads, and what EXPLAIN tells about it.
   *
   * @param filesRead data files read, or -1 for a Parquet folder (which DuckDB prunes itself)
   * @param partitionsRead partitions those files are in
   */
  record Planned(String relation, List<String> dataFiles, List<String> before, long filesRead, String totalFiles,
      long partitionsRead, List<String> after) {
    /** The EXPLAIN lines, with the snapshot's partition count when known. */
    List<String> details(OptionalLong totalPartitions) {
      List<String> lines = new ArrayList<>(before);
      if (filesRead >= 0) {
        lines.add("files read: " + filesRead + " of " + totalFiles + " (" + partitionsRead + " partition"
            + (partitionsRead == 1 ? "" : "s")
            + (totalPartitions.isPresent() ? " of " + totalPartitions.getAsLong() : "") + ")");
      }
      lines.addAll(after);
      return lines;
    }
  }

  private final LakeCatalog catalog;
  private final DataSource duckDb;

  /**
   * Planned scans by table, filter, snapshot and schema: a snapshot never changes, so a repeated query on an unchanged
   * table skips Iceberg's manifest reading (most of a selective query's time on a table with many manifests).
   */
  private final Map<String, Planned> planned = java.util.Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Planned> eldest) {
          return size() > 256;
        }
      });

  LakeScans(LakeCatalog catalog, DataSource duckDb) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.duckDb = requireNonNull(duckDb, "duckDb is null");
  }

  /** EXPLAIN's view of a scan: the plan's details, with the number of partitions of the whole snapshot. */
  List<String> explain(LakeScanSpec spec) {
    Planned planned = plan(spec);
    Table table = catalog.icebergTable(spec.table()).orElse(null);
    if (table == null) {
      return planned.details(OptionalLong.empty());
    }
    TableScan all = table.newScan();
    if (spec.snapshotId().isPresent()) {
      all = all.useSnapshot(spec.snapshotId().get());
    } else if (spec.asOfMillis().isPresent()) {
      all = all.asOfTime(spec.asOfMillis().get());
    }
    return planned.details(OptionalLong.of(all.snapshot() == null ? 0 : partitions(files(all)).size()));
  }

  private static List<FileScanTask> files(TableScan scan) {
    List<FileScanTask> tasks = new ArrayList<>();
    try (CloseableIterable<FileScanTask> planned = scan.planFiles()) {
      planned.forEach(tasks::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tasks;
  }

  /** The partitions files are in; a partition of one spec is not one of another. */
  private static Set<String> partitions(List<FileScanTask> tasks) {
    return tasks.stream().map(t -> t.spec().specId() + "/" + t.spec().partitionToPath(t.file().partition()))
        .collect(Collectors.toSet());
  }

  Planned plan(LakeScanSpec spec) {
    Table table = catalog.icebergTable(spec.table()).orElse(null);
    if (table == null) {
      if (catalog.parquetFolder(spec.table()).isPresent()) {
        return parquetFolder(spec);
      }
      throw new MeridianException(ErrorCode.UNKNOWN_TABLE, "lake table '" + spec.table() + "' of source '"
          + catalog.source() + "' no longer exists", catalog.source(), null, null);
    }
    TableScan scan = table.newScan();
    if (spec.snapshotId().isPresent()) {
      scan = scan.useSnapshot(spec.snapshotId().get());
    } else if (spec.asOfMillis().isPresent()) {
      scan = scan.asOfTime(spec.asOfMillis().get());
    }
    // The runtime filters' ranges, when the running query's join build sides published them, narrow planning too.
    Expression filter = LakeRuntimeFilters.planningFilter(spec, scan.schema());
    scan = scan.filter(filter);
    Schema schema = scan.schema();
    Snapshot snapshot = scan.snapshot();
    String cacheKey = spec.withFilter(filter).encode() + "@" + (snapshot == null ? "none" : snapshot.snapshotId())
        + "#" + schema.schemaId();
    Planned cached = planned.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    List<FileScanTask> tasks = snapshot == null ? List.of() : files(scan);
    // Data files grouped by the delete files that apply to them.
    Map<List<String>, List<FileScanTask>> groups = new LinkedHashMap<>();
    for (FileScanTask task : tasks) {
      List<String> key = task.deletes().stream().map(d -> d.location()).sorted().toList();
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(task);
    }
    FileIO io = table.io();
    Staging staged = new Staging(io);
    List<String> parts = new ArrayList<>();
    int positionDeletes = 0;
    int equalityDeletes = 0;
    for (List<FileScanTask> group : groups.values()) {
      List<DeleteFile> deletes = group.get(0).deletes();
      positionDeletes += (int) deletes.stream().filter(d -> d.content() == FileContent.POSITION_DELETES).count();
      equalityDeletes += (int) deletes.stream().filter(d -> d.content() == FileContent.EQUALITY_DELETES).count();
      parts.add(groupRelation(schema, group, deletes, staged));
    }
    String relation = parts.isEmpty() ? empty(schema) : String.join("\nUNION ALL\n", parts);
    List<String> dataFiles = tasks.stream().map(t -> staged.path(t.file().location())).toList();
    List<String> before = List.of(
        "lake table " + spec.table() + " (Iceberg, format v" + formatVersion(table) + "), snapshot "
            + (snapshot == null ? "none (empty table)" : snapshot.snapshotId()
                + (spec.snapshotId().isPresent() || spec.asOfMillis().isPresent() ? " (pinned)" : " (current)")),
        "planning filter: " + filter);
    List<String> after = new ArrayList<>();
    spec.runtimeFilters().forEach((id, column) -> after.add("runtime filter " + id + " on " + column
        + ": the join's build-side keys, sent when the query runs (their range also narrows this planning)"));
    after.add("deletes applied: " + (positionDeletes + equalityDeletes == 0 ? "none"
        : positionDeletes + " position delete file(s), " + equalityDeletes + " equality delete file(s), as anti-joins"));
    if (staged.count() > 0) {
      after.add("object storage: " + staged.count() + " file(s) copied to the local staging folder "
          + STAGING + " (immutable, kept for later queries), since DuckDB cannot read object storage here");
    }
    after.add("read by DuckDB by field id: only the columns and row groups the query needs; the query's filter, "
        + "aggregation and limit run there");
    Planned result = new Planned(relation, dataFiles, before, tasks.size(),
        snapshot == null ? "0" : snapshot.summary().getOrDefault("total-data-files", "?"), partitions(tasks).size(),
        after);
    planned.put(cacheKey, result);
    return result;
  }

  private static String formatVersion(Table table) {
    if (table instanceof org.apache.iceberg.HasTableOperations ops) {
      return String.valueOf(ops.operations().current().formatVersion());
    }
    return "?";
  }

  /** One group of data files with the same deletes, as a DuckDB query. */
  private static String groupRelation(Schema schema, List<FileScanTask> group, List<DeleteFile> deletes,
      Staging staged) {
    boolean positions = deletes.stream().anyMatch(d -> d.content() == FileContent.POSITION_DELETES);
    StringBuilder sql = new StringBuilder("SELECT ").append(selectList(schema, "t"))
        .append(" FROM read_parquet(").append(staged.fileList(group.stream().map(t -> t.file().location()).toList()))
        .append(", schema = ").append(schemaMap(schema.columns()))
        .append(positions ? ", filename = true, file_row_number = true" : "")
        .append(") AS t");
    List<String> conditions = new ArrayList<>();
    List<String> positionFiles = deletes.stream().filter(d -> d.content() == FileContent.POSITION_DELETES)
        .map(DeleteFile::location).toList();
    if (!positionFiles.isEmpty()) {
      conditions.add("NOT EXISTS (SELECT 1 FROM read_parquet(" + staged.fileList(positionFiles) + ") AS d "
          + "WHERE " + Staging.pathInSql("d.file_path") + " = t.filename AND d.pos = t.file_row_number)");
    }
    Map<List<Integer>, List<String>> byColumns = new LinkedHashMap<>();
    for (DeleteFile d : deletes) {
      if (d.content() == FileContent.EQUALITY_DELETES) {
        byColumns.computeIfAbsent(d.equalityFieldIds(), k -> new ArrayList<>()).add(d.location());
      }
    }
    byColumns.forEach((ids, files) -> {
      List<Types.NestedField> fields = ids.stream().map(schema::findField).toList();
      if (fields.contains(null)) {
        throw new MeridianException(ErrorCode.NOT_SUPPORTED, "an equality delete refers to a column that is no "
            + "longer in the table's schema; Meridian cannot apply it exactly");
      }
      String match = fields.stream().map(f -> "e." + quote(f.name()) + " IS NOT DISTINCT FROM t." + quote(f.name()))
          .collect(Collectors.joining(" AND "));
      conditions.add("NOT EXISTS (SELECT 1 FROM read_parquet(" + staged.fileList(files) + ", schema = " + schemaMap(fields)
          + ") AS e WHERE " + match + ")");
    });
    if (!conditions.isEmpty()) {
      sql.append(" WHERE ").append(String.join(" AND ", conditions));
    }
    return sql.toString();
  }

  /** The table's columns, nested values and UUIDs as text. */
  private static String selectList(Schema schema, String alias) {
    return schema.columns().stream().map(f -> LakeTypes.asText(f.type())
        ? "CAST(" + alias + "." + quote(f.name()) + " AS VARCHAR) AS " + quote(f.name())
        : alias + "." + quote(f.name())).collect(Collectors.joining(", "));
  }

  /** No rows, with the table's columns. */
  private static String empty(Schema schema) {
    return "SELECT " + schema.columns().stream()
        .map(f -> "CAST(NULL AS " + (LakeTypes.asText(f.type()) ? "VARCHAR" : LakeTypes.duckDbType(f.type()))
            + ") AS " + quote(f.name()))
        .collect(Collectors.joining(", ")) + " WHERE FALSE";
  }

  /** DuckDB's {@code read_parquet} schema argument: columns by Iceberg field id, with today's names and types. */
  private static String schemaMap(List<Types.NestedField> fields) {
    return "MAP {" + fields.stream().map(f -> f.fieldId() + ": {name: " + literal(f.name()) + ", type: "
        + literal(LakeTypes.duckDbType(f.type())) + ", default_value: NULL}").collect(Collectors.joining(", ")) + "}";
  }

  /** Where object-storage files are copied for DuckDB, one folder per JVM user. */
  static final Path STAGING = Path.of(System.getProperty("java.io.tmpdir"), "meridian-lake-staging");

  /**
   * The local path DuckDB reads a file from. Local files are read in place. Object-storage files are copied once
   * into {@link #STAGING}, named by the SHA-256 of their location: DuckDB's httpfs extension, which would read them
   * directly, downloads at run time and cannot be installed here. Iceberg never rewrites a file in place, so a copy
   * stays valid for as long as the file is in a snapshot.
   */
  static final class Staging {
    private final FileIO io;
    private final Set<String> staged = new java.util.HashSet<>();

    Staging(FileIO io) {
      this.io = io;
    }

    /** Object-storage files this scan reads from the staging folder. */
    int count() {
      return staged.size();
    }

    String fileList(List<String> locations) {
      return "[" + locations.stream().map(l -> literal(path(l))).collect(Collectors.joining(", ")) + "]";
    }

    String path(String location) {
      String local = local(location);
      if (local != null) {
        return local;
      }
      Path target = STAGING.resolve(sha256(location) + ".parquet");
      if (!Files.exists(target)) {
        try {
          Files.createDirectories(STAGING);
          Path partial = Files.createTempFile(STAGING, "staging-", ".part");
          try (InputStream in = io.newInputFile(location).newStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
          }
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
          throw new MeridianException(ErrorCode.SOURCE_UNAVAILABLE, "cannot read lake file " + location + ": "
              + e.getMessage(), null, null, e);
        }
      }
      staged.add(location);
      return target.toString();
    }

    /** The same mapping, in DuckDB SQL, for file paths stored in position delete files. */
    static String pathInSql(String column) {
      return "CASE WHEN starts_with(" + column + ", 'file:') OR starts_with(" + column + ", '/') "
          + "THEN regexp_replace(" + column + ", '^file:(//)?', '') "
          + "ELSE " + literal(STAGING.toString() + "/") + " || sha256(" + column + ") || '.parquet' END";
    }

    private static String local(String location) {
      if (location.startsWith("file://")) {
        return location.substring("file://".length());
      }
      if (location.startsWith("file:")) {
        return location.substring("file:".length());
      }
      return location.startsWith("/") ? location : null;
    }

    private static String sha256(String text) {
      try {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private Planned parquetFolder(LakeScanSpec spec) {
    String glob = catalog.parquetFolder(spec.table()).orElseThrow().toAbsolutePath() + "/**/*.parquet";
    String relation = "SELECT * FROM read_parquet(" + literal(glob) + ", hive_partitioning = true, "
        + "union_by_name = true)";
    return new Planned(relation, List.of(glob), List.of("Parquet folder " + spec.table() + " (Hive partitions): "
        + "partitions pruned by DuckDB from the folder names, row groups from column statistics"), -1, "", 0, List.of());
  }

  /** The columns of a Parquet folder table, as DuckDB reads them. */
  List<Column> parquetColumns(String table) {
    String glob = catalog.parquetFolder(table).orElseThrow().toAbsolutePath() + "/**/*.parquet";
    try (Connection c = duckDb.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + literal(glob)
            + ", hive_partitioning = true, union_by_name = true)")) {
      List<Column> columns = new ArrayList<>();
      while (rs.next()) {
        columns.add(new Column(rs.getString(1), rs.getString(2)));
      }
      return columns;
    } catch (SQLException e) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "source '" + catalog.source() + "': cannot read "
          + "the Parquet folder " + table + ": " + e.getMessage(), catalog.source(), null, e);
    }
  }
}
