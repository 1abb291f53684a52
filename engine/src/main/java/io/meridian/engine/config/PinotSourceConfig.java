package io.meridian.engine.config;

import static io.meridian.engine.config.Checks.checkRange;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code pinot:} section of a {@code kind: pinot} source.
 *
 * @param controller {@code controller}: the controller's base URL, for tables and schemas (required)
 * @param broker {@code broker}: the broker's base URL, for queries (required)
 * @param connectTimeout {@code connect-timeout}: time to open a connection (100ms..5m, default 5s)
 * @param queryTimeout {@code query-timeout}: time Pinot may spend on one query (1s..1h, default 30s)
 * @param authHeader {@code auth-header}: the {@code Authorization} header value sent to controller and broker;
 *     write {@code ${PINOT_AUTH}} rather than a literal secret
 * @param maxRows {@code max-rows}: the most rows a query without its own LIMIT reads from Pinot; a larger answer is
 *     an error, never cut (1..10000000, default 1000000)
 * @param maxGroups {@code max-groups}: the most groups a pushed-down GROUP BY may return; more is an error
 *     (1..10000000, default 100000, Pinot's own default numGroupsLimit)
 * @param partialResults {@code partial-results}: {@code fail} (default) makes a partial answer from Pinot (a server
 *     that did not answer) an error; {@code warn} returns it and records a warning in the query log
 * @param versionGranularity {@code version-granularity}: how long an observed data version stays the same, and so
 *     the most a cached answer can lag (0..1h, default 1s; 0 = never reuse)
 */
public record PinotSourceConfig(String controller, String broker, Duration connectTimeout, Duration queryTimeout,
    String authHeader, Integer maxRows, Integer maxGroups, String partialResults, Duration versionGranularity) {

  public PinotSourceConfig {
    checkUrl("controller", controller);
    checkUrl("broker", broker);
    connectTimeout = Checks.checkRange("connect-timeout", connectTimeout == null ? Duration.ofSeconds(5)
        : connectTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
    queryTimeout = Checks.checkRange("query-timeout", queryTimeout == null ? Duration.ofSeconds(30) : queryTimeout,
        Duration.ofSeconds(1), Duration.ofHours(1));
    authHeader = authHeader == null || authHeader.isEmpty() ? null : authHeader;
    maxRows = checkRange("max-rows", maxRows == null ? 1_000_000 : maxRows, 1, 10_000_000);
    maxGroups = checkRange("max-groups", maxGroups == null ? 100_000 : maxGroups, 1, 10_000_000);
    partialResults = partialResults == null ? "fail" : partialResults.toLowerCase(Locale.ROOT);
    if (!partialResults.equals("fail") && !partialResults.equals("warn")) {
      throw new IllegalArgumentException("partial-results must be fail or warn, got '" + partialResults + "'");
    }
    versionGranularity = Checks.checkRange("version-granularity", versionGranularity == null ? Duration.ofSeconds(1)
        : versionGranularity, Duration.ZERO, Duration.ofHours(1));
  }

  private static void checkUrl(String key, String url) {
    if (url == null) {
      throw new IllegalArgumentException(key + " is required for a pinot source (an http:// or https:// URL)");
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " is not a URL: '" + url + "'");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(key + " must be an http:// or https:// URL, got '" + url + "'");
    }
  }

  @Override
  public String toString() {
    // Never print the auth header.
    return "PinotSourceConfig[controller=" + controller + ", broker=" + broker + "]";
  }
}
