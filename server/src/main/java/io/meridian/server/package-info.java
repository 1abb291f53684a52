/**
 * The Meridian Avatica server: remote JDBC clients reach embedded Meridian connections over HTTP.
 *
 * <p>{@link io.meridian.server.MeridianServer} is the entry point; the command line lives in
 * {@code io.meridian.server.cli} and the self-contained demo in {@code io.meridian.server.demo}.
 */
package io.meridian.server;
