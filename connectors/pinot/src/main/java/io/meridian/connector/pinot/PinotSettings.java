package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What a Pinot source needs: where its controller (metadata) and broker (queries) listen, time limits, an optional
 * {@code Authorization} header, and the caps that keep a pushed-down query from being silently truncated.
 *
 * @param name the source name
 * @param controller the controller's base URL ({@code http://127.0.0.1:9000})
 * @param broker the broker's base URL ({@code http://127.0.0.1:8099})
 * @param connectTimeout time to open an HTTP connection
 * @param queryTimeout time a query may take in Pinot (sent as Pinot's {@code timeoutMs} too)
 * @param authHeader the value of the {@code Authorization} header sent to controller and broker, if any
 * @param maxRows the most rows a query without its own limit may read from Pinot; more is an error, not a cut
 * @param maxGroups the most groups a pushed-down aggregation may return; more is an error, not a cut
 * @param partialResults what to do when Pinot answers from only part of its data
 * @param versionGranularity how long an observed data version stays valid (Pinot ingests continuously)
 */
public record PinotSettings(
    String name,
    URI controller,
    URI broker,
    Duration connectTimeout,
    Duration queryTimeout,
    Optional<String> authHeader,
    int maxRows,
    int maxGroups,
    PartialResults partialResults,
    Duration versionGranularity) {

  /** What a partial response (a server that did not answer, a segment that failed) becomes. */
  public enum PartialResults {
    /** An error naming the source and the servers that did not answer (the default). */
    FAIL,
    /** The rows Pinot returned, with a warning in the query log; for dashboards that prefer something to nothing. */
    WARN
  }

  public PinotSettings {
    requireNonNull(name, "name is null");
    requireNonNull(controller, "controller is null");
    requireNonNull(broker, "broker is null");
    requireNonNull(connectTimeout, "connectTimeout is null");
    requireNonNull(queryTimeout, "queryTimeout is null");
    requireNonNull(authHeader, "authHeader is null");
    requireNonNull(partialResults, "partialResults is null");
    requireNonNull(versionGranularity, "versionGranularity is null");
    if (maxRows < 1 || maxGroups < 1) {
      throw new IllegalArgumentException("max-rows and max-groups must be positive");
    }
  }
}
