package io.meridian.connector.pinot;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.spi.QueryContext;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A thin client of Pinot's HTTP APIs: the controller for metadata, the broker's {@code POST /query/sql} for queries.
 * The JDK client is forced to HTTP/1.1 (Pinot's Grizzly servers do not speak cleartext HTTP/2 upgrades). Every
 * failure becomes a {@link MeridianException} naming the source, with Pinot's own message and a SQLSTATE.
 */
final class PinotClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PinotSettings settings;
  private final HttpClient http;

  PinotClient(PinotSettings settings) {
    this.settings = requireNonNull(settings, "settings is null");
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.connectTimeout()).build();
  }

  String source() {
    return settings.name();
  }

  /** Table names (without the {@code _OFFLINE}/{@code _REALTIME} suffix), as the controller lists them. */
  List<String> tables() {
    JsonNode node = controller("/tables");
    List<String> names = new ArrayList<>();
    node.path("tables").forEach(t -> names.add(t.asText()));
    return names;
  }

  /** The Pinot schema of a table. */
  JsonNode schema(String table) {
    return controller("/tables/" + URLEncoder.encode(table, StandardCharsets.UTF_8) + "/schema");
  }

  private JsonNode controller(String path) {
    URI uri = settings.controller().resolve(path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.queryTimeout()).GET();
    settings.authHeader().ifPresent(h -> request.header("Authorization", h));
    HttpResponse<String> response = send(request.build(), null);
    if (response.statusCode() / 100 != 2) {
      throw new MeridianException(response.statusCode() == 404 ? ErrorCode.UNKNOWN_TABLE
          : ErrorCode.SOURCE_QUERY_FAILED, "source '" + source() + "': Pinot controller answered "
          + response.statusCode() + " to GET " + path + ": " + response.body(), source(), null, null);
    }
    return parse(response.body(), null);
  }

  /** Runs one SQL query on the broker; Pinot's errors in the response become exceptions (see {@link #check}). */
  PinotResponse query(String sql) {
    ObjectNode body = JSON.createObjectNode();
    body.put("sql", sql);
    body.put("queryOptions", "timeoutMs=" + settings.queryTimeout().toMillis());
    HttpRequest.Builder request = HttpRequest.newBuilder(settings.broker().resolve("/query/sql"))
        // Pinot enforces the time limit itself; the HTTP limit leaves it room to say so.
        .timeout(settings.queryTimeout().plusSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    settings.authHeader().ifPresent(h -> request.header("Authorization", h));
    HttpResponse<String> response = send(request.build(), sql);
    if (response.statusCode() / 100 != 2) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "source '" + source() + "' failed: Pinot broker "
          + "answered " + response.statusCode() + ": " + response.body(), source(), sql, null);
    }
    PinotResponse parsed = new PinotResponse(parse(response.body(), sql));
    check(parsed, sql);
    return parsed;
  }

  /** Sends a request; cancelling the running query cancels the exchange. */
  private HttpResponse<String> send(HttpRequest request, String sql) {
    CompletableFuture<HttpResponse<String>> future =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    QueryContext context = QueryContext.current();
    QueryContext.Cancellable cancel = () -> future.cancel(true);
    if (context != null) {
      context.register(cancel);
    }
    try {
      return future.get(request.timeout().orElse(Duration.ofMinutes(10)).toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (CancellationException e) {
      ErrorCode reason = context != null && context.cancelReason() != null ? context.cancelReason()
          : ErrorCode.QUERY_CANCELLED;
      throw new MeridianException(reason, "query cancelled while source '" + source() + "' ran it", source(), sql, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new MeridianException(ErrorCode.QUERY_CANCELLED, "interrupted while source '" + source() + "' ran a "
          + "query", source(), sql, e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw timeout(sql, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
          || cause instanceof IOException && cause.getCause() instanceof ConnectException) {
        throw new MeridianException(ErrorCode.SOURCE_UNAVAILABLE, "source '" + source() + "' is unavailable: cannot "
            + "connect to " + request.uri().getHost() + ":" + request.uri().getPort() + " (" + cause + ")",
            source(), sql, cause);
      }
      if (cause instanceof HttpTimeoutException) {
        throw timeout(sql, cause);
      }
      throw new MeridianException(ErrorCode.SOURCE_CONNECTION_LOST, "source '" + source() + "': request to "
          + request.uri() + " failed: " + cause, source(), sql, cause);
    } finally {
      if (context != null) {
        context.unregister(cancel);
      }
    }
  }

  private MeridianException timeout(String sql, Throwable cause) {
    return new MeridianException(ErrorCode.QUERY_TIMEOUT, "source '" + source() + "' did not answer within "
        + settings.queryTimeout(), source(), sql, cause);
  }

  private JsonNode parse(String body, String sql) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "source '" + source() + "' answered with "
          + "something that is not JSON: " + abbreviate(body), source(), sql, e);
    }
  }

  /**
   * Turns Pinot's in-band errors into exceptions. Pinot answers HTTP 200 with an {@code exceptions} list; a response
   * with exceptions, or from fewer servers than were queried, is partial: by default an error, never a silent answer.
   * Codes (Pinot's {@code QueryException}): 150 SQL parsing, 180 access denied, 190/410 table missing, 240/250/400
   * time-outs, 700-710 validation (unknown column, ...), 210-235/420-427 servers that did not answer.
   */
  private void check(PinotResponse response, String sql) {
    JsonNode exceptions = response.json().path("exceptions");
    if (exceptions.isArray() && !exceptions.isEmpty()) {
      JsonNode first = exceptions.get(0);
      int code = first.path("errorCode").asInt();
      String message = firstLine(first.path("message").asText());
      ErrorCode errorCode;
      String sqlState = null;
      boolean partial = false;
      switch (code) {
        case 150 -> { errorCode = ErrorCode.SOURCE_QUERY_FAILED; sqlState = "42601"; }
        case 180 -> { errorCode = ErrorCode.SOURCE_QUERY_FAILED; sqlState = "42501"; }
        case 190, 410 -> { errorCode = ErrorCode.SOURCE_QUERY_FAILED; sqlState = "42P01"; }
        case 700, 710 -> { errorCode = ErrorCode.SOURCE_QUERY_FAILED; sqlState = code == 710 ? "42703" : "42000"; }
        case 240, 250, 400 -> errorCode = ErrorCode.QUERY_TIMEOUT;
        case 210, 211, 230, 235, 420, 425, 427 -> { errorCode = ErrorCode.SOURCE_UNAVAILABLE; partial = true; }
        default -> errorCode = ErrorCode.SOURCE_QUERY_FAILED;
      }
      if (partial && settings.partialResults() == PinotSettings.PartialResults.WARN && response.hasRows()) {
        response.markPartial("Pinot error " + code + ": " + message);
        return;
      }
      throw new MeridianException(errorCode, sqlState, "source '" + source() + "' failed: " + (partial
          ? "Pinot answered from only part of its data (" + message + ")" : message) + " [Pinot error " + code + "]",
          source(), sql, null);
    }
    int queried = response.json().path("numServersQueried").asInt();
    int responded = response.json().path("numServersResponded").asInt();
    if (queried != responded) {
      String message = responded + " of " + queried + " Pinot servers answered";
      if (settings.partialResults() == PinotSettings.PartialResults.WARN) {
        response.markPartial(message);
        return;
      }
      throw new MeridianException(ErrorCode.SOURCE_UNAVAILABLE, "source '" + source() + "' failed: Pinot answered "
          + "from only part of its data (" + message + ")", source(), sql, null);
    }
  }

  /** Pinot's message up to the start of its stack trace. */
  private static String firstLine(String s) {
    String[] lines = s.split("\n", 3);
    return lines.length == 1 ? lines[0] : lines[0] + " " + lines[1].trim();
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
