package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import io.meridian.semantic.Expressions.Parsed;
import io.meridian.semantic.Expressions.ValueType;
import io.meridian.spi.MeridianException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * Loads the semantic model from the YAML files of a folder and checks it against the sources, reporting every
 * problem at once (see {@code docs/semantic-model.md} for the format and the checks).
 *
 * <p>Design note: loading runs in passes over the whole model: read every file (syntax, keys, shapes), then tables
 * (sources, columns, expressions, types), relationships (keys, join paths), and metrics (references, cycles). Each
 * pass records problems and goes on; a name that is declared but broken still counts as declared, so one mistake is
 * reported once, not again at every reference to it.
 */
public final class ModelLoader {
  private static final List<String> FILE_KEYS = List.of("tables", "relationships", "metrics", "rollups");
  private static final List<String> TABLE_KEYS = List.of("name", "source", "sql", "source_name", "primary_key",
      "dimensions", "measures", "segments");
  private static final List<String> DIMENSION_KEYS = List.of("name", "type", "expr", "grains");
  private static final List<String> MEASURE_KEYS = List.of("name", "agg", "expr", "filter");
  private static final List<String> SEGMENT_KEYS = List.of("name", "filter");
  private static final List<String> RELATIONSHIP_KEYS = List.of("name", "from", "to", "type", "on");
  private static final List<String> RATIO_KEYS = List.of("numerator", "denominator");
  private static final List<String> DERIVED_KEYS = List.of("expr");
  private static final List<String> CUMULATIVE_KEYS = List.of("measure", "time", "window", "grain");
  private static final List<String> METRIC_KEYS = Stream.of(List.of("name", "type"), RATIO_KEYS, DERIVED_KEYS,
      CUMULATIVE_KEYS).flatMap(List::stream).toList();

  private static final List<String> ROLLUP_KEYS = List.of("name", "table", "dimensions", "time", "grain",
      "measures", "refresh");
  private static final List<String> REFRESH_KEYS = List.of("policy", "every");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");
  private static final Pattern WINDOW = Pattern.compile("(\\d{1,6})\\s+([a-z]+?)s?");

  private final PhysicalCatalog catalog;
  private final Problems problems = new Problems();

  /** Every element of the files, by section, before checking. */
  private final List<YamlNode> tableNodes = new ArrayList<>();
  private final List<YamlNode> relationshipNodes = new ArrayList<>();
  private final List<YamlNode> metricNodes = new ArrayList<>();
  private final List<YamlNode> rollupNodes = new ArrayList<>();
  private final Map<String, SourcePosition> rollupNames = new HashMap<>();
  private final List<Rollup> rollups = new ArrayList<>();

  private final Map<String, TableInfo> tables = new LinkedHashMap<>();
  private final Map<String, SourcePosition> relationshipNames = new HashMap<>();
  private final List<Relationship> relationships = new ArrayList<>();
  private final Map<String, SourcePosition> metricNames = new HashMap<>();
  private final List<Metric> metrics = new ArrayList<>();
  /** Metric names with their inputs that are metrics, for the cycle check. */
  private final Map<String, List<String>> metricEdges = new LinkedHashMap<>();

  private ModelLoader(PhysicalCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Reads every {@code *.yaml} and {@code *.yml} file of {@code folder} (not its sub-folders), in name order, and
   * returns the checked model.
   *
   * @throws ModelException listing every problem found, each with file, line and column
   */
  public static SemanticModel load(Path folder, PhysicalCatalog catalog) {
    requireNonNull(folder, "folder is null");
    requireNonNull(catalog, "catalog is null");
    return new ModelLoader(catalog).run(folder);
  }

  private SemanticModel run(Path folder) {
    for (Path file : files(folder)) {
      readFile(file);
    }
    for (YamlNode node : tableNodes) {
      table(node);
    }
    for (YamlNode node : relationshipNodes) {
      relationship(node);
    }
    joinPaths();
    // Metric names first: a metric may use one declared after it, in the same file or another.
    for (YamlNode node : metricNodes) {
      metricName(node);
    }
    for (YamlNode node : metricNodes) {
      metric(node);
    }
    cycles();
    for (YamlNode node : rollupNodes) {
      rollup(node);
    }
    if (!problems.isEmpty()) {
      throw new ModelException(problems.sorted());
    }
    List<SemanticTable> built = tables.values().stream().map(TableInfo::build).toList();
    return new SemanticModel(built, relationships, metrics, rollups);
  }

  // ---------------------------------------------------------------------------------------------------- files

  private List<Path> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new ModelException(List.of(new ModelProblem(SourcePosition.of(folder),
          "model folder not found (model.path of meridian.yaml)")));
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
          .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      throw new ModelException(List.of(new ModelProblem(SourcePosition.of(folder),
          "cannot list the model folder: " + e.getMessage())));
    }
    if (files.isEmpty()) {
      throw new ModelException(List.of(new ModelProblem(SourcePosition.of(folder),
          "no model files (*.yaml, *.yml) in the model folder")));
    }
    return files;
  }

  private void readFile(Path file) {
    String text;
    try {
      // A strict decoder: a file that is not UTF-8 is reported, not read with replacement characters.
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      problems.add(SourcePosition.of(file), "not valid UTF-8");
      return;
    } catch (IOException e) {
      problems.add(SourcePosition.of(file), "cannot read: " + e.getMessage());
      return;
    }
    Optional<YamlNode> root = new YamlReader(file, text, problems).read();
    if (root.isEmpty()) {
      return;
    }
    Optional<Fields> f = Fields.of(root.get(), "model file", FILE_KEYS, false, problems);
    if (f.isEmpty()) {
      return;
    }
    tableNodes.addAll(f.get().list("tables"));
    relationshipNodes.addAll(f.get().list("relationships"));
    metricNodes.addAll(f.get().list("metrics"));
    rollupNodes.addAll(f.get().list("rollups"));
  }

  // ---------------------------------------------------------------------------------------------------- tables

  /** What is known of a declared table, valid or not; the model is built from it once no problem is left. */
  private static final class TableInfo {
    final String name;
    final SourcePosition position;
    TableSource source;
    /** Lower-case name to column; null when the source could not describe the table. */
    Map<String, PhysicalColumn> columns;
    List<String> primaryKey = List.of();
    final Map<String, String> members = new HashMap<>();
    final Map<String, SourcePosition> memberPositions = new HashMap<>();
    final List<Dimension> dimensions = new ArrayList<>();
    final List<Measure> measures = new ArrayList<>();
    final List<Segment> segments = new ArrayList<>();
    /** Kinds of the declared dimensions, even broken ones (empty when the kind itself is unknown). */
    final Map<String, Optional<DimensionKind>> dimensionKinds = new HashMap<>();
    final Map<String, List<TimeGrain>> grains = new HashMap<>();
    Metadata metadata = Metadata.EMPTY;

    TableInfo(String name, SourcePosition position) {
      this.name = name;
      this.position = position;
    }

    SemanticTable build() {
      return new SemanticTable(name, source, primaryKey, dimensions, measures, segments, metadata, position);
    }
  }

  private static String label(String kind, YamlNode node) {
    if (node instanceof YamlNode.Mapping m) {
      Optional<YamlNode.Entry> name = m.entry("name");
      if (name.isPresent() && name.get().value() instanceof YamlNode.Scalar s && !s.isNull()) {
        return kind + " '" + s.text() + "'";
      }
    }
    return kind;
  }

  private void table(YamlNode node) {
    String what = label("table", node);
    Optional<Fields> parsed = Fields.of(node, what, TABLE_KEYS, true, problems);
    if (parsed.isEmpty()) {
      return;
    }
    Fields f = parsed.get();
    Optional<YamlNode.Scalar> name = f.name();
    TableInfo table = new TableInfo(name.map(YamlNode.Scalar::text).orElse("?"), f.position());
    if (name.isPresent()) {
      TableInfo first = tables.get(table.name);
      if (first != null) {
        problems.add(name.get().position(), "duplicate table '" + table.name + "' (first declared at "
            + first.position + ")");
      } else {
        tables.put(table.name, table);
      }
    }
    table.metadata = f.metadata();
    tableSource(f, table);
    for (YamlNode.Scalar column : f.scalars("primary_key")) {
      resolveColumn(table, column.text(), column.position(), "primary_key of " + what)
          .ifPresent(c -> table.primaryKey = append(table.primaryKey, c.name()));
    }
    for (YamlNode d : f.list("dimensions")) {
      dimension(table, what, d);
    }
    for (YamlNode m : f.list("measures")) {
      measure(table, what, m);
    }
    for (YamlNode s : f.list("segments")) {
      segment(table, what, s);
    }
  }

  private static <T> List<T> append(List<T> list, T item) {
    List<T> out = new ArrayList<>(list);
    out.add(item);
    return List.copyOf(out);
  }

  private void tableSource(Fields f, TableInfo table) {
    String what = "table '" + table.name + "'";
    boolean hasSource = f.has("source");
    boolean hasSql = f.has("sql");
    if (hasSource && hasSql) {
      problems.add(f.keyPosition("sql"), what + " gives both 'source' and 'sql'; give one");
      return;
    }
    if (!hasSource && !hasSql) {
      problems.add(f.position(), what + " has no 'source' (<source>.<table>) or 'sql' (with 'source_name')");
      return;
    }
    if (hasSource) {
      if (f.has("source_name")) {
        problems.add(f.keyPosition("source_name"), "'source_name' goes with 'sql'; 'source' already names the "
            + "source (<source>.<table>)");
      }
      Optional<YamlNode.Scalar> source = f.scalar("source");
      if (source.isEmpty()) {
        return;
      }
      String[] parts = source.get().text().split("\\.", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        problems.add(source.get().position(), "'source' of " + what + " must be <source>.<table>, got '"
            + source.get().text() + "'");
        return;
      }
      String sourceName = parts[0].strip();
      String tableName = parts[1].strip();
      table.source = new TableSource.Table(sourceName, tableName);
      if (!catalog.hasSource(sourceName)) {
        problems.add(source.get().position(), "unknown source '" + sourceName + "' in 'source' of " + what);
        return;
      }
      Optional<List<PhysicalColumn>> columns = catalog.columns(sourceName, tableName);
      if (columns.isEmpty()) {
        problems.add(source.get().position(), "unknown table '" + tableName + "' in source '" + sourceName
            + "' ('source' of " + what + ")");
        return;
      }
      table.columns = columnMap(columns.get());
      return;
    }
    Optional<YamlNode.Scalar> sql = f.scalar("sql");
    Optional<YamlNode.Scalar> sourceName = f.required("source_name");
    if (sql.isEmpty() || sourceName.isEmpty()) {
      return;
    }
    table.source = new TableSource.Query(sourceName.get().text(), sql.get().text());
    if (!catalog.hasSource(sourceName.get().text())) {
      problems.add(sourceName.get().position(), "unknown source '" + sourceName.get().text() + "' in 'source_name' of "
          + what);
      return;
    }
    try {
      Optional<List<PhysicalColumn>> columns = catalog.queryColumns(sourceName.get().text(), sql.get().text());
      if (columns.isEmpty()) {
        problems.add(sourceName.get().position(), "unknown source '" + sourceName.get().text()
            + "' in 'source_name' of " + what);
        return;
      }
      table.columns = columnMap(columns.get());
    } catch (MeridianException e) {
      problems.add(sql.get().position(), "'sql' of " + what + " fails on source '" + sourceName.get().text() + "': "
          + e.getMessage());
    }
  }

  private static Map<String, PhysicalColumn> columnMap(List<PhysicalColumn> columns) {
    Map<String, PhysicalColumn> map = new LinkedHashMap<>();
    for (PhysicalColumn c : columns) {
      map.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
    }
    return map;
  }

  /** The column {@code name} of the table; empty (with a problem) when it has none; empty when columns are unknown. */
  private Optional<PhysicalColumn> resolveColumn(TableInfo table, String name, SourcePosition at, String where) {
    if (table.columns == null) {
      return Optional.empty();
    }
    PhysicalColumn column = table.columns.get(name.toLowerCase(Locale.ROOT));
    if (column == null) {
      problems.add(at, "unknown column '" + name + "' in " + where + columnHint(table));
      return Optional.empty();
    }
    return Optional.of(column);
  }

  private static String columnHint(TableInfo table) {
    if (table.columns.size() > 40) {
      return "";
    }
    return "; columns of " + table.source + ": " + table.columns.values().stream().map(PhysicalColumn::name)
        .collect(Collectors.joining(", "));
  }

  /**
   * Checks the names an expression over one table uses: columns of the table, optionally qualified by the table's
   * name. Returns the type of the whole expression when evident.
   */
  private Optional<ValueType> checkColumns(TableInfo table, Parsed parsed, String where) {
    Optional<SqlNode> sub = Expressions.subQuery(parsed.node());
    if (sub.isPresent()) {
      problems.add(Expressions.at(parsed.scalar(), sub.get().getParserPosition()),
          "sub-queries are not allowed in " + where);
      return Optional.empty();
    }
    Map<SqlIdentifier, PhysicalColumn> resolved = new HashMap<>();
    boolean allKnown = table.columns != null;
    for (SqlIdentifier id : Expressions.identifiers(parsed.node())) {
      SourcePosition at = Expressions.at(parsed.scalar(), id.getParserPosition());
      String column;
      if (id.names.size() == 1) {
        column = id.names.get(0);
      } else if (id.names.size() == 2 && id.names.get(0).equalsIgnoreCase(table.name)) {
        column = id.names.get(1);
      } else {
        problems.add(at, "'" + id + "' in " + where + " is not a column of table '" + table.name
            + "' (write <column> or " + table.name + ".<column>)");
        allKnown = false;
        continue;
      }
      Optional<PhysicalColumn> c = resolveColumn(table, column, at, where);
      if (c.isPresent()) {
        resolved.put(id, c.get());
      } else {
        allKnown = false;
      }
    }
    if (!allKnown) {
      return Optional.empty();
    }
    return Expressions.type(parsed.node(),
        id -> Optional.ofNullable(resolved.get(id)).map(c -> ValueType.of(c.type())));
  }

  /** Registers a member name of a table; false (with a problem) if the table already has it. */
  private boolean member(TableInfo table, String kind, YamlNode.Scalar name) {
    String first = table.members.putIfAbsent(name.text(), kind);
    if (first != null) {
      SourcePosition at = table.memberPositions.get(name.text());
      problems.add(name.position(), "duplicate name '" + name.text() + "' in table '" + table.name + "': already a "
          + first + " (line " + at.line() + ")");
      return false;
    }
    table.memberPositions.put(name.text(), name.position());
    return true;
  }

  private void dimension(TableInfo table, String tableWhat, YamlNode node) {
    String what = label("dimension", node) + " of " + tableWhat;
    Optional<Fields> parsed = Fields.of(node, what, DIMENSION_KEYS, true, problems);
    if (parsed.isEmpty()) {
      return;
    }
    Fields f = parsed.get();
    Optional<YamlNode.Scalar> name = f.name();
    boolean registered = name.isPresent() && member(table, "dimension", name.get());
    Optional<DimensionKind> kind = f.choice("type", keys(DimensionKind.values()), false)
        .map(k -> DimensionKind.valueOf(k.toUpperCase(Locale.ROOT)));
    if (!f.has("type")) {
      kind = Optional.of(DimensionKind.CATEGORICAL);
    }
    if (registered) {
      table.dimensionKinds.put(name.get().text(), kind);
    }
    Optional<YamlNode.Scalar> exprScalar = f.has("expr") ? f.scalar("expr") : name;
    Optional<Parsed> expr = exprScalar.flatMap(s -> Expressions.parse(s, "'expr' of " + what, problems));
    Optional<ValueType> type = expr.flatMap(e -> checkColumns(table, e, "'expr' of " + what));
    if (kind.isPresent() && type.isPresent()) {
      String problem = switch (kind.get()) {
        case BOOLEAN -> type.get() == ValueType.BOOLEAN ? null : "must be a condition or a boolean column";
        case TIME -> type.get().isTime() ? null : "must be a date or timestamp";
        case NUMERIC -> type.get() == ValueType.NUMERIC ? null : "must be numeric";
        case CATEGORICAL -> null;
      };
      if (problem != null) {
        problems.add(exprScalar.get().position(), kind.get().key() + " " + what + " " + problem + ", but '"
            + exprScalar.get().text() + "' is " + type.get().describe());
      }
    }
    List<TimeGrain> grains = grains(f, what, kind, type);
    if (registered) {
      table.grains.put(name.get().text(), grains);
    }
    if (registered && kind.isPresent() && expr.isPresent()) {
      table.dimensions.add(new Dimension(name.get().text(), kind.get(), expr.get().expression(), grains,
          f.metadata(), f.position()));
    } else {
      f.metadata();
    }
  }

  private List<TimeGrain> grains(Fields f, String what, Optional<DimensionKind> kind, Optional<ValueType> type) {
    if (kind.isEmpty() || kind.get() != DimensionKind.TIME) {
      if (f.has("grains") && kind.isPresent()) {
        problems.add(f.keyPosition("grains"), "only time dimensions have grains; " + what + " is "
            + kind.get().key());
      }
      return List.of();
    }
    boolean isDate = type.isPresent() && type.get() == ValueType.DATE;
    if (!f.has("grains")) {
      return isDate ? TimeGrain.DATE_GRAINS : TimeGrain.ALL;
    }
    Set<TimeGrain> grains = new TreeSet<>();
    for (YamlNode.Scalar s : f.scalars("grains")) {
      Optional<TimeGrain> g = TimeGrain.fromKey(s.text());
      if (g.isEmpty()) {
        problems.add(s.position(), "unknown grain '" + s.text() + "' of " + what + "; expected one of: "
            + String.join(", ", TimeGrain.ALL.stream().map(TimeGrain::key).toList()));
      } else if (!grains.add(g.get())) {
        problems.add(s.position(), "grain '" + s.text() + "' is listed twice in " + what);
      } else if (isDate && g.get() == TimeGrain.HOUR) {
        problems.add(s.position(), "grain 'hour' does not apply to " + what + ": its values are dates");
      }
    }
    if (grains.isEmpty()) {
      problems.add(f.keyPosition("grains"), "'grains' of " + what + " lists no grain; omit it for all grains");
    }
    return List.copyOf(grains);
  }

  private void measure(TableInfo table, String tableWhat, YamlNode node) {
    String what = label("measure", node) + " of " + tableWhat;
    Optional<Fields> parsed = Fields.of(node, what, MEASURE_KEYS, true, problems);
    if (parsed.isEmpty()) {
      return;
    }
    Fields f = parsed.get();
    Optional<YamlNode.Scalar> name = f.name();
    boolean registered = name.isPresent() && member(table, "measure", name.get());
    Optional<Aggregation> agg = f.choice("agg", keys(Aggregation.values()), true)
        .map(k -> Aggregation.valueOf(k.toUpperCase(Locale.ROOT)));
    // Without a known aggregation the default expression is unknown too: check only what is written.
    Optional<YamlNode.Scalar> exprScalar = f.has("expr") ? f.scalar("expr")
        : agg.isEmpty() || agg.get() == Aggregation.COUNT ? Optional.empty() : name;
    Optional<Parsed> expr = exprScalar.flatMap(s -> Expressions.parse(s, "'expr' of " + what, problems));
    Optional<ValueType> type = expr.flatMap(e -> checkColumns(table, e, "'expr' of " + what));
    if (agg.isPresent() && type.isPresent()) {
      ValueType t = type.get();
      boolean wrong = agg.get().requiresNumeric() ? t != ValueType.NUMERIC
          : (agg.get() == Aggregation.MIN || agg.get() == Aggregation.MAX) && (t == ValueType.BOOLEAN);
      if (wrong) {
        problems.add(exprScalar.get().position(), agg.get().key() + " " + what + " needs "
            + (agg.get().requiresNumeric() ? "a numeric expression" : "numbers, text, dates or times") + ", but '"
            + exprScalar.get().text() + "' is " + t.describe());
      }
    }
    Optional<Parsed> filter = filter(table, f, what);
    if (registered && agg.isPresent() && (expr.isPresent() || !f.has("expr") && agg.get() == Aggregation.COUNT)) {
      table.measures.add(new Measure(name.get().text(), agg.get(), expr.map(Parsed::expression),
          filter.map(Parsed::expression), f.metadata(), f.position()));
    } else {
      f.metadata();
    }
  }

  private Optional<Parsed> filter(TableInfo table, Fields f, String what) {
    Optional<YamlNode.Scalar> scalar = f.scalar("filter");
    Optional<Parsed> filter = scalar.flatMap(s -> Expressions.parse(s, "'filter' of " + what, problems));
    Optional<ValueType> type = filter.flatMap(e -> checkColumns(table, e, "'filter' of " + what));
    if (type.isPresent() && type.get() != ValueType.BOOLEAN) {
      problems.add(scalar.get().position(), "'filter' of " + what + " must be a condition, but '"
          + scalar.get().text() + "' is " + type.get().describe());
    }
    return filter;
  }

  private void segment(TableInfo table, String tableWhat, YamlNode node) {
    String what = label("segment", node) + " of " + tableWhat;
    Optional<Fields> parsed = Fields.of(node, what, SEGMENT_KEYS, true, problems);
    if (parsed.isEmpty()) {
      return;
    }
    Fields f = parsed.get();
    Optional<YamlNode.Scalar> name = f.name();
    boolean registered = name.isPresent() && member(table, "segment", name.get());
    if (!f.has("filter")) {
      problems.add(f.position(), what + " has no 'filter'");
    }
    Optional<Parsed> filter = filter(table, f, what);
    if (registered && filter.isPresent()) {
      table.segments.add(new Segment(name.get().text(), filter.get().expression(), f.metadata(), f.position()));
    } else {
      f.metadata();
    }
  }

  private static List<String> keys(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
  }

  // ---------------------------------------------------------------------------------------------------- relationships

  private void relationship(YamlNode node) {
    String what = label("relationship", node);
    Optional<Fields> parsed = Fields.of(node, what, RELATIONSHIP_KEYS, true, problems);
    if (parsed.isEmpty()) {
      return;
    }
    Fields f = parsed.get();
    Optional<YamlNode.Scalar> name = f.name();
    if (name.isPresent()) {
      SourcePosition first = relationshipNames.putIfAbsent(name.get().text(), name.get().position());
      if (first != null) {
        problems.add(name.get().position(), "duplicate relationship '" + name.get().text() + "' (first declared at "
            + first + ")");
        name = Optional.empty();
      }
    }
    Optional<TableInfo> from = f.required("from").flatMap(s -> tableRef(s, "'from' of " + what));
    Optional<TableInfo> to = f.required("to").flatMap(s -> tableRef(s, "'to' of " + what));
    Optional<RelationshipKind> kind = f.choice("type", keys(RelationshipKind.values()), true)
        .map(k -> RelationshipKind.valueOf(k.toUpperCase(Locale.ROOT)));
    Optional<YamlNode.Scalar> onScalar = f.required("on");
    Metadata metadata = f.metadata();
    if (from.isPresent() && to.isPresent() && from.get() == to.get()) {
      problems.add(f.keyPosition("to"), what + " joins table '" + to.get().name + "' to itself; self-joins are not "
          + "supported");
      return;
    }
    Optional<Parsed> on = onScalar.flatMap(s -> Expressions.parse(s, "'on' of " + what, problems));
    if (on.isEmpty() || from.isEmpty() || to.isEmpty()) {
      return;
    }
    Optional<List<Relationship.Key>> keys = joinKeys(on.get(), from.get(), to.get(), what);
    if (keys.isEmpty() || kind.isEmpty()) {
      return;
    }
    if (kind.get() == RelationshipKind.MANY_TO_ONE) {
      primaryKeyCheck(to.get(), keys.get().stream().map(Relationship.Key::toColumn).toList(), onScalar.get(), what);
    } else if (kind.get() == RelationshipKind.ONE_TO_MANY) {
      primaryKeyCheck(from.get(), keys.get().stream().map(Relationship.Key::fromColumn).toList(), onScalar.get(),
          what);
    }
    if (name.isPresent()) {
      relationships.add(new Relationship(name.get().text(), kind.get(), from.get().name, to.get().name, keys.get(),
          on.get().expression(), metadata, f.position()));
    }
  }

  private Optional<TableInfo> tableRef(YamlNode.Scalar s, String where) {
    TableInfo t = tables.get(s.text());
    if (t == null) {
      problems.add(s.position(), "unknown table '" + s.text() + "' in " + where);
    }
    return Optional.ofNullable(t);
  }

  /** The column pairs of {@code a.x = b.y AND ...}, oriented from {@code from} to {@code to}. */
  private Optional<List<Relationship.Key>> joinKeys(Parsed on, TableInfo from, TableInfo to, String what) {
    List<SqlNode> conjuncts = new ArrayList<>();
    flattenAnd(on.node(), conjuncts);
    List<Relationship.Key> keys = new ArrayList<>();
    boolean ok = true;
    String expected = "; expected an equi-join such as " + from.name + ".<column> = " + to.name + ".<column> [AND ...]";
    for (SqlNode c : conjuncts) {
      SourcePosition at = Expressions.at(on.scalar(), c.getParserPosition());
      if (c.getKind() != SqlKind.EQUALS || !(((SqlCall) c).operand(0) instanceof SqlIdentifier left)
          || !(((SqlCall) c).operand(1) instanceof SqlIdentifier right)) {
        problems.add(at, "'on' of " + what + " must compare columns with '='" + expected);
        ok = false;
        continue;
      }
      Optional<String> fromColumn = Optional.empty();
      Optional<String> toColumn = Optional.empty();
      for (SqlIdentifier id : List.of(left, right)) {
        SourcePosition idAt = Expressions.at(on.scalar(), id.getParserPosition());
        if (id.names.size() != 2) {
          problems.add(idAt, "qualify '" + id + "' in 'on' of " + what + " with its table (" + from.name + " or "
              + to.name + ")");
          ok = false;
          continue;
        }
        String qualifier = id.names.get(0);
        TableInfo side = qualifier.equals(from.name) ? from : qualifier.equals(to.name) ? to : null;
        if (side == null) {
          problems.add(idAt, "'" + id + "' in 'on' of " + what + " names table '" + qualifier + "'; the relationship "
              + "joins " + from.name + " and " + to.name);
          ok = false;
          continue;
        }
        Optional<PhysicalColumn> column = resolveColumn(side, id.names.get(1), idAt, "'on' of " + what);
        if (side.columns != null && column.isEmpty()) {
          ok = false;
          continue;
        }
        String columnName = column.map(PhysicalColumn::name).orElse(id.names.get(1));
        if (side == from) {
          fromColumn = fromColumn.isEmpty() ? Optional.of(columnName) : fromColumn;
        } else {
          toColumn = toColumn.isEmpty() ? Optional.of(columnName) : toColumn;
        }
      }
      if (ok && (fromColumn.isEmpty() || toColumn.isEmpty())) {
        problems.add(at, "each '=' in 'on' of " + what + " must compare a column of " + from.name + " with a column of "
            + to.name);
        ok = false;
      }
      if (ok) {
        keys.add(new Relationship.Key(fromColumn.get(), toColumn.get()));
      }
    }
    return ok ? Optional.of(keys) : Optional.empty();
  }

  private static void flattenAnd(SqlNode node, List<SqlNode> out) {
    if (node.getKind() == SqlKind.AND) {
      for (SqlNode operand : ((SqlCall) node).getOperandList()) {
        flattenAnd(operand, out);
      }
    } else {
      out.add(node);
    }
  }

  /** The one side of a relationship must be joined on its whole primary key, when one is declared. */
  private void primaryKeyCheck(TableInfo one, List<String> columns, YamlNode.Scalar on, String what) {
    if (one.primaryKey.isEmpty()) {
      return;
    }
    if (!new HashSet<>(one.primaryKey).equals(new HashSet<>(columns))) {
      problems.add(on.position(), what + " must join table '" + one.name + "', its one side, on its primary key ("
          + String.join(", ", one.primaryKey) + "), not on (" + String.join(", ", columns) + "); otherwise rows "
          + "would be multiplied");
    }
  }

  /** Any two tables may be joined by at most one path; report each diamond once, naming both paths. */
  private void joinPaths() {
    JoinGraph graph = new JoinGraph(relationships);
    Set<Set<String>> reported = new HashSet<>();
    for (String from : graph.tables()) {
      for (Map.Entry<String, List<List<JoinPath.Step>>> e : graph.pathsFrom(from, 2).entrySet()) {
        List<List<JoinPath.Step>> paths = e.getValue();
        if (paths.size() < 2) {
          continue;
        }
        List<JoinPath.Step> a = paths.get(0);
        List<JoinPath.Step> b = paths.get(1);
        // A longer ambiguity that shares its first or last join with a shorter one is reported through that one.
        if (a.get(0).relationship() == b.get(0).relationship()
            || a.get(a.size() - 1).relationship() == b.get(b.size() - 1).relationship()) {
          continue;
        }
        Set<String> names = new TreeSet<>();
        Stream.concat(a.stream(), b.stream()).forEach(s -> names.add(s.relationship().name()));
        if (!reported.add(names)) {
          continue;
        }
        Relationship last = Stream.concat(a.stream(), b.stream()).map(JoinPath.Step::relationship)
            .max((x, y) -> x.position().compareTo(y.position())).orElseThrow();
        problems.add(last.position(), "tables '" + from + "' and '" + e.getKey() + "' are joined by two paths: "
            + JoinGraph.describe(a) + " and " + JoinGraph.describe(b) + "; remove one relationship so that the "
            + "join is unambiguous");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------- metrics

  private void metricName(YamlNode node) {
    if (!(node instanceof YamlNode.Mapping m) || m.entry("name").isEmpty()
        || !(m.entry("name").get().value() instanceof YamlNode.Scalar s) || !Fields.isName(s.text())) {
      return; // reported with the metric
    }
    SourcePosition first = metricNames.putIfAbsent(s.text(), s.position());
    if (first != null) {
      problems.add(s.position(), "duplicate metric '" + s.text() + "' (first declared at " + first + ")");
      return;
    }
    for (TableInfo t : tables.values()) {
      if ("measure".equals(t.members.get(s.text()))) {
        problems.add(s.position(), "metric '" + s.text() + "' has the name of measure " + t.name + "." + s.text()
            + "; every measure is a metric already, so the names must differ");
      }
    }
  }

  private void metric(YamlNode node) {
    String what = label("metric", node);
    Optional<Fields> parsed = Fields.of(node, what, METRIC_KEYS, true, problems);
    if (parsed.isEmpty()) {
      return;
    }
    Fields f = parsed.get();
    Optional<YamlNode.Scalar> name = f.name();
    Optional<String> type = f.choice("type", List.of("ratio", "derived", "cumulative"), true);
    Metadata metadata = f.metadata();
    if (type.isEmpty()) {
      return;
    }
    List<String> own = switch (type.get()) {
      case "ratio" -> RATIO_KEYS;
      case "derived" -> DERIVED_KEYS;
      default -> CUMULATIVE_KEYS;
    };
    Set<String> others = new LinkedHashSet<>(METRIC_KEYS);
    others.removeAll(own);
    others.removeAll(List.of("name", "type"));
    for (String key : others) {
      if (f.has(key)) {
        problems.add(f.keyPosition(key), "'" + key + "' does not apply to " + type.get() + " " + what + "; a "
            + type.get() + " metric takes: " + String.join(", ", own));
      }
    }
    String metricName = name.map(YamlNode.Scalar::text).orElse("?");
    SourcePosition position = f.position();
    Optional<? extends Metric> metric = switch (type.get()) {
      case "ratio" -> ratio(f, what, metricName, metadata, position);
      case "derived" -> derived(f, what, metricName, metadata, position);
      default -> cumulative(f, what, metricName, metadata, position);
    };
    if (name.isPresent() && metric.isPresent() && metricNames.get(metricName) == name.get().position()) {
      metrics.add(metric.get());
      metricEdges.put(metricName, metric.get().inputs().stream()
          .filter(i -> i instanceof MetricInput.MetricRef).map(i -> ((MetricInput.MetricRef) i).metric()).toList());
    }
  }

  private Optional<RatioMetric> ratio(Fields f, String what, String name, Metadata metadata, SourcePosition at) {
    Optional<MetricInput> numerator = f.required("numerator").flatMap(s -> input(s, what, "numerator"));
    Optional<MetricInput> denominator = f.required("denominator").flatMap(s -> input(s, what, "denominator"));
    if (numerator.isEmpty() || denominator.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RatioMetric(name, numerator.get(), denominator.get(), metadata, at));
  }

  /** A measure ({@code table.measure}) or a metric (by name) written as a ratio's part. */
  private Optional<MetricInput> input(YamlNode.Scalar s, String what, String role) {
    String problem = role.equals("denominator") ? what + " divides by a non-measure: "
        : "numerator of " + what + " is not a measure or metric: ";
    Optional<Parsed> parsed = Expressions.parse(s, "'" + role + "' of " + what, problems);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    if (!(parsed.get().node() instanceof SqlIdentifier id) || id.names.size() > 2 || id.isStar()) {
      problems.add(s.position(), problem + "'" + s.text() + "' (write <table>.<measure> or a metric name)");
      return Optional.empty();
    }
    return reference(id, Expressions.at(s, id.getParserPosition()), problem);
  }

  /** Resolves an identifier to a measure or a metric; reports what it is instead when it is neither. */
  private Optional<MetricInput> reference(SqlIdentifier id, SourcePosition at, String problem) {
    if (id.names.size() == 1) {
      String metric = id.names.get(0);
      if (metricNames.containsKey(metric)) {
        return Optional.of(new MetricInput.MetricRef(metric));
      }
      List<String> measures = tables.values().stream().filter(t -> "measure".equals(t.members.get(metric)))
          .map(t -> t.name + "." + metric).toList();
      problems.add(at, problem + "unknown metric '" + metric + "'"
          + (measures.isEmpty() ? "" : " (for a measure write its table: " + String.join(" or ", measures) + ")"));
      return Optional.empty();
    }
    if (id.names.size() != 2) {
      problems.add(at, problem + "'" + id + "' (write <table>.<measure> or a metric name)");
      return Optional.empty();
    }
    String tableName = id.names.get(0);
    String member = id.names.get(1);
    TableInfo table = tables.get(tableName);
    if (table == null) {
      problems.add(at, problem + "unknown table '" + tableName + "' in '" + id + "'");
      return Optional.empty();
    }
    String kind = table.members.get(member);
    if (kind == null) {
      problems.add(at, problem + "table '" + tableName + "' has no measure '" + member + "'");
      return Optional.empty();
    }
    if (!kind.equals("measure")) {
      problems.add(at, problem + tableName + "." + member + " is a " + kind);
      return Optional.empty();
    }
    return Optional.of(new MetricInput.MeasureRef(tableName, member));
  }

  private Optional<DerivedMetric> derived(Fields f, String what, String name, Metadata metadata, SourcePosition at) {
    Optional<YamlNode.Scalar> scalar = f.required("expr");
    Optional<Parsed> parsed = scalar.flatMap(s -> Expressions.parse(s, "'expr' of " + what, problems));
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    Optional<SqlNode> sub = Expressions.subQuery(parsed.get().node());
    if (sub.isPresent()) {
      problems.add(Expressions.at(scalar.get(), sub.get().getParserPosition()),
          "sub-queries are not allowed in 'expr' of " + what);
      return Optional.empty();
    }
    Set<MetricInput> inputs = new LinkedHashSet<>();
    boolean ok = true;
    for (SqlIdentifier id : Expressions.identifiers(parsed.get().node())) {
      Optional<MetricInput> input = reference(id, Expressions.at(scalar.get(), id.getParserPosition()),
          "'expr' of " + what + " may use only measures and metrics: ");
      input.ifPresent(inputs::add);
      ok &= input.isPresent();
    }
    if (ok && inputs.isEmpty()) {
      problems.add(scalar.get().position(), "'expr' of " + what + " uses no measure or metric");
      return Optional.empty();
    }
    return ok ? Optional.of(new DerivedMetric(name, parsed.get().expression(), List.copyOf(inputs), metadata, at))
        : Optional.empty();
  }

  private Optional<CumulativeMetric> cumulative(Fields f, String what, String name, Metadata metadata,
      SourcePosition at) {
    Optional<MetricInput.MeasureRef> measure = f.required("measure").flatMap(s -> {
      Optional<Parsed> p = Expressions.parse(s, "'measure' of " + what, problems);
      if (p.isEmpty()) {
        return Optional.empty();
      }
      if (!(p.get().node() instanceof SqlIdentifier id) || id.names.size() != 2) {
        problems.add(s.position(), what + " accumulates '" + s.text() + "', which is not a measure (write "
            + "<table>.<measure>)");
        return Optional.empty();
      }
      return reference(id, s.position(), what + " needs a measure: ").map(r -> (MetricInput.MeasureRef) r);
    });
    Optional<YamlNode.Scalar> time = f.required("time");
    Optional<List<TimeGrain>> timeGrains = Optional.empty();
    String timeTable = null;
    String timeDimension = null;
    if (time.isPresent()) {
      String[] parts = time.get().text().split("\\.", -1);
      TableInfo table = parts.length == 2 ? tables.get(parts[0]) : null;
      if (parts.length != 2) {
        problems.add(time.get().position(), "'time' of " + what + " must be <table>.<time dimension>, got '"
            + time.get().text() + "'");
      } else if (table == null) {
        problems.add(time.get().position(), "unknown table '" + parts[0] + "' in 'time' of " + what);
      } else if (!"dimension".equals(table.members.get(parts[1]))) {
        String kind = table.members.get(parts[1]);
        problems.add(time.get().position(), what + " needs a time dimension, but " + time.get().text() + " is "
            + (kind == null ? "not declared" : "a " + kind));
      } else {
        Optional<DimensionKind> kind = table.dimensionKinds.getOrDefault(parts[1], Optional.empty());
        if (kind.isPresent() && kind.get() != DimensionKind.TIME) {
          problems.add(time.get().position(), what + " needs a time dimension, but " + time.get().text() + " is "
              + kind.get().key());
        } else if (kind.isPresent()) {
          timeTable = parts[0];
          timeDimension = parts[1];
          timeGrains = Optional.ofNullable(table.grains.get(parts[1]));
        }
      }
    }
    TimeGrain grain = TimeGrain.DAY;
    Optional<YamlNode.Scalar> grainScalar = f.scalar("grain");
    if (grainScalar.isPresent()) {
      Optional<TimeGrain> g = TimeGrain.fromKey(grainScalar.get().text());
      if (g.isEmpty()) {
        problems.add(grainScalar.get().position(), "unknown grain '" + grainScalar.get().text() + "' of " + what
            + "; expected one of: " + String.join(", ", TimeGrain.ALL.stream().map(TimeGrain::key).toList()));
        return Optional.empty();
      }
      grain = g.get();
    }
    if (timeGrains.isPresent() && !timeGrains.get().contains(grain)) {
      problems.add(grainScalar.map(YamlNode.Scalar::position).orElse(f.position()), "grain '" + grain.key() + "' of "
          + what + " is not a grain of " + time.get().text() + " ("
          + String.join(", ", timeGrains.get().stream().map(TimeGrain::key).toList()) + ")");
    }
    Optional<CumulativeMetric.TrailingWindow> window = Optional.empty();
    Optional<YamlNode.Scalar> windowScalar = f.scalar("window");
    if (windowScalar.isPresent() && !windowScalar.get().text().strip().equalsIgnoreCase("unbounded")) {
      Matcher m = WINDOW.matcher(windowScalar.get().text().strip().toLowerCase(Locale.ROOT));
      Optional<TimeGrain> unit = m.matches() ? TimeGrain.fromKey(m.group(2)) : Optional.empty();
      if (unit.isEmpty() || Integer.parseInt(m.group(1)) < 1) {
        problems.add(windowScalar.get().position(), "'window' of " + what + " must be 'unbounded' or a trailing "
            + "window such as '7 days' (hours, days, weeks, months, quarters, years), got '"
            + windowScalar.get().text() + "'");
        return Optional.empty();
      }
      if (unit.get() != grain) {
        problems.add(windowScalar.get().position(), "'window' of " + what + " is counted in " + unit.get().key()
            + "s but its grain is " + grain.key() + "; make them the same");
        return Optional.empty();
      }
      window = Optional.of(new CumulativeMetric.TrailingWindow(Integer.parseInt(m.group(1)), unit.get()));
    }
    if (measure.isEmpty() || timeTable == null) {
      return Optional.empty();
    }
    if (!timeTable.equals(measure.get().table())) {
      List<List<JoinPath.Step>> paths = new JoinGraph(relationships).pathsFrom(measure.get().table(), 2)
          .getOrDefault(timeTable, List.of());
      if (paths.isEmpty()) {
        problems.add(time.get().position(), "time dimension " + time.get().text() + " of " + what
            + " cannot be joined to table '" + measure.get().table() + "' of its measure");
        return Optional.empty();
      }
    }
    return Optional.of(new CumulativeMetric(name, measure.get(), timeTable, timeDimension, window, grain, metadata,
        at));
  }

  /** Metrics that use themselves through other metrics; each cycle is reported once, at its first metric. */
  private void cycles() {
    Set<Set<String>> reported = new HashSet<>();
    for (String start : metricEdges.keySet()) {
      List<String> path = new ArrayList<>();
      path.add(start);
      findCycles(start, start, path, reported);
    }
  }

  private void findCycles(String start, String at, List<String> path, Set<Set<String>> reported) {
    for (String next : metricEdges.getOrDefault(at, List.of())) {
      if (next.equals(start)) {
        Set<String> members = new HashSet<>(path);
        if (reported.add(members)) {
          List<String> cycle = new ArrayList<>(path);
          cycle.add(start);
          SourcePosition first = path.stream().map(metricNames::get).min(SourcePosition::compareTo).orElseThrow();
          problems.add(first, "metrics form a cycle: " + String.join(" -> ", rotate(cycle)));
        }
      } else if (!path.contains(next) && metricEdges.containsKey(next)) {
        path.add(next);
        findCycles(start, next, path, reported);
        path.remove(path.size() - 1);
      }
    }
  }

  /** The cycle written from its first-declared metric. */
  private List<String> rotate(List<String> cycle) {
    List<String> members = cycle.subList(0, cycle.size() - 1);
    String first = members.stream().min((a, b) -> metricNames.get(a).compareTo(metricNames.get(b))).orElseThrow();
    int i = members.indexOf(first);
    List<String> out = new ArrayList<>(members.subList(i, members.size()));
    out.addAll(members.subList(0, i));
    out.add(first);
    return out;
  }

  // ---------------------------------------------------------------------------------------------------- rollups

  private void rollup(YamlNode node) {
    String what = label("rollup", node);
    Optional<Fields> parsed = Fields.of(node, what, ROLLUP_KEYS, true, problems);
    if (parsed.isEmpty()) {
      return;
    }
    Fields f = parsed.get();
    Optional<YamlNode.Scalar> name = f.name();
    if (name.isPresent()) {
      SourcePosition first = rollupNames.putIfAbsent(name.get().text(), name.get().position());
      if (first != null) {
        problems.add(name.get().position(), "duplicate rollup '" + name.get().text() + "' (first declared at "
            + first + ")");
        name = Optional.empty();
      }
    }
    Metadata metadata = f.metadata();
    Optional<YamlNode.Scalar> tableName = f.required("table");
    TableInfo table = tableName.map(t -> tables.get(t.text())).orElse(null);
    if (tableName.isPresent() && table == null) {
      problems.add(tableName.get().position(), "unknown table '" + tableName.get().text() + "' in 'table' of " + what);
    }
    boolean ok = name.isPresent() && table != null;
    List<Rollup.DimensionRef> dimensions = new ArrayList<>();
    Set<Rollup.DimensionRef> seen = new HashSet<>();
    for (YamlNode.Scalar d : f.scalars("dimensions")) {
      Optional<Rollup.DimensionRef> ref = table == null ? Optional.empty() : rollupDimension(table, d, what);
      if (ref.isEmpty()) {
        ok = false;
      } else if (!seen.add(ref.get())) {
        problems.add(d.position(), "dimension " + ref.get() + " is listed twice in " + what);
        ok = false;
      } else {
        dimensions.add(ref.get());
      }
    }
    Optional<Rollup.DimensionRef> time = Optional.empty();
    Optional<TimeGrain> grain = Optional.empty();
    if (f.has("time")) {
      Optional<YamlNode.Scalar> t = f.scalar("time");
      time = t.isEmpty() || table == null ? Optional.empty() : rollupDimension(table, t.get(), what);
      if (time.isPresent()) {
        TableInfo owner = tables.get(time.get().table());
        Optional<DimensionKind> kind = owner.dimensionKinds.getOrDefault(time.get().dimension(), Optional.empty());
        if (kind.isPresent() && kind.get() != DimensionKind.TIME) {
          problems.add(t.get().position(), "'time' of " + what + " must be a time dimension, but " + time.get()
              + " is " + kind.get().key());
          time = Optional.empty();
        } else if (seen.contains(time.get())) {
          problems.add(t.get().position(), "time dimension " + time.get() + " of " + what
              + " is also in 'dimensions'; list it once, in 'time'");
          time = Optional.empty();
        }
      }
      Optional<YamlNode.Scalar> g = f.required("grain");
      if (g.isPresent()) {
        grain = TimeGrain.fromKey(g.get().text());
        if (grain.isEmpty()) {
          problems.add(g.get().position(), "unknown grain '" + g.get().text() + "' of " + what + "; expected one of: "
              + String.join(", ", TimeGrain.ALL.stream().map(TimeGrain::key).toList()));
        } else if (time.isPresent()) {
          List<TimeGrain> allowed = tables.get(time.get().table()).grains.getOrDefault(time.get().dimension(),
              List.of());
          if (!allowed.contains(grain.get())) {
            problems.add(g.get().position(), "grain '" + grain.get().key() + "' of " + what + " is not a grain of "
                + time.get() + "; its grains: " + String.join(", ", allowed.stream().map(TimeGrain::key).toList()));
            grain = Optional.empty();
          }
        }
      }
      ok &= time.isPresent() && grain.isPresent();
    } else if (f.has("grain")) {
      problems.add(f.keyPosition("grain"), "'grain' of " + what + " needs 'time' (the time dimension it applies to)");
      ok = false;
    }
    List<String> measures = new ArrayList<>();
    List<YamlNode.Scalar> measureNames = f.scalars("measures");
    if (measureNames.isEmpty()) {
      problems.add(f.keyPosition("measures"), what + " has no 'measures'");
      ok = false;
    }
    for (YamlNode.Scalar m : measureNames) {
      if (table == null) {
        continue;
      }
      String n = m.text().startsWith(table.name + ".") ? m.text().substring(table.name.length() + 1) : m.text();
      if (!"measure".equals(table.members.get(n))) {
        problems.add(m.position(), "unknown measure '" + m.text() + "' in 'measures' of " + what + "; a rollup holds "
            + "measures of its table '" + table.name + "': " + table.measures.stream().map(Measure::name)
            .collect(Collectors.joining(", ")));
        ok = false;
      } else if (measures.contains(n)) {
        problems.add(m.position(), "measure '" + n + "' is listed twice in " + what);
        ok = false;
      } else {
        measures.add(n);
      }
    }
    Rollup.Refresh refresh = Rollup.Refresh.DEFAULT;
    Optional<YamlNode.Entry> refreshEntry = node instanceof YamlNode.Mapping map ? map.entry("refresh")
        : Optional.empty();
    if (refreshEntry.isPresent()) {
      Optional<Rollup.Refresh> r = refresh(refreshEntry.get().value(), "'refresh' of " + what, time.isPresent()
          || f.has("time"));
      if (r.isEmpty()) {
        ok = false;
      } else {
        refresh = r.get();
      }
    }
    if (ok) {
      rollups.add(new Rollup(name.get().text(), table.name, dimensions, time, grain, measures, refresh, metadata,
          f.position()));
    }
  }

  /** {@code dim} (of the rollup's table) or {@code table.dim} of a table it reaches without fan-out. */
  private Optional<Rollup.DimensionRef> rollupDimension(TableInfo table, YamlNode.Scalar ref, String what) {
    String text = ref.text();
    String owner = table.name;
    String dimension = text;
    int dot = text.indexOf('.');
    if (dot >= 0) {
      owner = text.substring(0, dot);
      dimension = text.substring(dot + 1);
    }
    TableInfo other = tables.get(owner);
    if (other == null) {
      problems.add(ref.position(), "unknown table '" + owner + "' in dimension '" + text + "' of " + what);
      return Optional.empty();
    }
    if (!"dimension".equals(other.members.get(dimension))) {
      problems.add(ref.position(), "unknown dimension '" + text + "' in " + what + "; dimensions of table '" + owner
          + "': " + String.join(", ", other.dimensions.stream().map(Dimension::name).toList()));
      return Optional.empty();
    }
    if (!owner.equals(table.name)) {
      List<List<JoinPath.Step>> paths = new JoinGraph(relationships).pathsFrom(table.name, 2)
          .getOrDefault(owner, List.of());
      if (paths.size() != 1) {
        problems.add(ref.position(), "dimension '" + text + "' of " + what + " is not reachable from table '"
            + table.name + "' along many-to-one or one-to-one relationships, so its measures cannot be grouped by it");
        return Optional.empty();
      }
    }
    return Optional.of(new Rollup.DimensionRef(owner, dimension));
  }

  private Optional<Rollup.Refresh> refresh(YamlNode node, String what, boolean hasTime) {
    Optional<Fields> parsed = Fields.of(node, what, REFRESH_KEYS, false, problems);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    Fields f = parsed.get();
    List<String> policies = Arrays.stream(Rollup.Policy.values()).map(Rollup.Policy::key).toList();
    Optional<Rollup.Policy> policy = f.has("policy")
        ? f.choice("policy", policies, false).map(p -> Rollup.Policy.valueOf(p.toUpperCase(Locale.ROOT)))
        : Optional.of(Rollup.Refresh.DEFAULT.policy());
    if (policy.isEmpty()) {
      return Optional.empty();
    }
    if (policy.get() == Rollup.Policy.INCREMENTAL && !hasTime) {
      problems.add(f.keyPosition("policy"), "policy 'incremental' of " + what + " needs the rollup's 'time' "
          + "dimension: it rebuilds time partitions");
      return Optional.empty();
    }
    if (policy.get() == Rollup.Policy.SCHEDULE && !f.has("every")) {
      problems.add(f.position(), "policy 'schedule' of " + what + " needs 'every' (30m, 1h, 1d, ...)");
      return Optional.empty();
    }
    java.time.Duration every = Rollup.Refresh.DEFAULT.every();
    Optional<YamlNode.Scalar> e = f.scalar("every");
    if (e.isPresent()) {
      Matcher m = DURATION.matcher(e.get().text().strip().toLowerCase(Locale.ROOT));
      long n = m.matches() ? Long.parseLong(m.group(1)) : 0;
      if (n == 0) {
        problems.add(e.get().position(), "'every' of " + what + " must be a positive duration such as 30s, 15m, 1h "
            + "or 1d, got '" + e.get().text() + "'");
        return Optional.empty();
      }
      every = switch (m.group(2)) {
        case "s" -> java.time.Duration.ofSeconds(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        case "h" -> java.time.Duration.ofHours(n);
        default -> java.time.Duration.ofDays(n);
      };
    }
    return Optional.of(new Rollup.Refresh(policy.get(), every));
  }
}
