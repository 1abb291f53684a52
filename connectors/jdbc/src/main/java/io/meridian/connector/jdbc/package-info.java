/**
 * The generic JDBC connector, shared by every JDBC warehouse: pooling, pushdown through Calcite's JDBC adapter,
 * streaming, cancellation and error classification. Dialect modules plug in a {@link
 * io.meridian.connector.jdbc.JdbcDialectSupport}.
 */
package io.meridian.connector.jdbc;
