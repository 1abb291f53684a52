package io.meridian.engine.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code meridian.yaml}. Values may name environment variables as {@code ${NAME}} or {@code ${NAME:-default}}
 * (so secrets stay out of the file). Every error names the file, the line and column, and what was expected.
 */
public final class ConfigLoader {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Function<String, String> environment;

  public ConfigLoader() {
    this(System::getenv);
  }

  /** With an explicit environment, for tests. */
  public ConfigLoader(Function<String, String> environment) {
    this.environment = environment;
  }

  /** The raw shape of the file; defaults and checks live in the typed records it maps to. */
  record ConfigFile(List<SourceConfig> sources, ServerConfig server, PlannerConfig planner, CacheConfig cache,
      ModelSection model, String defaultSchema, RollupsConfig rollups) {}

  /** {@code model:} section. */
  record ModelSection(String path) {}

  public MeridianConfig load(Path file) {
    Path absolute = file.toAbsolutePath().normalize();
    String text;
    try {
      text = Files.readString(absolute, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(absolute, 0, 0, "file not found", e);
    } catch (IOException e) {
      throw new ConfigException(absolute, 0, 0, "cannot read: " + e.getMessage(), e);
    }
    return parse(absolute, text);
  }

  public MeridianConfig parse(Path file, String text) {
    String resolved = substitute(file, text);
    ConfigFile raw;
    try {
      raw = mapper().readValue(resolved, ConfigFile.class);
    } catch (JsonProcessingException e) {
      throw translate(file, resolved, e);
    }
    if (raw == null) {
      throw new ConfigException(file, 0, 0, "file is empty; expected 'sources:' with at least one source", null);
    }
    List<SourceConfig> sources = raw.sources() == null ? List.of() : raw.sources();
    if (sources.isEmpty()) {
      throw new ConfigException(file, 0, 0, "expected 'sources:' with at least one source", null);
    }
    String defaultSchema = raw.defaultSchema() != null ? raw.defaultSchema() : sources.get(0).name();
    try {
      Optional<Path> model = raw.model() == null || raw.model().path() == null
          ? Optional.empty()
          : Optional.of(file.getParent().resolve(raw.model().path()).normalize());
      MeridianConfig config = new MeridianConfig(file, sources,
          raw.server() == null ? ServerConfig.DEFAULT : raw.server(),
          raw.planner() == null ? PlannerConfig.DEFAULT : raw.planner(),
          raw.cache() == null ? CacheConfig.DEFAULT : raw.cache(),
          model, defaultSchema, raw.rollups() == null ? RollupsConfig.DEFAULT : raw.rollups());
      if (config.source(defaultSchema).isEmpty()) {
        throw new IllegalArgumentException("default-schema '" + defaultSchema + "' is not a source name");
      }
      return config;
    } catch (IllegalArgumentException e) {
      int line = lineOf(text, e.getMessage());
      throw new ConfigException(file, line, 0, e.getMessage(), e);
    }
  }

  private String substitute(Path file, String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = environment.apply(m.group(1));
      if (value == null) {
        value = m.group(2);
      }
      if (value == null) {
        int[] pos = position(text, m.start());
        throw new ConfigException(file, pos[0], pos[1],
            "environment variable " + m.group(1) + " is not set (write ${" + m.group(1) + ":-default} for a default)",
            null);
      }
      if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
        int[] pos = position(text, m.start());
        throw new ConfigException(file, pos[0], pos[1], "environment variable " + m.group(1) + " holds a line break",
            null);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static ConfigException translate(Path file, String text, JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    int line = loc == null ? 0 : loc.getLineNr();
    int column = loc == null ? 0 : loc.getColumnNr();
    String path = "";
    String pointer = "";
    String message;
    if (e instanceof JsonMappingException jme) {
      path = jme.getPath().stream()
          .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
          .collect(Collectors.joining(".")).replace(".[", "[");
      pointer = jme.getPath().stream()
          .map(r -> "/" + (r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex())))
          .collect(Collectors.joining());
    }
    if (e instanceof UnrecognizedPropertyException u) {
      pointer = pointer.endsWith("/" + u.getPropertyName())
          ? pointer : pointer + "/" + u.getPropertyName();
      message = "unknown key '" + u.getPropertyName() + "'; expected one of: " + u.getKnownPropertyIds().stream()
          .map(String::valueOf).sorted().collect(Collectors.joining(", "));
    } else if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      message = "unknown value '" + f.getValue() + "'; expected one of: " + java.util.Arrays
          .stream(f.getTargetType().getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    } else {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      message = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
    }
    // Jackson reports where the parser stood when it noticed, often the end of the object; point at the key instead.
    Map<String, int[]> keys = keyLocations(text);
    String key = message == null ? null : message.split(" ", 2)[0];
    int[] at = keys.get(pointer + "/" + key);
    if (at == null) {
      at = keys.get(pointer);
    }
    if (at != null) {
      line = at[0];
      column = at[1];
    }
    return new ConfigException(file, line, column, (path.isEmpty() ? "" : path + ": ") + message, e);
  }

  /** The line and column of every key, by JSON pointer ({@code /sources/0/pool/max-size}). */
  private static Map<String, int[]> keyLocations(String text) {
    Map<String, int[]> keys = new HashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      JsonToken token;
      while ((token = p.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME || token == JsonToken.START_OBJECT) {
          JsonLocation l = p.currentTokenLocation();
          String ptr = token == JsonToken.FIELD_NAME
              ? p.getParsingContext().pathAsPointer().toString()
              : p.getParsingContext().getParent() == null ? "" : p.getParsingContext().getParent().pathAsPointer().toString();
          keys.putIfAbsent(ptr, new int[] {l.getLineNr(), l.getColumnNr()});
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // The text does not parse this far; the parser's own location stands.
    }
    return keys;
  }

  /** Best effort: the first line mentioning a quoted name in the message, for checks that span several keys. */
  private static int lineOf(String text, String message) {
    Matcher q = Pattern.compile("'([^']+)'").matcher(message == null ? "" : message);
    if (q.find()) {
      String[] lines = text.split("\n", -1);
      int last = 0;
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].contains(q.group(1))) {
          last = i + 1;
        }
      }
      return last;
    }
    return 0;
  }

  private static int[] position(String text, int offset) {
    int line = 1;
    int col = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new int[] {line, col};
  }

  static ObjectMapper mapper() {
    SimpleModule durations = new SimpleModule();
    durations.addDeserializer(Duration.class, new JsonDeserializer<>() {
      @Override
      public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        try {
          return Durations.parse(p.getValueAsString());
        } catch (IllegalArgumentException e) {
          throw JsonMappingException.from(p, e.getMessage(), e);
        }
      }
    });
    return YAMLMapper.builder(new YAMLFactory())
        .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
        .addModule(durations)
        .build();
  }

}
