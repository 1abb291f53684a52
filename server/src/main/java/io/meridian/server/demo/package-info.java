/**
 * The self-contained demo: PostgreSQL from jars, a deterministic music-streaming data set, its plays also as an
 * Iceberg table in a lake, and a server over both.
 */
package io.meridian.server.demo;
