/**
 * The lake connector: Apache Iceberg tables (and plain Parquet folders) planned by Iceberg and read by an embedded
 * DuckDB, with filters, projections, aggregations and limits computed where the data is read.
 */
package io.meridian.connector.lake;
