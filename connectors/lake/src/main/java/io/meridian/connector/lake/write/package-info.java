/**
 * Writing to the lake: Iceberg tables (appends, position and equality deletes, schema and partition evolution) and
 * plain Parquet folders with Hive-style partitions, for test fixtures, the demo, benchmarks and, later, rollups.
 */
package io.meridian.connector.lake.write;
