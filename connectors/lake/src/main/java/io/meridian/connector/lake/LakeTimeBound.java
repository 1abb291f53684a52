package io.meridian.connector.lake;

import static java.util.Objects.requireNonNull;

import io.meridian.spi.Connector;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * A lake table's current snapshot and the latest value of a time column in it, read together from Iceberg's
 * metadata (the files' upper bounds; no data is read). Hybrid tables split history from recent rows with it: reading
 * the snapshot by id and splitting at its own latest time leaves no gap and no overlap, whatever commits follow.
 *
 * <p>The column may be a timestamp (with or without time zone), a date, or an integer ({@code int} or {@code long}:
 * a {@code yyyymmdd} date key, epoch seconds, any value that grows with time); {@link Kind} says which, and the unit
 * of {@link #max()}.
 *
 * @param snapshotId the snapshot, to be read as {@code "table@snapshotId"}; empty when the table has none
 * @param kind the column's kind
 * @param max the largest value of the column in that snapshot, in the kind's unit; empty when it holds no rows
 */
public record LakeTimeBound(OptionalLong snapshotId, Kind kind, OptionalLong max) {

  /** What a time column holds, and so the unit of the bound. */
  public enum Kind {
    /** A timestamp; the bound is in epoch milliseconds (UTC wall clock for timestamps without zone). */
    TIMESTAMP,
    /** A date; the bound is in epoch days. */
    DATE,
    /** An integer ({@code int} or {@code long}); the bound is the value itself. */
    INTEGER
  }

  public LakeTimeBound {
    requireNonNull(snapshotId, "snapshotId is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(max, "max is null");
  }

  /**
   * Reads the bound of an Iceberg table of a lake source. The upper bounds count rows removed by delete files too; a
   * deleted row at the very end of the history moves the bound past the rows that remain.
   */
  public static LakeTimeBound read(Connector lake, String table, String column) {
    if (!(lake.schema() instanceof LakeSchema schema)) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "source '" + lake.name() + "' is not a lake "
          + "source; a hybrid table's history must be a lake (Iceberg) table");
    }
    Table iceberg = schema.catalog().icebergTable(table).orElseThrow(() -> new MeridianException(
        ErrorCode.UNKNOWN_TABLE, "source '" + lake.name() + "' has no Iceberg table '" + table + "'"));
    Snapshot snapshot = iceberg.currentSnapshot();
    Types.NestedField field = Optional.ofNullable(snapshot).map(s -> iceberg.schemas().get(s.schemaId()))
        .orElse(iceberg.schema()).findField(column);
    Kind kind = field == null ? null : switch (field.type().typeId()) {
      case TIMESTAMP -> Kind.TIMESTAMP;
      case DATE -> Kind.DATE;
      case INTEGER, LONG -> Kind.INTEGER;
      default -> null;
    };
    if (kind == null) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "lake table '" + table + "' of source '"
          + lake.name() + "' has no column '" + column + "' of a time type (timestamp, date, int or long)");
    }
    if (snapshot == null) {
      return new LakeTimeBound(OptionalLong.empty(), kind, OptionalLong.empty());
    }
    long max = Long.MIN_VALUE;
    boolean any = false;
    try (CloseableIterable<FileScanTask> tasks = iceberg.newScan().useSnapshot(snapshot.snapshotId())
        .includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        if (file.recordCount() == 0) {
          continue;
        }
        ByteBuffer upper = file.upperBounds() == null ? null : file.upperBounds().get(field.fieldId());
        if (upper == null) {
          throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "lake table '" + table + "': file "
              + file.location() + " has no upper bound for '" + column + "', so the hybrid boundary is unknown");
        }
        Object value = Conversions.fromByteBuffer(field.type(), upper);
        long v = ((Number) value).longValue();
        // Timestamps are stored in microseconds; the bound is in milliseconds (Calcite's precision).
        max = Math.max(max, kind == Kind.TIMESTAMP ? Math.floorDiv(v, 1000L) : v);
        any = true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LakeTimeBound(OptionalLong.of(snapshot.snapshotId()), kind, any ? OptionalLong.of(max)
        : OptionalLong.empty());
  }
}
