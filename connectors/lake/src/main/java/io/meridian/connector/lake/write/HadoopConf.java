package io.meridian.connector.lake.write;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The one place that builds the Hadoop {@link Configuration} Meridian uses for lake files on the local file system.
 *
 * <p>There is no HDFS: {@code fs.defaultFS} is {@code file:///}. Local files go through Hadoop's
 * {@link RawLocalFileSystem} rather than the checksummed {@code LocalFileSystem}, so no {@code .crc} side files
 * appear beside data and metadata files (Iceberg keeps its own checksums in Parquet and manifests). The file-system
 * cache is bypassed for the {@code file} scheme so that this choice holds even if other code in the JVM already
 * created a cached local file system with other settings; a raw local file system holds no resources, so nothing
 * leaks.
 */
public final class HadoopConf {
  /** Hadoop's key for the default file system. */
  public static final String DEFAULT_FS = "fs.defaultFS";

  private HadoopConf() {}

  /** A new configuration for local files; each call returns a fresh, independent copy (Hadoop's is mutable). */
  public static Configuration local() {
    Configuration conf = new Configuration();
    conf.set(DEFAULT_FS, "file:///");
    conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }
}
