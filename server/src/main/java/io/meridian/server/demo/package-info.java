/** The self-contained demo: PostgreSQL from jars, a deterministic music-streaming data set, and a server over it. */
package io.meridian.server.demo;
