package io.meridian.engine;

import io.meridian.connector.pinot.PinotConnector;
import io.meridian.connector.pinot.PinotSettings;
import io.meridian.engine.config.PinotSourceConfig;
import io.meridian.engine.config.SourceConfig;
import io.meridian.spi.SourceQueryListener;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** Makes a Pinot connector from its {@code meridian.yaml} section. */
final class PinotSources {
  private PinotSources() {}

  static PinotConnector create(SourceConfig source, SourceQueryListener listener) {
    PinotSourceConfig pinot = source.pinot();
    return new PinotConnector(new PinotSettings(source.name(), URI.create(pinot.controller()),
        URI.create(pinot.broker()), pinot.connectTimeout(), pinot.queryTimeout(),
        Optional.ofNullable(pinot.authHeader()), pinot.maxRows(), pinot.maxGroups(),
        PinotSettings.PartialResults.valueOf(pinot.partialResults().toUpperCase(Locale.ROOT)),
        pinot.versionGranularity()), listener);
  }
}
