package io.meridian.engine;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meridian.cache.ResultCache;
import io.meridian.engine.config.CacheConfig;
import io.meridian.engine.config.Durations;
import io.meridian.spi.Connector;
import io.meridian.spi.DataVersion;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * The result cache as executions use it: decides whether an answer may be reused, builds its key, reads the sources'
 * data versions, and runs the query once for all identical callers.
 *
 * <p>Design note. An answer is reused only when (1) its plan reads source tables only, through deterministic
 * expressions; (2) every source it read can tell its data version ({@link Connector#dataVersion(Set)}): an Iceberg
 * snapshot, a JDBC source's version query, or a time-to-live; (3) the key matches: the normalized plan, the row limit,
 * the session's time zone, the parameter values, the caller's identity (user and roles; access policies will add their
 * version here, so answers are never shared between callers whose access differs), and each source's version; and
 * (4) it is fresh enough for the caller. Freshness: a version read at time t proves the answer current as of t, so a
 * caller allowing {@code maxStaleness = s} accepts versions read up to s ago (read again when older; {@code 0} reads
 * them at every execution); an answer from a source that only has a time-to-live is as stale as the answer is old, so
 * it is reused only while younger than both the time-to-live and s.
 *
 * <p>A miss runs the query on the caller's thread (where its cancel and timeout apply) and keeps all its rows; an
 * answer that grows past {@code max-entry-bytes} is not kept: the rows read so far, then the rest of the live result,
 * stream to its caller, and callers that waited for it run the query themselves.
 */
public final class QueryResults {
  /** Connection property: {@code on}, {@code off} or {@code only}; see {@link CacheMode}. */
  public static final String CACHE_MODE_PROPERTY = "cacheMode";
  /** Connection property: how stale an answer this connection accepts ({@code 0}, {@code 30s}, {@code 5m}). */
  public static final String MAX_STALENESS_PROPERTY = "maxStaleness";

  /** No age bound, where versions alone decide. */
  private static final Duration FOREVER = Duration.ofDays(36_500);

  private final CacheConfig config;
  private final Map<String, Connector> connectors;
  private final ResultCache cache;
  private final Clock clock;
  private final Cache<VersionKey, DataVersion> observed;
  private final LongAdder uncacheable = new LongAdder();
  private final LongAdder oversized = new LongAdder();
  private final LongAdder versionReads = new LongAdder();
  private final LongAdder onlyMisses = new LongAdder();

  private record VersionKey(String source, Set<String> tables) {}

  /** How one execution may use the cache, from its connection's properties. */
  record Policy(CacheMode mode, Duration maxStaleness, String identity, String session) {}

  /** Counters since the engine started; see the {@code meridian.cache} table. */
  public record Stats(ResultCache.Stats cache, long uncacheable, long oversized, long versionReads,
      long onlyMisses) {}

  QueryResults(CacheConfig config, Map<String, Connector> connectors, Clock clock) {
    this.config = requireNonNull(config, "config is null");
    this.connectors = requireNonNull(connectors, "connectors is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.cache = new ResultCache(config.enabled() ? config.maxBytesValue() : 0, clock);
    this.observed = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofDays(7)).build();
  }

  public Stats stats() {
    return new Stats(cache.stats(), uncacheable.sum(), oversized.sum(), versionReads.sum(), onlyMisses.sum());
  }

  /** Drops every kept answer (tests, and operators after repairing a source behind Meridian's back). */
  public void invalidateAll() {
    cache.invalidateAll();
    observed.invalidateAll();
  }

  /**
   * The policy of one execution: the statement's {@code cache} hint, else its connection's properties (checked when
   * it opened), else the configuration's defaults.
   */
  Policy policy(DataContext dataContext, CacheHint hint) {
    Properties p = dataContext.getQueryProvider() instanceof CalciteConnection c ? propertiesOf(c) : new Properties();
    CacheMode mode = !config.enabled() ? CacheMode.OFF
        : hint.mode().orElseGet(() -> CacheMode.parse(p.getProperty(CACHE_MODE_PROPERTY, "on")));
    String staleness = p.getProperty(MAX_STALENESS_PROPERTY);
    Duration maxStaleness = hint.maxStaleness()
        .orElseGet(() -> staleness == null ? config.maxStaleness() : Durations.parse(staleness));
    String user = p.getProperty("user", "anonymous");
    // Roles and the access-policy version join here when policies arrive; until then the user alone.
    String identity = "user=" + user + ";roles=;policy=none";
    Object zone = dataContext.get(DataContext.Variable.TIME_ZONE.camelName);
    String session = "tz=" + (zone instanceof TimeZone tz ? tz.getID() : String.valueOf(zone));
    return new Policy(mode, maxStaleness, identity, session);
  }

  private static Properties propertiesOf(CalciteConnection c) {
    try {
      return c.getProperties();
    } catch (RuntimeException e) {
      return new Properties();
    }
  }

  /** Either a key to look up, or why this execution does not use the cache. */
  record Decision(Optional<ResultCache.Key> key, Duration maxAge, String reason) {
    static Decision skip(String reason) {
      return new Decision(Optional.empty(), Duration.ZERO, reason);
    }
  }

  /** Whether and how an execution of {@code plan} may use the cache; reads the sources' versions as needed. */
  Decision decide(CachedPlan plan, Policy policy, List<Object> parameters, long maxRowCount) {
    if (policy.mode() == CacheMode.OFF) {
      return Decision.skip(config.enabled() ? "cacheMode=off" : "the cache is disabled (cache.enabled: false)");
    }
    if (plan.uncacheable().isPresent()) {
      return Decision.skip("not cacheable: " + plan.uncacheable().get());
    }
    Instant now = clock.instant();
    Map<String, String> versions = new TreeMap<>();
    Duration maxAge = FOREVER;
    for (Map.Entry<String, Set<String>> e : plan.tables().entrySet()) {
      DataVersion version = version(e.getKey(), e.getValue(), policy.maxStaleness(), now);
      if (!version.isKnown()) {
        return Decision.skip("not cacheable: source '" + e.getKey() + "' cannot tell its data version"
            + " (give it freshness: version-query or ttl)");
      }
      if (version.maxAge().isPresent()) {
        if (policy.maxStaleness().isZero()) {
          return Decision.skip("not cacheable: source '" + e.getKey() + "' has only a time-to-live and the caller "
              + "accepts no staleness (maxStaleness=0)");
        }
        maxAge = min(maxAge, min(version.maxAge().get(), policy.maxStaleness()));
      }
      versions.put(e.getKey(), version.version());
    }
    String statement = plan.digest() + "\nmaxRows=" + maxRowCount + "\n" + policy.session();
    return new Decision(Optional.of(ResultCache.Key.of(statement, parameters, policy.identity(), versions)), maxAge,
        null);
  }

  private DataVersion version(String source, Set<String> tables, Duration maxStaleness, Instant now) {
    Connector connector = connectors.get(source);
    if (connector == null) {
      return DataVersion.unknown(source, now);
    }
    VersionKey key = new VersionKey(source, tables);
    DataVersion seen = observed.getIfPresent(key);
    if (seen != null && !maxStaleness.isZero()
        && Duration.between(seen.observedAt(), now).compareTo(maxStaleness) <= 0) {
      return seen;
    }
    DataVersion fresh = connector.dataVersion(tables);
    versionReads.increment();
    // Stamped with our clock, which the staleness check compares against.
    DataVersion stamped = new DataVersion(fresh.source(), fresh.version(), now, fresh.validFor());
    observed.put(key, stamped);
    return stamped;
  }

  /**
   * EXPLAIN's closing lines: whether an execution now, by this connection, would be answered from the cache, and if
   * not, why. Reading the sources' versions is part of answering that; no query runs.
   */
  String explain(CachedPlan plan, DataContext dataContext) {
    Policy policy = policy(dataContext, plan.hint());
    String head = System.lineSeparator() + "Result cache: ";
    if (plan.hasParameters()) {
      return head + "depends on the parameter values (answers are kept per value)" + System.lineSeparator();
    }
    Decision decision = decide(plan, policy, List.of(), -1);
    if (decision.key().isEmpty()) {
      return head + "not used: " + decision.reason().replaceFirst("^not cacheable: ", "not cacheable, ")
          + System.lineSeparator();
    }
    Optional<ResultCache.Entry> hit = cache.peek(decision.key().get(), decision.maxAge());
    String versions = decision.key().get().dataVersions().toString();
    if (hit.isPresent()) {
      return head + "hit: answer computed " + hit.get().age(clock.instant()).toMillis()
          + " ms ago from source versions " + versions + (policy.mode() == CacheMode.ONLY ? " (cacheMode=only)" : "")
          + System.lineSeparator();
    }
    return head + "miss: no answer yet for this plan, caller and source versions " + versions
        + (policy.mode() == CacheMode.ONLY ? "; with cacheMode=only the query would fail" : "")
        + System.lineSeparator();
  }

  /**
   * The rows of one execution: from the cache, or from {@code direct} (kept for the next caller when they may be).
   *
   * @param style how rows are shaped ({@code ARRAY}: {@code Object[]}; {@code OBJECT}: a single value)
   */
  <T> Enumerable<T> execute(CachedPlan plan, Meta.Style style, long maxRowCount, int parameterCount,
      DataContext dataContext, Supplier<Enumerable<T>> direct) {
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<T> enumerator() {
        Policy policy = policy(dataContext, plan.hint());
        List<Object> parameters = new ArrayList<>(parameterCount);
        for (int i = 0; i < parameterCount; i++) {
          parameters.add(dataContext.get("?" + i));
        }
        Decision decision = style == Meta.Style.ARRAY || style == Meta.Style.OBJECT
            ? decide(plan, policy, parameters, maxRowCount)
            : Decision.skip("not cacheable: rows of style " + style);
        if (decision.key().isEmpty()) {
          if (policy.mode() == CacheMode.ONLY) {
            onlyMisses.increment();
            throw Errors.toAvatica(new MeridianException(ErrorCode.CACHE_MISS,
                "cacheMode=only and this query's answer cannot come from the cache: " + decision.reason()));
          }
          if (policy.mode() == CacheMode.ON) {
            uncacheable.increment();
          }
          return direct.get().enumerator();
        }
        ResultCache.Key key = decision.key().get();
        if (policy.mode() == CacheMode.ONLY) {
          return cache.get(key, decision.maxAge()).map(e -> QueryResults.<T>rows(e.rows(), style)).orElseThrow(() -> {
            onlyMisses.increment();
            return Errors.toAvatica(new MeridianException(ErrorCode.CACHE_MISS, "cacheMode=only and the cache holds "
                + "no answer to this query fresh enough for this connection (maxStaleness="
                + Durations.format(policy.maxStaleness()) + ")"));
          });
        }
        Object owner = new Object();
        try {
          return rows(cache.getOrCompute(key, decision.maxAge(), () -> materialize(direct, style, owner)).rows(),
              style);
        } catch (Oversized o) {
          if (o.owner == owner) {
            return o.rest();
          }
          return direct.get().enumerator(); // the answer another caller computed was too large to keep
        } catch (Failure f) {
          throw Errors.sneakyThrow(f.getCause());
        }
      }
    };
  }

  /** Reads all rows of a direct execution, or gives up keeping them once they pass {@code max-entry-bytes}. */
  private <T> List<Object[]> materialize(Supplier<Enumerable<T>> direct, Meta.Style style, Object owner) {
    Enumerator<T> live;
    try {
      live = direct.get().enumerator();
    } catch (Throwable t) {
      throw Failure.of(t);
    }
    List<Object[]> rows = new ArrayList<>();
    long bytes = 16;
    long limit = config.maxEntryBytesValue();
    try {
      while (live.moveNext()) {
        Object[] row = style == Meta.Style.ARRAY ? (Object[]) live.current() : new Object[] {live.current()};
        rows.add(row);
        bytes += ResultCache.estimateRowBytes(row);
        if (bytes > limit) {
          oversized.increment();
          throw new Oversized(owner, rows, live, style);
        }
      }
    } catch (Oversized o) {
      throw o;
    } catch (Throwable t) {
      live.close();
      throw Failure.of(t);
    }
    live.close();
    return rows;
  }

  @SuppressWarnings("unchecked")
  private static <T> Enumerator<T> rows(List<Object[]> rows, Meta.Style style) {
    return new Enumerator<>() {
      private int i = -1;

      @Override
      public T current() {
        Object[] row = rows.get(i);
        return (T) (style == Meta.Style.ARRAY ? row : row[0]);
      }

      @Override
      public boolean moveNext() {
        return ++i < rows.size();
      }

      @Override
      public void reset() {
        i = -1;
      }

      @Override
      public void close() {}
    };
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** A failure of the direct execution, carried through the cache's single flight unchanged. */
  private static final class Failure extends RuntimeException {
    private Failure(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }

    static RuntimeException of(Throwable t) {
      return t instanceof Oversized o ? o : new Failure(t);
    }
  }

  /** An answer too large to keep; its owner streams what was read and the rest of the live result. */
  private static final class Oversized extends RuntimeException {
    private final transient Object owner;
    private final transient List<Object[]> read;
    private final transient Enumerator<?> live;
    private final Meta.Style style;

    Oversized(Object owner, List<Object[]> read, Enumerator<?> live, Meta.Style style) {
      super("answer larger than cache.max-entry-bytes", null, false, false);
      this.owner = owner;
      this.read = read;
      this.live = live;
      this.style = style;
    }

    @SuppressWarnings("unchecked")
    <T> Enumerator<T> rest() {
      Enumerator<T> first = rows(read, style);
      Enumerator<T> then = (Enumerator<T>) live;
      return new Enumerator<>() {
        private boolean inFirst = true;

        @Override
        public T current() {
          return inFirst ? first.current() : then.current();
        }

        @Override
        public boolean moveNext() {
          if (inFirst && first.moveNext()) {
            return true;
          }
          inFirst = false;
          return then.moveNext();
        }

        @Override
        public void reset() {
          throw new UnsupportedOperationException("reset");
        }

        @Override
        public void close() {
          then.close();
        }
      };
    }
  }
}
