package io.meridian.connector.lake.write;

import static java.util.Objects.requireNonNull;

import io.meridian.connector.lake.LakeTypes;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes plain Parquet folders (not Iceberg tables) with Hive-style {@code key=value} partition subfolders, through
 * an in-memory DuckDB and its {@code COPY ... TO 'folder' (FORMAT parquet, PARTITION_BY (...))}.
 *
 * <p>Why DuckDB rather than Iceberg's Parquet writer: DuckDB lays out Hive partitions itself (folder names, value
 * escaping, partition columns left out of the files), which Iceberg's writer does not do; it is the engine the lake
 * connector reads these folders with, so the layout is exactly what its {@code hive_partitioning} reader expects; and
 * from a SQL query (such as one over {@code range()}) it writes millions of rows a second on all cores. Rows from Java
 * go through DuckDB's appender into a table of that in-memory database first.
 *
 * <p>Layout: partition values are written as DuckDB writes them ({@code country=DE}, and {@code country=NULL} for a
 * NULL); partition columns are not stored inside the files. Every call adds new files named {@code part-<uuid>}
 * (DuckDB's {@code APPEND} mode), so calls may add to an existing folder without overwriting. Use partition columns
 * whose text form is path-safe (strings, integers, dates). Each call uses its own in-memory DuckDB, in UTC.
 */
public final class ParquetFolderWriter {
  private ParquetFolderWriter() {}

  /**
   * Writes {@code rows} (Iceberg generic records of {@code schema}, primitive types only) into {@code folder},
   * partitioned by the named top-level columns in that order (none: files directly in the folder).
   */
  public static ParquetFolderWrite write(Path folder, Schema schema, Iterable<Record> rows, List<String> partitionBy) {
    requireNonNull(folder, "folder is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(rows, "rows is null");
    requireNonNull(partitionBy, "partitionBy is null");
    List<Types.NestedField> columns = schema.columns();
    for (String column : partitionBy) {
      if (schema.asStruct().field(column) == null) {
        throw new MeridianException(ErrorCode.UNKNOWN_COLUMN, "No column " + column + " to partition by");
      }
    }
    String createTable = columns.stream()
        .map(field -> quote(field.name()) + " " + duckDbType(field))
        .collect(Collectors.joining(", ", "CREATE TABLE rows_to_write (", ")"));
    return withDuckDb(folder, connection -> {
      try (Statement statement = connection.createStatement()) {
        statement.execute(createTable);
      }
      long count = 0;
      try (DuckDBAppender appender = connection.unwrap(DuckDBConnection.class).createAppender("main",
          "rows_to_write")) {
        for (Record row : rows) {
          appender.beginRow();
          for (int i = 0; i < columns.size(); i++) {
            append(appender, columns.get(i), row.get(i));
          }
          appender.endRow();
          count++;
        }
      }
      copy(connection, "SELECT * FROM rows_to_write", folder, partitionBy);
      return count;
    });
  }

  /**
   * Writes the rows of a DuckDB {@code SELECT} (run in a fresh in-memory DuckDB, e.g. over {@code range(n)}) into
   * {@code folder}, partitioned by the named output columns in that order (none: files directly in the folder).
   */
  public static ParquetFolderWrite copyQuery(String selectSql, Path folder, List<String> partitionBy) {
    requireNonNull(selectSql, "selectSql is null");
    requireNonNull(folder, "folder is null");
    requireNonNull(partitionBy, "partitionBy is null");
    return withDuckDb(folder, connection -> copy(connection, selectSql, folder, partitionBy));
  }

  /** Every Parquet file under {@code folder}, at any depth, sorted by path; empty if the folder does not exist. */
  public static List<Path> parquetFiles(Path folder) {
    requireNonNull(folder, "folder is null");
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile)
          .filter(file -> file.getFileName().toString().endsWith(".parquet"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED,
          "Cannot list Parquet folder " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The DuckDB type a column of this Iceberg type is written as (primitive types only, as folders hold). */
  public static String duckDbType(Types.NestedField field) {
    if (field.type().isNestedType()) {
      throw new MeridianException(ErrorCode.NOT_SUPPORTED, "Parquet folders are written with primitive columns only; "
          + field.name() + " is " + field.type());
    }
    return LakeTypes.duckDbType(field.type());
  }


  private static long copy(Connection connection, String selectSql, Path folder, List<String> partitionBy)
      throws SQLException {
    StringBuilder sql = new StringBuilder("COPY (").append(selectSql).append(") TO ");
    if (partitionBy.isEmpty()) {
      sql.append(literal(folder.resolve("part-" + UUID.randomUUID() + ".parquet").toString()))
          .append(" (FORMAT parquet, COMPRESSION zstd)");
    } else {
      sql.append(literal(folder.toString()))
          .append(" (FORMAT parquet, COMPRESSION zstd, APPEND, FILENAME_PATTERN 'part-{uuid}', PARTITION_BY (")
          .append(partitionBy.stream().map(ParquetFolderWriter::quote).collect(Collectors.joining(", ")))
          .append("))");
    }
    try (Statement statement = connection.createStatement()) {
      // COPY reports the number of rows written.
      return statement.executeLargeUpdate(sql.toString());
    }
  }

  private static ParquetFolderWrite withDuckDb(Path folder, SqlWork work) {
    Path absolute = folder.toAbsolutePath().normalize();
    Set<Path> before = new HashSet<>(parquetFiles(absolute));
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED,
          "Cannot create Parquet folder " + absolute + ": " + e.getMessage(), e);
    }
    long rows;
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET TimeZone = 'UTC'");
      }
      rows = work.run(connection);
    } catch (SQLException e) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED,
          "Cannot write Parquet folder " + absolute + ": " + e.getMessage(), "duckdb", null, e);
    }
    List<Path> written = new ArrayList<>();
    for (Path file : parquetFiles(absolute)) {
      if (!before.contains(file)) {
        written.add(file);
      }
    }
    return new ParquetFolderWrite(absolute, written, rows);
  }

  private static void append(DuckDBAppender appender, Types.NestedField field, Object value) throws SQLException {
    if (value == null) {
      appender.appendNull();
      return;
    }
    Type type = field.type();
    switch (type.typeId()) {
      case BOOLEAN -> appender.append((boolean) (Boolean) value);
      case INTEGER -> appender.append((int) (Integer) value);
      case LONG -> appender.append((long) (Long) value);
      case FLOAT -> appender.append((float) (Float) value);
      case DOUBLE -> appender.append((double) (Double) value);
      case DECIMAL -> appender.append(
          ((BigDecimal) value).setScale(((Types.DecimalType) type).scale(), RoundingMode.UNNECESSARY));
      case DATE -> appender.append((LocalDate) value);
      case TIME -> appender.append((LocalTime) value);
      case TIMESTAMP -> {
        if (value instanceof OffsetDateTime offsetDateTime) {
          appender.append(offsetDateTime);
        } else {
          appender.append((LocalDateTime) value);
        }
      }
      case STRING -> appender.append(value.toString());
      case UUID -> appender.append((UUID) value);
      case BINARY, FIXED -> appender.append(bytes(value));
      default -> throw new MeridianException(ErrorCode.NOT_SUPPORTED,
          "Parquet folders are written with primitive columns only; " + field.name() + " is " + type);
    }
  }

  private static byte[] bytes(Object value) {
    if (value instanceof byte[] array) {
      return array;
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] array = new byte[buffer.remaining()];
    buffer.get(array);
    return array;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Work done with an open DuckDB connection, returning the number of rows written. */
  @FunctionalInterface
  private interface SqlWork {
    long run(Connection connection) throws SQLException;
  }
}
