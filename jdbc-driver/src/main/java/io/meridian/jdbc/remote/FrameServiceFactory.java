package io.meridian.jdbc.remote;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Locale;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.RemoteProtobufService;
import org.apache.calcite.avatica.remote.RemoteService;
import org.apache.calcite.avatica.remote.Service;

/**
 * The service of Meridian's remote connections: Avatica's {@link RemoteProtobufService} with {@link FrameTranslation}
 * reading the rows (or its JSON {@link RemoteService}), over Avatica's HTTP client. Named in Avatica's {@code factory}
 * connection property by Meridian's driver; it builds the HTTP client as Avatica's remote driver does (the same
 * {@code httpclient_factory}, TLS, authentication and client-side load-balancing settings apply).
 */
public final class FrameServiceFactory implements Service.Factory {
  public FrameServiceFactory() {}

  @Override
  public Service create(AvaticaConnection connection) {
    ConnectionConfig config = connection.config();
    String url = config.useClientSideLb() ? config.getLBStrategy().getLbURL(config) : config.url();
    URL parsed;
    try {
      parsed = new URI(url).toURL();
    } catch (URISyntaxException | MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a server URL: " + url, e);
    }
    AvaticaHttpClient client = config.httpClientFactory().getClient(parsed, config,
        connection.getKerberosConnection());
    String serialization = config.serialization().strip().toLowerCase(Locale.ROOT);
    return switch (serialization) {
      case "json" -> new RemoteService(client);
      case "protobuf" -> new RemoteProtobufService(client, new FrameTranslation());
      default -> throw new IllegalArgumentException("serialization must be json or protobuf, got " + serialization);
    };
  }
}
