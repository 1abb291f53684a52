package io.meridian.engine.rollup;

import static java.util.Objects.requireNonNull;

import io.meridian.connector.jdbc.JdbcConnector;
import io.meridian.connector.lake.LakeConnector;
import io.meridian.connector.lake.LakeSettings;
import io.meridian.connector.lake.write.LakeWriter;
import io.meridian.engine.config.RollupsConfig;
import io.meridian.engine.config.SourceConfig;
import io.meridian.engine.semantic.RollupCandidate;
import io.meridian.engine.semantic.RollupColumns;
import io.meridian.engine.semantic.SemanticExpander;
import io.meridian.semantic.Dimension;
import io.meridian.semantic.JoinPath;
import io.meridian.semantic.Measure;
import io.meridian.semantic.Rollup;
import io.meridian.semantic.SemanticModel;
import io.meridian.semantic.SemanticTable;
import io.meridian.semantic.TableSource;
import io.meridian.semantic.TimeGrain;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import io.meridian.spi.SourceKind;
import io.meridian.spi.SourceQueryListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Builds, stores, refreshes and describes the rollups a semantic model declares, and tells the rewrite which of them
 * may answer ({@link RollupCandidate.Catalog}).
 *
 * <p>Design note. A rollup is an Iceberg table in the catalog of {@code rollups:} in {@code meridian.yaml}; its table
 * properties, written in the same commit as its rows, say what it was built from: the model definition's hash, the
 * data version of every source table it read (an Iceberg snapshot id, or a JDBC source's version query answer) and
 * when. Servers sharing the catalog share the rollups: each checks the table's current snapshot before a query and
 * reloads what another server built. Builds read lake tables pinned to the snapshot they record, so a rollup never
 * holds rows newer than its recorded versions. A rollup whose lake source has since had appends only answers the time
 * buckets before the earliest appended row (the seam), and the source answers the rest; any other change, a model
 * change, or a source that cannot tell its version, makes it unusable until rebuilt. Small rollups are
 * also held in memory ({@code meridian_rollups} schema); larger ones are read from Iceberg through a lake connector.
 *
 * <p>Thread safety: state per rollup is replaced whole (volatile); builds of one rollup are serialized.
 */
public final class RollupManager implements RollupCandidate.Catalog, RollupMetricsMXBean, AutoCloseable {
  private static final AtomicLong ENGINES = new AtomicLong();
  /** The schema in-memory rollups are read from. */
  public static final String SCHEMA = "meridian_rollups";
  /** The schema larger rollups are read from, through a lake connector over the rollup catalog. */
  public static final String LAKE_SCHEMA = "meridian_rollups_lake";
  /** Connection property: {@code false} makes semantic queries read their sources, never rollups. */
  public static final String USE_ROLLUPS_PROPERTY = "useRollups";

  private static final String P = "meridian.rollup.";
  private static final String UNVERSIONED = "unversioned";

  /** Opens connections to this engine, for builds. */
  @FunctionalInterface
  public interface Connections {
    Connection open(Properties properties) throws SQLException;
  }

  /** What a build or refresh did. */
  public record BuildResult(String rollup, String action, long rows, long millis, Optional<Long> snapshotId) {}

  private final SemanticModel model;
  private final SemanticExpander expander;
  private final RollupsConfig config;
  private final Map<String, SourceConfig> sources;
  private final Map<String, io.meridian.spi.Connector> connectors;
  private final Path folder;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, Catalog> sourceCatalogs = new ConcurrentHashMap<>();
  private final Map<String, Table> sourceTables = new ConcurrentHashMap<>();
  private final Catalog catalog;
  private final Namespace namespace;
  private final LakeWriter writer;
  private final JdbcConnector lakeReader;
  private final Schema memorySchema;
  private volatile Connections connections;
  private volatile ScheduledExecutorService refresher;
  private volatile javax.management.ObjectName mbean;

  public RollupManager(SemanticModel model, SemanticExpander expander, RollupsConfig config,
      List<SourceConfig> sources, Map<String, io.meridian.spi.Connector> connectors, Path folder,
      SourceQueryListener listener) {
    this.connectors = Map.copyOf(requireNonNull(connectors, "connectors is null"));
    this.model = requireNonNull(model, "model is null");
    this.expander = requireNonNull(expander, "expander is null");
    this.config = requireNonNull(config, "config is null");
    Map<String, SourceConfig> byName = new HashMap<>();
    sources.forEach(s -> byName.put(s.name(), s));
    this.sources = Map.copyOf(byName);
    this.folder = requireNonNull(folder, "folder is null");
    for (Rollup r : model.rollups()) {
      entries.put(r.name(), new Entry(r));
    }
    this.namespace = Namespace.of(config.namespace().split("\\."));
    if (entries.isEmpty()) {
      this.catalog = null;
      this.writer = null;
      this.lakeReader = null;
    } else {
      Map<String, String> properties = resolve(config.catalog());
      this.catalog = catalog(SCHEMA, properties);
      this.writer = LakeWriter.create(catalog);
      this.lakeReader = LakeConnector.create(new LakeSettings(LAKE_SCHEMA, properties, config.namespace(),
          Optional.empty(), 2, Duration.ofSeconds(30), "1GB", 2), listener);
    }
    this.memorySchema = new MemorySchema();
    if (!entries.isEmpty()) {
      try {
        javax.management.ObjectName name = new javax.management.ObjectName("io.meridian:type=Rollups,engine="
            + ENGINES.incrementAndGet());
        java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(this, name);
        mbean = name;
      } catch (javax.management.JMException | SecurityException e) {
        // A JVM without a platform MBean server has no rollup metrics; the system table still has them.
      }
    }
  }

  @Override
  public int getRollups() {
    return entries.size();
  }

  @Override
  public int getFreshRollups() {
    return (int) list().stream().filter(s -> s.state().equals("fresh")).count();
  }

  @Override
  public int getBehindRollups() {
    return (int) list().stream().filter(s -> s.state().equals("behind")).count();
  }

  @Override
  public int getUnusableRollups() {
    return (int) list().stream().filter(s -> s.state().equals("stale") || s.state().equals("missing")).count();
  }

  @Override
  public long getBuilds() {
    return entries.values().stream().mapToLong(e -> e.builds.get()).sum();
  }

  @Override
  public long getHits() {
    return entries.values().stream().mapToLong(e -> e.hits.get()).sum();
  }

  @Override
  public long getMaxBuildMillis() {
    return entries.values().stream().mapToLong(e -> e.buildMillis).max().orElse(0);
  }

  @Override
  public long getMaxStalenessSeconds() {
    return list().stream().mapToLong(RollupStatus::stalenessSeconds).max().orElse(0);
  }

  /** The schemas rollups are read from, by name, to add to the root schema. */
  public Map<String, Schema> schemas() {
    Map<String, Schema> schemas = new LinkedHashMap<>();
    schemas.put(SCHEMA, memorySchema);
    if (lakeReader != null) {
      schemas.put(LAKE_SCHEMA, lakeReader.schema());
    }
    return schemas;
  }

  /**
   * The rollup schemas as connectors that tell their data versions (a rollup's snapshot and the state it answers in),
   * for the result cache; by schema name.
   */
  public Map<String, io.meridian.spi.Connector> versionedSchemas() {
    Map<String, io.meridian.spi.Connector> map = new LinkedHashMap<>();
    if (lakeReader == null) {
      return map;
    }
    map.put(SCHEMA, new VersionedSchema(SCHEMA, memorySchema));
    map.put(LAKE_SCHEMA, new VersionedSchema(LAKE_SCHEMA, lakeReader.schema()));
    return map;
  }

  /** A rollup schema seen as a source whose data version is the state of the rollups read. */
  private final class VersionedSchema implements io.meridian.spi.Connector {
    private final String name;
    private final Schema schema;

    VersionedSchema(String name, Schema schema) {
      this.name = name;
      this.schema = schema;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public SourceKind kind() {
      return SourceKind.LAKE;
    }

    @Override
    public java.util.Set<io.meridian.spi.Capability> capabilities() {
      return java.util.Set.of();
    }

    @Override
    public Schema schema() {
      return schema;
    }

    @Override
    public io.meridian.spi.DataVersion dataVersion() {
      return dataVersion(entries.keySet());
    }

    @Override
    public io.meridian.spi.DataVersion dataVersion(java.util.Set<String> tables) {
      StringBuilder v = new StringBuilder();
      for (String t : new java.util.TreeSet<>(tables)) {
        // In-memory rollups are read under the name of the state planned for: plays_daily@<state>.
        Entry e = entries.get(t.indexOf('@') < 0 ? t : t.substring(0, t.indexOf('@')));
        if (e == null) {
          return new io.meridian.spi.DataVersion(name, io.meridian.spi.DataVersion.UNKNOWN, Instant.now());
        }
        State s = check(e);
        v.append(t).append('=').append(s.snapshot).append('/').append(s.kind).append('/')
            .append(s.candidate.seam().orElse("")).append(';');
      }
      return new io.meridian.spi.DataVersion(name, v.toString(), Instant.now());
    }

    @Override
    public void checkHealth() {
    }

    @Override
    public void close() {
    }
  }

  /**
   * How builds reach this engine; the first call also loads rollups already built (here or by another server) and
   * starts the background refresh when {@code refresh-check} is not 0.
   */
  public synchronized void connections(Connections connections) {
    if (this.connections != null) {
      return;
    }
    this.connections = requireNonNull(connections, "connections is null");
    if (!entries.isEmpty() && !config.refreshCheck().isZero()) {
      ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "meridian-rollup-refresh");
        t.setDaemon(true);
        return t;
      });
      long period = config.refreshCheck().toMillis();
      s.scheduleWithFixedDelay(this::refreshDue, period, period, TimeUnit.MILLISECONDS);
      refresher = s;
    }
  }

  /** The rollups of the model. */
  public List<Rollup> rollups() {
    return model.rollups();
  }

  // ---------------------------------------------------------------------------------------------------- the rewrite

  @Override
  public List<RollupCandidate> candidates(String table) {
    List<Entry> mine = entries.values().stream().filter(e -> e.rollup.table().equals(table)).toList();
    if (mine.isEmpty()) {
      return List.of();
    }
    List<State> states = new ArrayList<>();
    for (Entry e : mine) {
      states.add(e.state != null ? e.state : check(e));
    }
    // Usable ones first, smallest first: the first that can answer is used.
    states.sort(Comparator.comparing((State s) -> s.candidate.unusable().isPresent())
        .thenComparingLong(s -> s.rows));
    return states.stream().map(s -> s.candidate).toList();
  }

  /**
   * Checks every rollup against its sources now and returns a token that changes whenever which rollup may answer
   * what changes (a build, a source commit); plans are cached under it.
   */
  public String stateToken() {
    if (entries.isEmpty()) {
      return "";
    }
    StringBuilder token = new StringBuilder();
    for (Entry e : entries.values()) {
      State s = check(e);
      token.append(e.rollup.name()).append('=').append(s.snapshot).append('/')
          .append(s.candidate.unusable().isPresent() ? "x" : s.candidate.seam().orElse("f")).append(';');
    }
    return token.toString();
  }

  /** What the rewrite may do with one rollup, as last checked. */
  private record State(RollupCandidate candidate, long snapshot, long rows, String kind, Optional<String> reason) {}

  private State check(Entry e) {
    State s;
    try {
      s = computeState(e);
    } catch (RuntimeException ex) {
      s = new State(new RollupCandidate(e.rollup, List.of(SCHEMA, e.rollup.name()),
          Optional.of("its state cannot be read: " + ex.getMessage()), Optional.empty(), Map.of()), -1, 0, "stale",
          Optional.of(ex.getMessage()));
    }
    e.state = s;
    return s;
  }

  private State computeState(Entry e) {
    Built b = sync(e);
    String name = e.rollup.name();
    if (b == null) {
      String why = "not built yet (bin/meridian rollups build " + name + ")";
      return new State(new RollupCandidate(e.rollup, List.of(SCHEMA, name), Optional.of(why), Optional.empty(),
          Map.of()), -1, 0, "missing", Optional.of(why));
    }
    List<String> path = b.rows != null ? List.of(SCHEMA, name) : List.of(LAKE_SCHEMA, name);
    Map<String, String> types = new HashMap<>();
    // The rewrite casts re-aggregated sums to the type the source path gives them.
    for (int i = 0; i < b.columns.size(); i++) {
      types.put(b.columns.get(i), (i < b.answerTypes.size() ? b.answerTypes : b.types).get(i).sql());
    }
    if (!b.hash.equals(e.hash)) {
      return stale(e, b, path, types, "it was built from another definition of the model; rebuild it");
    }
    Optional<String> seam = Optional.empty();
    for (Map.Entry<String, String> source : e.sources.entrySet()) {
      String key = source.getKey();
      String then = b.versions.getOrDefault(key, "");
      String now = version(key);
      if (now.equals(UNVERSIONED)) {
        // Without a version, a change at the source would go unseen: the rollup could be older than a caller accepts.
        return stale(e, b, path, types, "source table " + key + " cannot tell its data version (give source '"
            + key.substring(0, key.indexOf('.')) + "' freshness: version-query in meridian.yaml)");
      } else if (!now.equals(then)) {
        if (!source.getValue().equals(e.rollup.table()) || sourceTable(key).isEmpty()) {
          return stale(e, b, path, types, "source table " + key + " changed since the build (version " + then
              + ", now " + now + ")");
        }
        Seam s = seam(e, b, key, then, now);
        if (s.reason != null) {
          return stale(e, b, path, types, "source table " + key + " changed since the build (snapshot " + then
              + ", now " + now + ") and " + s.reason);
        }
        seam = s.literal;
      }
    }
    List<String> statePath = b.rows != null
        ? List.of(SCHEMA, name + "@" + b.snapshotId + "-" + seam.map(RollupManager::digits).orElse("fresh")) : path;
    return new State(new RollupCandidate(e.rollup, statePath, Optional.empty(), seam, types), b.snapshotId,
        b.rowCount, seam.isPresent() ? "behind" : "fresh", seam.map(x -> "the source has rows appended since the "
            + "build; they are read from the source from " + x + " on"));
  }

  /** The state a plan over an in-memory rollup was made for, as its table name carries it. */
  private static String stateId(State s) {
    List<String> table = s.candidate.table();
    String name = table.get(table.size() - 1);
    return name.contains("@") ? name.substring(name.indexOf('@') + 1) : "";
  }

  private static String digits(String literal) {
    return literal.replaceAll("[^0-9]", "");
  }

  private State stale(Entry e, Built b, List<String> path, Map<String, String> types, String why) {
    return new State(new RollupCandidate(e.rollup, path, Optional.of(why), Optional.empty(), types), b.snapshotId,
        b.rowCount, "stale", Optional.of(why));
  }

  /** Where a rollup behind its lake source hands over to the source, or why it cannot. */
  private record Seam(Optional<String> literal, Optional<Long> boundary, String reason) {}

  private Seam seam(Entry e, Built b, String key, String then, String now) {
    String cacheKey = then + ">" + now;
    Seam cached = e.seams.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    Seam s = computeSeam(e, b, key, Long.parseLong(then), Long.parseLong(now));
    e.seams.clear();
    e.seams.put(cacheKey, s);
    return s;
  }

  private Seam computeSeam(Entry e, Built b, String key, long then, long now) {
    if (e.rollup.time().isEmpty() || !e.rollup.time().get().table().equals(e.rollup.table())) {
      return new Seam(Optional.empty(), Optional.empty(), "the rollup has no time dimension on that table to split "
          + "old rows from new ones");
    }
    Dimension time = model.table(e.rollup.table()).flatMap(t -> t.dimension(e.rollup.time().get().dimension()))
        .orElseThrow();
    SqlNode expr = time.expr().node();
    if (!(expr instanceof SqlIdentifier id)) {
      return new Seam(Optional.empty(), Optional.empty(), "its time dimension " + time.name() + " is not a column");
    }
    Table table = sourceTable(key).orElseThrow();
    Types.NestedField field = table.schema().findField(id.names.get(id.names.size() - 1));
    if (field == null) {
      return new Seam(Optional.empty(), Optional.empty(), "its time column is not in the Iceberg table");
    }
    if (table.snapshot(then) == null || !SnapshotUtil.isAncestorOf(table, now, then)) {
      return new Seam(Optional.empty(), Optional.empty(), "the built snapshot is no longer an ancestor");
    }
    for (Snapshot s : SnapshotUtil.ancestorsBetween(table, now, then)) {
      if (!DataOperations.APPEND.equals(s.operation())) {
        return new Seam(Optional.empty(), Optional.empty(), "snapshot " + s.snapshotId() + " is a " + s.operation()
            + ", not an append");
      }
    }
    Long earliest = null;
    try (CloseableIterable<FileScanTask> tasks = table.newIncrementalAppendScan().includeColumnStats().fromSnapshotExclusive(then)
        .toSnapshot(now).planFiles()) {
      for (FileScanTask task : tasks) {
        ByteBuffer lower = task.file().lowerBounds() == null ? null : task.file().lowerBounds().get(field.fieldId());
        if (lower == null) {
          return new Seam(Optional.empty(), Optional.empty(), "an appended file has no lower bound of "
              + field.name());
        }
        Object v = Conversions.fromByteBuffer(field.type(), lower);
        long micros = v instanceof Integer days ? days * 86_400_000_000L : (Long) v;
        earliest = earliest == null ? micros : Math.min(earliest, micros);
      }
    } catch (IOException ex) {
      return new Seam(Optional.empty(), Optional.empty(), "its appended files cannot be listed: " + ex.getMessage());
    }
    if (earliest == null) {
      return new Seam(Optional.empty(), Optional.empty(), null); // appends of no rows: nothing to read
    }
    TimeGrain grain = e.rollup.grain().orElseThrow();
    long boundaryMillis = floor(Math.floorDiv(earliest, 1000L), grain);
    ColumnType type = b.types.get(b.columns.indexOf(RollupColumns.time(e.rollup.time().get(), grain)));
    long internal = type.name() == org.apache.calcite.sql.type.SqlTypeName.DATE
        ? Math.floorDiv(boundaryMillis, 86_400_000L) : boundaryMillis;
    return new Seam(Optional.of(type.literal(internal)), Optional.of(internal), null);
  }

  static long floor(long millis, TimeGrain grain) {
    return RollupColumns.floor(millis, grain);
  }

  // ---------------------------------------------------------------------------------------------------- sources

  /**
   * The data version of a source table: its current Iceberg snapshot id; for a JDBC source, its
   * {@code freshness.version-query}'s answer, as the result cache reads it; else {@code unversioned}. A time-to-live
   * is no version here: it bounds the age of answers for callers that accept that age, while a rollup serves every
   * caller.
   */
  private String version(String key) {
    Optional<Table> table = sourceTable(key);
    if (table.isEmpty()) {
      int dot = key.indexOf('.');
      io.meridian.spi.Connector connector = connectors.get(key.substring(0, dot));
      if (connector == null) {
        return UNVERSIONED;
      }
      String name = key.substring(dot + 1);
      io.meridian.spi.DataVersion v = name.startsWith("(") ? connector.dataVersion()
          : connector.dataVersion(java.util.Set.of(name));
      return v.isKnown() && v.maxAge().isEmpty() ? "query:" + v.version() : UNVERSIONED;
    }
    Table t = table.get();
    t.refresh();
    Snapshot s = t.currentSnapshot();
    return s == null ? "empty" : String.valueOf(s.snapshotId());
  }

  /** The Iceberg table behind a source table key ({@code lake.plays}), when its source is a lake. */
  private Optional<Table> sourceTable(String key) {
    int dot = key.indexOf('.');
    SourceConfig source = sources.get(key.substring(0, dot));
    if (source == null || source.kind() != SourceKind.LAKE || source.catalog().isEmpty()
        || key.substring(dot + 1).startsWith("(")) {
      return Optional.empty();
    }
    Table cached = sourceTables.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Catalog c = sourceCatalogs.computeIfAbsent(source.name(), n -> catalog(n, resolve(source.catalog())));
    TableIdentifier id = TableIdentifier.of(Namespace.of(source.namespace().split("\\.")), key.substring(dot + 1));
    if (!c.tableExists(id)) {
      return Optional.empty();
    }
    Table t = c.loadTable(id);
    sourceTables.put(key, t);
    return Optional.of(t);
  }

  private Map<String, String> resolve(Map<String, String> catalogProperties) {
    Map<String, String> properties = new HashMap<>(catalogProperties);
    String warehouse = properties.get("warehouse");
    if (warehouse != null && !warehouse.contains("://") && !warehouse.startsWith("file:")) {
      properties.put("warehouse", folder.resolve(warehouse).normalize().toString());
    }
    return properties;
  }

  private static Catalog catalog(String name, Map<String, String> properties) {
    Configuration hadoop = new Configuration(false);
    hadoop.set("fs.defaultFS", "file:///");
    hadoop.set("fs.file.impl", "org.apache.hadoop.fs.LocalFileSystem");
    try {
      return CatalogUtil.buildIcebergCatalog(name, properties, hadoop);
    } catch (RuntimeException e) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "rollups: cannot open the Iceberg catalog "
          + properties.getOrDefault("type", "") + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------------- storage

  /** A built rollup as this engine knows it: the metadata of the table's current snapshot, and maybe its rows. */
  private record Built(long snapshotId, Instant builtAt, Map<String, String> versions, String hash,
      List<String> columns, List<ColumnType> types, List<ColumnType> answerTypes, List<Object[]> rows, long rowCount,
      Optional<String> coveredTo, long buildMillis) {}

  private TableIdentifier identifier(Rollup r) {
    return TableIdentifier.of(namespace, r.name());
  }

  /** Brings what this engine knows of a rollup up to its table's current snapshot (another server may build it). */
  private Built sync(Entry e) {
    Table table = e.table;
    if (table == null) {
      if (!catalog.tableExists(identifier(e.rollup))) {
        e.built = null;
        return null;
      }
      table = catalog.loadTable(identifier(e.rollup));
      e.table = table;
    } else {
      table.refresh();
    }
    Snapshot current = table.currentSnapshot();
    Built b = e.built;
    if (current == null) {
      return null;
    }
    if (b != null && b.snapshotId == current.snapshotId()) {
      return b;
    }
    b = load(table, current);
    e.built = b;
    return b;
  }

  private Built load(Table table, Snapshot snapshot) {
    Map<String, String> p = table.properties();
    List<String> columns = table.schema().columns().stream().map(Types.NestedField::name).toList();
    List<ColumnType> types = new ArrayList<>();
    for (String t : p.getOrDefault(P + "column-types", "").split(";")) {
      if (!t.isBlank()) {
        types.add(ColumnType.parse(t));
      }
    }
    List<ColumnType> answerTypes = new ArrayList<>();
    for (String t : p.getOrDefault(P + "answer-types", p.getOrDefault(P + "column-types", "")).split(";")) {
      if (!t.isBlank()) {
        answerTypes.add(ColumnType.parse(t));
      }
    }
    long rowCount = Long.parseLong(p.getOrDefault(P + "rows", "0"));
    List<Object[]> rows = null;
    if (rowCount <= config.memoryMaxRows() && types.size() == columns.size()) {
      rows = new ArrayList<>();
      try (CloseableIterable<Record> records = IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId())
          .build()) {
        for (Record r : records) {
          Object[] row = new Object[columns.size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = types.get(i).fromIceberg(r.get(i));
          }
          rows.add(row);
        }
      } catch (IOException ex) {
        throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "cannot read rollup " + table.name() + ": "
            + ex.getMessage(), ex);
      }
      rowCount = rows.size();
    }
    Map<String, String> versions = new TreeMap<>();
    for (String kv : p.getOrDefault(P + "source-versions", "").split(";")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        versions.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return new Built(snapshot.snapshotId(), Instant.parse(p.getOrDefault(P + "built-at",
        Instant.ofEpochMilli(snapshot.timestampMillis()).toString())), versions,
        p.getOrDefault(P + "model-hash", ""), columns, types, answerTypes, rows == null ? null : List.copyOf(rows),
        rowCount,
        Optional.ofNullable(p.get(P + "covered-to")), Long.parseLong(p.getOrDefault(P + "build-millis", "0")));
  }

  // ---------------------------------------------------------------------------------------------------- builds

  /** Rebuilds a rollup from its sources, whole. */
  public BuildResult build(String name, Consumer<String> progress) {
    return build(entry(name), false, progress);
  }

  /**
   * Refreshes a rollup as its policy says: nothing when it is up to date (and, for {@code schedule}, younger than its
   * interval), the time partitions from the seam on for {@code incremental} when only appends happened, else a full
   * rebuild.
   */
  public BuildResult refresh(String name, Consumer<String> progress) {
    Entry e = entry(name);
    State s = check(e);
    Rollup.Refresh policy = e.rollup.refresh();
    Built b = e.built;
    boolean young = b != null && Duration.between(b.builtAt, Instant.now()).compareTo(policy.every()) < 0;
    if (s.kind.equals("fresh") && (policy.policy() != Rollup.Policy.SCHEDULE || young)) {
      progress.accept(name + ": up to date");
      return new BuildResult(name, "up to date", s.rows, 0, Optional.of(s.snapshot));
    }
    boolean incremental = policy.policy() == Rollup.Policy.INCREMENTAL && s.kind.equals("behind");
    return build(e, incremental, progress);
  }

  /** Every rollup with its state. */
  public List<RollupStatus> list() {
    List<RollupStatus> list = new ArrayList<>();
    for (Entry e : entries.values()) {
      State s = check(e);
      Built b = e.built;
      long staleness = b == null || s.kind.equals("fresh") ? 0
          : Math.max(0, Duration.between(b.builtAt, Instant.now()).toSeconds());
      list.add(new RollupStatus(e.rollup.name(), e.rollup.table(), s.kind, s.reason, b == null ? 0 : b.rowCount,
          b != null && b.rows != null, Optional.ofNullable(b).map(Built::builtAt),
          e.buildMillis > 0 ? e.buildMillis : b == null ? 0 : b.buildMillis, e.builds.get(), e.hits.get(),
          b == null ? Map.of() : b.versions, b == null ? Optional.empty() : b.coveredTo, staleness,
          Optional.ofNullable(e.lastError)));
    }
    return list;
  }

  private Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new MeridianException(ErrorCode.INVALID_PARAMETER, "unknown rollup '" + name + "'; the model declares: "
          + String.join(", ", entries.keySet()));
    }
    return e;
  }

  private void refreshDue() {
    for (Entry e : entries.values()) {
      try {
        if (e.built == null && sync(e) == null) {
          build(e, false, m -> { });
        } else {
          refresh(e.rollup.name(), m -> { });
        }
      } catch (RuntimeException ex) {
        e.lastError = ex.getMessage();
      }
    }
  }

  private BuildResult build(Entry e, boolean incremental, Consumer<String> progress) {
    Connections c = connections;
    if (c == null) {
      throw new MeridianException(ErrorCode.INVALID_CONFIGURATION, "rollups are built through a Meridian "
          + "connection to this engine; open one first");
    }
    synchronized (e) {
      try {
        BuildResult result = doBuild(e, incremental, progress, c);
        e.lastError = null;
        return result;
      } catch (SQLException ex) {
        e.lastError = ex.getMessage();
        throw new MeridianException(ErrorCode.SOURCE_QUERY_FAILED, "building rollup " + e.rollup.name()
            + " failed: " + ex.getMessage(), ex);
      } catch (RuntimeException ex) {
        e.lastError = ex.getMessage();
        throw ex;
      }
    }
  }

  private BuildResult doBuild(Entry e, boolean incremental, Consumer<String> progress, Connections c)
      throws SQLException {
    long start = System.nanoTime();
    Rollup r = e.rollup;
    Built old = sync(e);
    Optional<String> from = Optional.empty();
    Long boundary = null;
    Map<String, String> versions = new TreeMap<>();
    Map<String, String> pins = new HashMap<>();
    for (Map.Entry<String, String> source : e.sources.entrySet()) {
      String v = version(source.getKey());
      versions.put(source.getKey(), v);
      if (!v.equals(UNVERSIONED) && !v.equals("empty") && sourceTable(source.getKey()).isPresent()) {
        String table = source.getKey().substring(source.getKey().indexOf('.') + 1);
        pins.put(source.getValue(), table + "@" + v);
      }
    }
    if (incremental && old != null && old.rows != null && old.hash.equals(e.hash)) {
      String key = e.sources.entrySet().stream().filter(x -> x.getValue().equals(r.table())).findFirst()
          .orElseThrow().getKey();
      String then = old.versions.getOrDefault(key, "");
      Seam s = then.isEmpty() || versions.get(key).equals(then) ? null
          : computeSeam(e, old, key, Long.parseLong(then), Long.parseLong(versions.get(key)));
      if (s != null && s.literal.isPresent()) {
        from = s.literal;
        boundary = s.boundary.orElseThrow();
      }
    }
    String sql = expander.rollupBuildQuery(r, pins, from, true);
    String declared = expander.rollupBuildQuery(r, pins, from, false);
    progress.accept(r.name() + ": " + (from.isPresent() ? "incremental refresh from " + from.get() : "full build")
        + ", reading " + String.join(", ", versions.keySet()));
    List<Object[]> rows = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    List<ColumnType> types = new ArrayList<>();
    Properties properties = new Properties();
    properties.setProperty(USE_ROLLUPS_PROPERTY, "false");
    List<ColumnType> answerTypes = new ArrayList<>();
    try (Connection conn = c.open(properties); Statement st = conn.createStatement()) {
      // The types the source path gives each measure (prepared, not run): answers are cast back to them.
      try (java.sql.PreparedStatement ps = conn.prepareStatement(declared)) {
        ResultSetMetaData md = ps.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          answerTypes.add(ColumnType.of(md, i));
        }
      }
      ResultSet rs = st.executeQuery(sql);
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        columns.add(md.getColumnLabel(i));
        types.add(ColumnType.of(md, i));
      }
      while (rs.next()) {
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
          row[i] = types.get(i).read(rs, i + 1);
        }
        rows.add(row);
        if (rows.size() % 100_000 == 0) {
          progress.accept(r.name() + ": " + rows.size() + " rows aggregated");
        }
      }
      rs.close();
    }
    // A source may return decimals with more digits after the point than its column type says: keep them all.
    for (int i = 0; i < types.size(); i++) {
      ColumnType t = types.get(i);
      if (t.name() == org.apache.calcite.sql.type.SqlTypeName.DECIMAL) {
        int scale = t.scale();
        for (Object[] row : rows) {
          if (row[i] instanceof java.math.BigDecimal d) {
            scale = Math.max(scale, d.stripTrailingZeros().scale());
          }
        }
        if (scale > t.scale()) {
          int widened = Math.min(38, scale);
          types.set(i, new ColumnType(t.name(), Math.min(38, t.precision() + widened - t.scale()), widened));
        }
      }
    }
    int timeIndex = r.time().map(t -> columns.indexOf(RollupColumns.time(t, r.grain().orElseThrow()))).orElse(-1);
    long recomputed = rows.size();
    if (boundary != null) {
      // Keep the old rows before the seam; the new ones cover the seam and after.
      List<Object[]> kept = new ArrayList<>();
      for (Object[] row : old.rows) {
        Object t = row[timeIndex];
        if (t != null && ((Number) t).longValue() < boundary) {
          kept.add(row);
        }
      }
      kept.addAll(rows);
      rows = kept;
    }
    Optional<String> coveredTo = Optional.empty();
    if (timeIndex >= 0) {
      ColumnType tt = types.get(timeIndex);
      final int ti = timeIndex;
      coveredTo = rows.stream().map(x -> x[ti]).filter(x -> x != null).map(x -> ((Number) x).longValue())
          .max(Long::compare).map(tt::literal);
    }
    progress.accept(r.name() + ": " + rows.size() + " rows" + (boundary != null ? " (" + recomputed
        + " recomputed)" : "") + ", writing to Iceberg");
    Table table = storage(r, columns, types);
    org.apache.iceberg.Schema schema = table.schema();
    List<Record> records = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      GenericRecord rec = GenericRecord.create(schema);
      for (int i = 0; i < row.length; i++) {
        rec.set(i, types.get(i).toIceberg(row[i]));
      }
      records.add(rec);
    }
    Instant builtAt = Instant.now();
    long millis = (System.nanoTime() - start) / 1_000_000;
    Map<String, String> props = new LinkedHashMap<>();
    props.put(P + "model-hash", e.hash);
    props.put(P + "source-versions", versions.entrySet().stream().map(x -> x.getKey() + "=" + x.getValue())
        .reduce((a, b) -> a + ";" + b).orElse(""));
    props.put(P + "built-at", builtAt.toString());
    props.put(P + "column-types", String.join(";", types.stream().map(ColumnType::sql).toList()));
    props.put(P + "answer-types", String.join(";", answerTypes.stream().map(ColumnType::sql).toList()));
    props.put(P + "rows", String.valueOf(rows.size()));
    props.put(P + "build-millis", String.valueOf(millis));
    coveredTo.ifPresent(x -> props.put(P + "covered-to", x));
    long snapshot = writer.replaceRecords(table, records, props).snapshotId();
    boolean memory = rows.size() <= config.memoryMaxRows();
    e.table = table;
    e.built = new Built(snapshot, builtAt, versions, e.hash, List.copyOf(columns), List.copyOf(types),
        List.copyOf(answerTypes), memory ? List.copyOf(rows) : null, rows.size(), coveredTo, millis);
    e.state = null;
    e.seams.clear();
    e.builds.incrementAndGet();
    e.buildMillis = millis;
    check(e);
    progress.accept(r.name() + ": committed snapshot " + snapshot + ", " + rows.size() + " rows in " + millis + " ms"
        + (memory ? " (held in memory)" : ""));
    return new BuildResult(r.name(), boundary != null ? "incremental" : "full", rows.size(), millis,
        Optional.of(snapshot));
  }

  /** The rollup's Iceberg table with these columns, created (or re-created when its columns changed). */
  private Table storage(Rollup r, List<String> columns, List<ColumnType> types) {
    List<Types.NestedField> fields = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      fields.add(Types.NestedField.optional(i + 1, columns.get(i), types.get(i).icebergType()));
    }
    org.apache.iceberg.Schema schema = new org.apache.iceberg.Schema(fields);
    TableIdentifier id = identifier(r);
    if (catalog.tableExists(id)) {
      Table existing = catalog.loadTable(id);
      if (existing.schema().sameSchema(schema)) {
        return existing;
      }
      catalog.dropTable(id, true);
    }
    return writer.createTable(id, schema, PartitionSpec.unpartitioned());
  }

  // ---------------------------------------------------------------------------------------------------- entries

  /** One declared rollup and what this engine knows of it. */
  private final class Entry {
    final Rollup rollup;
    final String hash;
    /** Source tables read, {@code source.table} (or {@code source.(sql of t)}) to the semantic table. */
    final Map<String, String> sources = new LinkedHashMap<>();
    final Map<String, Seam> seams = new ConcurrentHashMap<>();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong builds = new AtomicLong();
    volatile Table table;
    volatile Built built;
    volatile State state;
    volatile long buildMillis;
    volatile String lastError;

    Entry(Rollup rollup) {
      this.rollup = rollup;
      List<String> tables = new ArrayList<>();
      tables.add(rollup.table());
      for (Rollup.DimensionRef d : rollup.allDimensions()) {
        JoinPath path = model.joinPath(rollup.table(), d.table());
        for (JoinPath.Step step : path.steps()) {
          if (!tables.contains(step.right())) {
            tables.add(step.right());
          }
        }
      }
      StringBuilder definition = new StringBuilder();
      definition.append(rollup.table()).append('|').append(rollup.allDimensions()).append('|')
          .append(rollup.grain().map(TimeGrain::key).orElse("")).append('|').append(rollup.measures());
      for (String t : tables) {
        SemanticTable table = model.table(t).orElseThrow();
        sources.put(key(table), t);
        definition.append('|').append(t).append(':').append(table.source());
      }
      for (Rollup.DimensionRef d : rollup.allDimensions()) {
        definition.append('|').append(d).append('=')
            .append(model.table(d.table()).flatMap(t -> t.dimension(d.dimension())).orElseThrow().expr().sql());
      }
      for (String m : rollup.measures()) {
        Measure measure = model.measure(rollup.table(), m).orElseThrow();
        definition.append('|').append(m).append('=').append(measure.aggregation()).append(',')
            .append(measure.expr().map(x -> x.sql()).orElse("*")).append(',')
            .append(measure.filter().map(x -> x.sql()).orElse(""));
      }
      for (int i = 1; i < tables.size(); i++) {
        for (JoinPath.Step step : model.joinPath(rollup.table(), tables.get(i)).steps()) {
          definition.append('|').append(step.relationship().name()).append(':').append(step.keys());
        }
      }
      this.hash = sha256(definition.toString());
    }

    List<Measure> measures() {
      return rollup.measures().stream().map(m -> model.measure(rollup.table(), m).orElseThrow()).toList();
    }
  }

  private static String key(SemanticTable table) {
    if (table.source() instanceof TableSource.Table t) {
      return t.source() + "." + t.table();
    }
    TableSource.Query q = (TableSource.Query) table.source();
    return q.source() + ".(sql of " + table.name() + ")";
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(
          StandardCharsets.UTF_8))).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The in-memory rollups. The rewrite names a rollup with the state it planned for, {@code events_daily@<state>};
   * Calcite looks tables up again when a plan runs, so a plan run after its rollup changed state (a prepared statement
   * run after its source changed) fails here rather than answer from a state it did not account for.
   */
  private final class MemorySchema extends AbstractSchema {
    @Override
    protected Map<String, org.apache.calcite.schema.Table> getTableMap() {
      Map<String, org.apache.calcite.schema.Table> tables = new HashMap<>();
      for (Entry e : entries.values()) {
        Built b = e.built;
        if (b != null && b.rows != null) {
          tables.put(e.rollup.name(), new MemoryTable(e, b));
        }
      }
      return tables;
    }

    @Override
    public org.apache.calcite.schema.lookup.Lookup<org.apache.calcite.schema.Table> tables() {
      org.apache.calcite.schema.lookup.Lookup<org.apache.calcite.schema.Table> plain = super.tables();
      return new org.apache.calcite.schema.lookup.Lookup<>() {
        @Override
        public org.apache.calcite.schema.Table get(String name) {
          return name.indexOf('@') < 0 ? plain.get(name) : planned(name);
        }

        @Override
        public org.apache.calcite.schema.lookup.Named<org.apache.calcite.schema.Table> getIgnoreCase(String name) {
          if (name.indexOf('@') < 0) {
            return plain.getIgnoreCase(name);
          }
          org.apache.calcite.schema.Table t = planned(name);
          return t == null ? null : new org.apache.calcite.schema.lookup.Named<>(name, t);
        }

        @Override
        public java.util.Set<String> getNames(org.apache.calcite.schema.lookup.LikePattern pattern) {
          return plain.getNames(pattern);
        }
      };
    }

    private org.apache.calcite.schema.Table planned(String name) {
      int at = name.indexOf('@');
      Entry e = entries.get(name.substring(0, at));
      if (e == null) {
        return null;
      }
      State now = check(e);
      String planned = name.substring(at + 1);
      Built b = e.built;
      if (b == null || b.rows == null || now.candidate.unusable().isPresent() || !planned.equals(stateId(now))) {
        throw new MeridianException(ErrorCode.NOT_SUPPORTED, "rollup " + e.rollup.name() + " changed since this "
            + "statement was planned (now " + now.kind + now.reason.map(r -> ": " + r).orElse("")
            + "); prepare the statement again");
      }
      return new MemoryTable(e, b);
    }
  }

  /** A rollup's rows held in memory; each scan counts as a hit. */
  private static final class MemoryTable extends AbstractTable implements ScannableTable {
    private final Entry entry;
    private final Built built;

    MemoryTable(Entry entry, Built built) {
      this.entry = entry;
      this.built = built;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
      RelDataTypeFactory.Builder b = f.builder();
      for (int i = 0; i < built.columns.size(); i++) {
        b.add(built.columns.get(i), built.types.get(i).relType(f));
      }
      return b.build();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      entry.hits.incrementAndGet();
      return Linq4j.asEnumerable(built.rows);
    }
  }

  @Override
  public void close() {
    javax.management.ObjectName name = mbean;
    if (name != null) {
      try {
        java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (javax.management.JMException ignored) {
        // Already gone.
      }
    }
    ScheduledExecutorService s = refresher;
    if (s != null) {
      s.shutdownNow();
    }
    if (lakeReader != null) {
      lakeReader.close();
    }
  }
}
