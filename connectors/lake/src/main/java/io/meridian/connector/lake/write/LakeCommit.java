package io.meridian.connector.lake.write;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;

/**
 * What one {@link LakeWriter} call committed: the new snapshot and the files it added.
 *
 * @param snapshotId the id of the snapshot the commit created
 * @param timestampMillis when that snapshot was committed, in milliseconds since the epoch
 * @param dataFiles the data files added (empty for a delete)
 * @param deleteFiles the delete files added (empty for an append)
 * @param recordCount the rows written: data rows for an append, position or key rows for a delete
 */
public record LakeCommit(
    long snapshotId, long timestampMillis, List<DataFile> dataFiles, List<DeleteFile> deleteFiles, long recordCount) {
  public LakeCommit {
    dataFiles = List.copyOf(requireNonNull(dataFiles, "dataFiles is null"));
    deleteFiles = List.copyOf(requireNonNull(deleteFiles, "deleteFiles is null"));
  }

  /** The locations of the data files added, in the order written. */
  public List<String> dataFilePaths() {
    return dataFiles.stream().map(DataFile::location).toList();
  }

  /** The locations of the delete files added, in the order written. */
  public List<String> deleteFilePaths() {
    return deleteFiles.stream().map(DeleteFile::location).toList();
  }
}
