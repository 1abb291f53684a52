package io.meridian.connector.lake.write;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link ParquetFolderWriter} call wrote.
 *
 * @param folder the absolute folder written to
 * @param files the Parquet files this call added, sorted by path
 * @param rowCount the rows written
 */
public record ParquetFolderWrite(Path folder, List<Path> files, long rowCount) {
  public ParquetFolderWrite {
    requireNonNull(folder, "folder is null");
    files = List.copyOf(requireNonNull(files, "files is null"));
  }
}
