package io.meridian.engine;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Publishes one engine's {@link CacheMetricsMXBean} while the engine runs. */
final class CacheMetrics implements CacheMetricsMXBean, AutoCloseable {
  private static final AtomicInteger ENGINES = new AtomicInteger();

  private final MeridianEngine engine;
  private final ObjectName name;

  private CacheMetrics(MeridianEngine engine, ObjectName name) {
    this.engine = engine;
    this.name = name;
  }

  /** Registers the engine's metrics; a JVM without a platform MBean server simply has none. */
  static CacheMetrics register(MeridianEngine engine) {
    ObjectName name = null;
    try {
      name = new ObjectName("io.meridian:type=Cache,engine=" + ENGINES.incrementAndGet());
      CacheMetrics metrics = new CacheMetrics(engine, name);
      ManagementFactory.getPlatformMBeanServer().registerMBean(metrics, name);
      return metrics;
    } catch (JMException | SecurityException e) {
      return new CacheMetrics(engine, null);
    }
  }

  @Override
  public void close() {
    if (name == null) {
      return;
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      server.unregisterMBean(name);
    } catch (JMException ignored) {
      // Already gone: nothing to release.
    }
  }

  @Override
  public String getConfiguration() {
    return engine.config().file().toString();
  }

  @Override
  public long getResultHits() {
    return engine.results().stats().cache().hits();
  }

  @Override
  public long getResultMisses() {
    return engine.results().stats().cache().misses();
  }

  @Override
  public long getResultEvictions() {
    return engine.results().stats().cache().evictions();
  }

  @Override
  public long getResultEntries() {
    return engine.results().stats().cache().entries();
  }

  @Override
  public long getResultBytes() {
    return engine.results().stats().cache().bytes();
  }

  @Override
  public long getResultMaxBytes() {
    return engine.results().stats().cache().maxBytes();
  }

  @Override
  public long getUncacheableExecutions() {
    return engine.results().stats().uncacheable();
  }

  @Override
  public long getOversizedAnswers() {
    return engine.results().stats().oversized();
  }

  @Override
  public long getVersionReads() {
    return engine.results().stats().versionReads();
  }

  @Override
  public long getCacheOnlyMisses() {
    return engine.results().stats().onlyMisses();
  }

  @Override
  public long getPlanHits() {
    return engine.planCacheStats().hits();
  }

  @Override
  public long getPlanMisses() {
    return engine.planCacheStats().misses();
  }

  @Override
  public long getPlanEntries() {
    return engine.planCacheStats().size();
  }
}
