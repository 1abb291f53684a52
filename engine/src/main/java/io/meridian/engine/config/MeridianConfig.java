package io.meridian.engine.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole of one {@code meridian.yaml}: sources, server, planner limits and the semantic model folder.
 * Immutable; read it with {@link ConfigLoader}.
 *
 * @param file the file it was read from (relative paths inside resolve against its folder)
 * @param sources the sources, in file order
 * @param server the Avatica server settings
 * @param planner planning and execution limits
 * @param cache the result cache
 * @param modelPath the folder of semantic model files, if any
 * @param defaultSchema the schema unqualified table names resolve in (default: the first source)
 * @param rollups where the model's rollups are kept
 */
public record MeridianConfig(Path file, List<SourceConfig> sources, ServerConfig server, PlannerConfig planner,
    CacheConfig cache, Optional<Path> modelPath, String defaultSchema, RollupsConfig rollups) {

  /** A configuration with the default rollup settings. */
  public MeridianConfig(Path file, List<SourceConfig> sources, ServerConfig server, PlannerConfig planner,
      CacheConfig cache, Optional<Path> modelPath, String defaultSchema) {
    this(file, sources, server, planner, cache, modelPath, defaultSchema, RollupsConfig.DEFAULT);
  }

  public MeridianConfig {
    requireNonNull(file, "file is null");
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    requireNonNull(server, "server is null");
    requireNonNull(planner, "planner is null");
    requireNonNull(cache, "cache is null");
    requireNonNull(modelPath, "modelPath is null");
    requireNonNull(rollups, "rollups is null");
    Set<String> names = new HashSet<>();
    for (SourceConfig s : sources) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("duplicate source name '" + s.name() + "'");
      }
    }
  }

  /** The same configuration served with other server settings. */
  public MeridianConfig withServer(ServerConfig other) {
    return new MeridianConfig(file, sources, other, planner, cache, modelPath, defaultSchema, rollups);
  }

  public Optional<SourceConfig> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
