/** The {@code meridian} command line: serve, sql, explain, validate and demo. */
package io.meridian.server.cli;
