package io.meridian.engine;

import static java.util.Objects.requireNonNull;

import io.meridian.cache.PlanCache;
import io.meridian.connector.jdbc.GenericJdbcDialectSupport;
import io.meridian.connector.jdbc.JdbcFreshness;
import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.jdbc.JdbcSourceSettings;
import io.meridian.connector.lake.LakeConnector;
import io.meridian.connector.lake.LakeSettings;
import io.meridian.connector.postgresql.PostgreSqlConnector;
import io.meridian.engine.config.ConfigLoader;
import io.meridian.engine.config.MeridianConfig;
import io.meridian.engine.config.SourceConfig;
import io.meridian.planner.MeridianPrograms;
import io.meridian.spi.Connector;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.spi.MeridianTypeSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.meridian.engine.rollup.RollupManager;
import io.meridian.engine.rollup.RollupStatsTable;
import io.meridian.engine.semantic.MetricCatalogTable;
import io.meridian.engine.semantic.SemanticExpander;
import io.meridian.engine.semantic.SemanticSchema;
import io.meridian.semantic.ModelLoader;
import io.meridian.semantic.PhysicalCatalog;
import io.meridian.semantic.PhysicalColumn;
import io.meridian.semantic.SemanticModel;
import io.meridian.semantic.TableSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.type.SqlTypeName;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.tools.Program;

/**
 * One running Meridian: the sources of one configuration, the schema every connection shares, the plan cache and the
 * query watchdog. Connections are cheap views onto an engine; the engine owns the pools.
 *
 * <p>The embedded driver keeps one engine per configuration file ({@link #shared(Path)}), so every connection to the
 * same file shares its pools and plans; engines are closed when the JVM exits.
 */
public final class MeridianEngine implements AutoCloseable {
  /** Connection property: a query timeout for every statement of the connection ({@code 30s}, {@code 2m}). */
  public static final String QUERY_TIMEOUT_PROPERTY = "queryTimeout";

  private static final Map<CalciteSchema, MeridianEngine> BY_ROOT = new ConcurrentHashMap<>();
  private static final Map<SharedKey, MeridianEngine> SHARED = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> SHARED.values().forEach(MeridianEngine::close),
        "meridian-engine-shutdown"));
  }

  private record SharedKey(Path file, long modified) {}

  private final MeridianConfig config;
  private final Map<String, Connector> connectors;
  private final java.util.Set<String> hybridSources;
  private final CalciteSchema rootSchema;
  private final JavaTypeFactory typeFactory;
  private final PlanCache<PlanKey, Object> plans;
  private final QueryManager queries = new QueryManager();
  private final SourceQueryLog queryLog = new SourceQueryLog();
  private final Program program;
  private final SemanticExpander expander;
  private final RollupManager rollups;
  private final QueryResults results;
  private final CacheMetrics metrics;

  /** Schema of Meridian's own tables ({@code meridian.metrics}). */
  public static final String SYSTEM_SCHEMA = "meridian";

  private MeridianEngine(MeridianConfig config) {
    this.config = requireNonNull(config, "config is null");
    this.typeFactory = new JavaTypeFactoryImpl(MeridianTypeSystem.INSTANCE);
    // Without Calcite's schema cache: it snapshots each schema's table list at first use, so tables created later, and
    // lake tables pinned to a snapshot by name, would not be found. Connectors cache what is worth caching.
    this.rootSchema = CalciteSchema.createRootSchema(false, false);
    Map<String, Connector> map = new LinkedHashMap<>();
    try {
      for (SourceConfig source : config.sources()) {
        if (source.kind() != io.meridian.spi.SourceKind.HYBRID) {
          map.put(source.name(), createConnector(source));
        }
      }
      // Hybrid sources read other sources, so they come after every other kind.
      for (SourceConfig source : config.sources()) {
        if (source.kind() == io.meridian.spi.SourceKind.HYBRID) {
          map.put(source.name(), HybridSources.create(config, source, map));
        }
      }
      for (SourceConfig source : config.sources()) {
        rootSchema.add(source.name(), map.get(source.name()).schema());
      }
    } catch (RuntimeException e) {
      map.values().forEach(Connector::close);
      throw e;
    }
    this.connectors = Map.copyOf(map);
    this.hybridSources = map.values().stream().filter(c -> c.kind() == io.meridian.spi.SourceKind.HYBRID)
        .map(Connector::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
    SemanticModel model = config.modelPath()
        .map(path -> ModelLoader.load(path, new EngineCatalog()))
        .orElse(SemanticModel.EMPTY);
    this.expander = new SemanticExpander(model);
    rootSchema.add(SemanticExpander.SCHEMA, new SemanticSchema(expander, this::physicalType));
    this.rollups = new RollupManager(model, expander, config.rollups(), config.sources(), connectors,
        config.file().getParent(), queryLog);
    Map<String, Connector> versioned = new LinkedHashMap<>(connectors);
    if (!model.rollups().isEmpty()) {
      rollups.schemas().forEach(rootSchema::add);
      expander.useRollups(rollups);
      // Answers read from rollups are cached under the rollups' own versions.
      versioned.putAll(rollups.versionedSchemas());
    }
    this.results = new QueryResults(config.cache(), Map.copyOf(versioned), java.time.Clock.systemUTC());
    rootSchema.add(SYSTEM_SCHEMA, new AbstractSchema() {
      private final Map<String, Table> tables = Map.of("metrics", new MetricCatalogTable(model),
          "cache", new CacheStatsTable(MeridianEngine.this),
          "rollups", new RollupStatsTable(rollups));

      @Override
      protected Map<String, Table> getTableMap() {
        return tables;
      }
    });
    this.plans = new PlanCache<>(config.planner().planCacheSize());
    this.program = MeridianPrograms.standard(config.planner().exhaustiveJoinLimit(),
        config.planner().runtimeFilterMaxKeys());
    BY_ROOT.put(rootSchema, this);
    this.metrics = CacheMetrics.register(this);
  }

  /** Starts an engine for a configuration; the caller closes it. */
  public static MeridianEngine open(MeridianConfig config) {
    return new MeridianEngine(config);
  }

  /**
   * The engine for a configuration file, shared by every embedded connection to it. A file changed since its engine
   * started gets a new engine for new connections.
   */
  public static MeridianEngine shared(Path configFile) {
    Path file = configFile.toAbsolutePath().normalize();
    long modified;
    try {
      modified = Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      modified = -1;
    }
    return SHARED.computeIfAbsent(new SharedKey(file, modified), k -> open(new ConfigLoader().load(k.file())));
  }

  /** The engine owning a root schema, or null for a connection that is not Meridian's. */
  static MeridianEngine of(CalciteSchema rootSchema) {
    return BY_ROOT.get(rootSchema);
  }

  private Connector createConnector(SourceConfig source) {
    if (source.kind() == io.meridian.spi.SourceKind.PINOT) {
      return PinotSources.create(source, queryLog);
    }
    if (source.kind() == io.meridian.spi.SourceKind.LAKE) {
      Path folder = config.file().getParent();
      Map<String, String> catalog = new java.util.HashMap<>(source.catalog());
      // A local warehouse folder is relative to the configuration file, like every other path in it.
      String warehouse = catalog.get("warehouse");
      if (warehouse != null && !warehouse.contains("://") && !warehouse.startsWith("file:")) {
        catalog.put("warehouse", folder.resolve(warehouse).normalize().toString());
      }
      if (source.user() != null) {
        catalog.putIfAbsent("jdbc.user", source.user());
      }
      if (source.password() != null) {
        catalog.putIfAbsent("jdbc.password", source.password());
      }
      return LakeConnector.create(new LakeSettings(source.name(), catalog, source.namespace(),
          Optional.ofNullable(source.parquetRoot()).map(p -> folder.resolve(p).normalize()),
          source.pool().maxSize(), source.pool().connectionTimeout(), source.memoryLimit(), source.threads()),
          queryLog);
    }
    JdbcSourceSettings settings = new JdbcSourceSettings(source.name(), source.url(), source.user(), source.password(),
        source.schema(), source.fetchSize(), source.pool().maxSize(), source.pool().connectionTimeout(),
        source.pool().idleTimeout(), source.pool().maxLifetime(), source.properties(),
        new JdbcFreshness(source.freshness().versionQuery(), source.freshness().ttl()));
    switch (source.kind()) {
      case POSTGRESQL:
        return PostgreSqlConnector.create(settings, queryLog);
      case JDBC:
        try {
          return new JdbcConnector(source.kind(), settings, GenericJdbcDialectSupport.forProduct(source.dialect()),
              queryLog);
        } catch (IllegalArgumentException e) {
          throw new MeridianException(ErrorCode.INVALID_CONFIGURATION,
              config.file() + ": source '" + source.name() + "': " + e.getMessage(), e);
        }
      default:
        throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "unsupported source kind " + source.kind());
    }
  }

  public MeridianConfig config() {
    return config;
  }

  /** The root of the SQL namespace; one sub-schema per source. Shared by all connections. */
  public CalciteSchema rootSchema() {
    return rootSchema;
  }

  public JavaTypeFactory typeFactory() {
    return typeFactory;
  }

  /** The names of the hybrid sources. */
  java.util.Set<String> hybridSources() {
    return hybridSources;
  }

  /** The hybrid tables' plan versions together ({@link io.meridian.engine.hybrid.HybridConnector#planVersion}). */
  String hybridPlanVersion() {
    StringBuilder version = new StringBuilder();
    for (String name : hybridSources) {
      version.append(((io.meridian.engine.hybrid.HybridConnector) connectors.get(name)).planVersion());
    }
    return version.toString();
  }

  public Map<String, Connector> connectors() {
    return connectors;
  }

  /** Prepared plans by statement; see {@link PlanKey}. */
  PlanCache<PlanKey, Object> plans() {
    return plans;
  }

  /** Plan cache statistics (hits are statements that skipped planning). */
  public PlanCache.Stats planCacheStats() {
    return plans.stats();
  }

  /** The result cache and how executions use it. */
  public QueryResults results() {
    return results;
  }

  Program program() {
    return program;
  }

  /** Expands queries over the semantic model. */
  public SemanticExpander semantic() {
    return expander;
  }

  /** The model's rollups: their state, builds and refreshes. */
  public RollupManager rollups() {
    return rollups;
  }

  /** The model as loaded: what the semantic schema serves. */
  public SemanticModel model() {
    return expander.model();
  }

  private Optional<RelDataType> physicalType(TableSource source, String column) {
    if (!(source instanceof TableSource.Table t)) {
      return Optional.empty();
    }
    return sourceTable(t.source(), t.table())
        .map(table -> table.getRowType(typeFactory).getField(column, false, false))
        .map(RelDataTypeField::getType);
  }

  private Optional<Table> sourceTable(String source, String table) {
    CalciteSchema schema = rootSchema.getSubSchema(source, true);
    if (schema == null) {
      return Optional.empty();
    }
    CalciteSchema.TableEntry entry = schema.getTable(table, true);
    return Optional.ofNullable(entry).map(CalciteSchema.TableEntry::getTable);
  }

  /** What the model loader sees of the sources: their tables' columns, read from the sources themselves. */
  private final class EngineCatalog implements PhysicalCatalog {
    @Override
    public boolean hasSource(String source) {
      return connectors.containsKey(source);
    }

    @Override
    public Optional<List<PhysicalColumn>> columns(String source, String table) {
      return sourceTable(source, table).map(t -> t.getRowType(typeFactory).getFieldList().stream()
          .map(f -> new PhysicalColumn(f.getName(), f.getType().getSqlTypeName(), f.getType().isNullable()))
          .toList());
    }

    @Override
    public Optional<List<PhysicalColumn>> queryColumns(String source, String sql) {
      Connector connector = connectors.get(source);
      if (!(connector instanceof JdbcConnector jdbc)) {
        return Optional.empty();
      }
      return Optional.of(jdbc.describeQuery(sql).stream()
          .map(c -> new PhysicalColumn(c.name(), Optional.ofNullable(SqlTypeName.getNameForJdbcType(c.jdbcType()))
              .orElse(SqlTypeName.ANY), c.nullable()))
          .toList());
    }
  }

  public QueryManager queries() {
    return queries;
  }

  /** Queries sent to sources, most recent last. */
  public SourceQueryLog queryLog() {
    return queryLog;
  }

  /** The shortest of the statement's timeout, the connection's and the configured maximum; zero when none is set. */
  Duration effectiveTimeout(Duration statementTimeout, DataContext dataContext) {
    Duration result = statementTimeout;
    if (dataContext.getQueryProvider() instanceof CalciteConnection c) {
      try {
        Properties p = c.getProperties();
        String value = p.getProperty(QUERY_TIMEOUT_PROPERTY);
        if (value != null) {
          result = shortest(result, io.meridian.engine.config.Durations.parse(value));
        }
      } catch (RuntimeException ignored) {
        // The property is validated when the connection opens; a bad value cannot reach here.
      }
    }
    return shortest(result, config.planner().queryTimeout());
  }

  private static Duration shortest(Duration a, Duration b) {
    if (a.isZero()) {
      return b;
    }
    if (b.isZero()) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    BY_ROOT.remove(rootSchema);
    SHARED.values().remove(this);
    queries.close();
    metrics.close();
    rollups.close();
    connectors.values().forEach(Connector::close);
  }
}
