package io.meridian.connector.lake;

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
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A lake table's current snapshot and the latest value of a timestamp column in it, read together from Iceberg's
 * metadata (the files' upper bounds; no data is read). Hybrid tables split history from recent rows with it: reading
 * the snapshot by id and splitting at its own latest time leaves no gap and no overlap, whatever commits follow.
 *
 * @param snapshotId the snapshot, to be read as {@code "table@snapshotId"}; empty when the table has none
 * @param maxMillis the latest value of the column in that snapshot, in epoch milliseconds (UTC); empty when it holds no
 *     rows
 */
public record LakeTimeBound(OptionalLong snapshotId, OptionalLong maxMillis) {

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
    if (snapshot == null) {
      return new LakeTimeBound(OptionalLong.empty(), OptionalLong.empty());
    }
    Types.NestedField field = Optional.ofNullable(iceberg.schemas().get(snapshot.schemaId()))
        .orElse(iceberg.schema()).findField(column);
    if (field == null || field.type().typeId() != Type.TypeID.TIMESTAMP) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "lake table '" + table + "' of source '"
          + lake.name() + "' has no timestamp column '" + column + "'");
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
        long micros = Conversions.<Long>fromByteBuffer(field.type(), upper);
        max = Math.max(max, Math.floorDiv(micros, 1000L));
        any = true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LakeTimeBound(OptionalLong.of(snapshot.snapshotId()), any ? OptionalLong.of(max)
        : OptionalLong.empty());
  }
}
