package io.meridian.server.cli;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed arguments of one subcommand: at most one positional argument, options written {@code --name value} or
 * {@code --name=value} in any order, and {@code --help}.
 *
 * @param positional the positional argument, if any
 * @param options option values by name (without the leading dashes)
 * @param help whether {@code --help} (or {@code -h}) was given
 */
record Arguments(Optional<String> positional, Map<String, String> options, boolean help) {

  Arguments {
    requireNonNull(positional, "positional is null");
    options = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(options, "options is null")));
  }

  /**
   * Parses {@code args}; {@code optionNames} are the options the command takes, each with a value.
   *
   * @throws UsageException on an unknown or repeated option, a missing value, or an unexpected positional argument
   */
  static Arguments parse(List<String> args, Set<String> optionNames, boolean takesPositional) throws UsageException {
    String positional = null;
    Map<String, String> options = new LinkedHashMap<>();
    boolean help = false;
    boolean onlyPositional = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!onlyPositional && (arg.equals("--help") || arg.equals("-h"))) {
        help = true;
      } else if (!onlyPositional && arg.equals("--")) {
        onlyPositional = true;
      } else if (!onlyPositional && arg.startsWith("--")) {
        int eq = arg.indexOf('=');
        String name = arg.substring(2, eq < 0 ? arg.length() : eq);
        if (!optionNames.contains(name)) {
          throw new UsageException("unknown option --" + name);
        }
        String value;
        if (eq >= 0) {
          value = arg.substring(eq + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new UsageException("option --" + name + " needs a value");
        }
        if (options.putIfAbsent(name, value) != null) {
          throw new UsageException("option --" + name + " given twice");
        }
      } else if (takesPositional && positional == null) {
        positional = arg;
      } else {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
    }
    return new Arguments(Optional.ofNullable(positional), options, help);
  }

  Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /** An integer option between {@code min} and {@code max}, or {@code defaultValue} when absent. */
  int intOption(String name, int defaultValue, int min, int max) throws UsageException {
    String text = options.get(name);
    if (text == null) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("option --" + name + " expects a number, got '" + text + "'");
    }
    if (value < min || value > max) {
      throw new UsageException("option --" + name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }
}
