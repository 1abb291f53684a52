/**
 * Hybrid tables: one logical table whose history is read from the lake and whose recent rows from Pinot, split at a
 * boundary read with the lake snapshot each time a query is planned. Only the engine knows both connectors, so the
 * stitching lives here.
 */
package io.meridian.engine.hybrid;
