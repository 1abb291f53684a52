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
 * @param modelPath the folder of semantic model files, if any
 * @param defaultSchema the schema unqualified table names resolve in (default: the first source)
 * @param rollups where the model's rollups are kept
 */
public record MeridianConfig(Path file, List<SourceConfig> sources, ServerConfig server, PlannerConfig planner,
    Optional<Path> modelPath, String defaultSchema, RollupsConfig rollups) {

  /** A configuration with the default rollup settings. */
  public MeridianConfig(Path file, List<SourceConfig> sources, ServerConfig server, PlannerConfig planner,
      Optional<Path> modelPath, String defaultSchema) {
    this(file, sources, server, planner, modelPath, defaultSchema, RollupsConfig.DEFAULT);
  }

  public MeridianConfig {
    requireNonNull(file, "file is null");
    sources = List.copyOf(requireNonNull(sources, "sources is null"));
    requireNonNull(server, "server is null");
    requireNonNull(planner, "planner is null");
    requireNonNull(modelPath, "modelPath is null");
    requireNonNull(rollups, "rollups is null");
    Set<String> names = new HashSet<>();
    for (SourceConfig s : sources) {
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("duplicate source name '" + s.name() + "'");
      }
    }
  }

  public Optional<SourceConfig> source(String name) {
    return sources.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
