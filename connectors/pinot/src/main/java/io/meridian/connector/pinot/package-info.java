/**
 * The Apache Pinot connector: tables and schemas discovered from the controller, queries sent to the broker's SQL
 * endpoint with filters, projections, aggregations and limits pushed down, and Pinot's response metadata checked so
 * that a truncated or partial answer is never returned as if it were complete.
 */
package io.meridian.connector.pinot;
