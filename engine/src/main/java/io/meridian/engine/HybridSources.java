package io.meridian.engine;

import io.meridian.engine.config.HybridTableConfig;
import io.meridian.engine.config.MeridianConfig;
import io.meridian.engine.config.SourceConfig;
import io.meridian.engine.hybrid.HybridConnector;
import io.meridian.spi.Connector;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.util.Map;

/** Makes a hybrid source from its {@code meridian.yaml} section, over the sources already made. */
final class HybridSources {
  private HybridSources() {}

  static HybridConnector create(MeridianConfig config, SourceConfig source, Map<String, Connector> connectors) {
    for (HybridTableConfig t : source.hybrid().tables()) {
      for (String qualified : new String[] {t.history(), t.recent()}) {
        Connector c = connectors.get(HybridTableConfig.sourceOf(qualified));
        if (c == null) {
          throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, config.file() + ": hybrid table '" + t.name()
              + "' of source '" + source.name() + "' reads '" + qualified + "', but there is no source '"
              + HybridTableConfig.sourceOf(qualified) + "' (hybrid sources cannot read other hybrid sources)");
        }
      }
    }
    return new HybridConnector(source.name(), source.hybrid().tables(), connectors::get);
  }
}
