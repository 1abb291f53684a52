package io.meridian.engine;

import io.meridian.engine.config.Durations;
import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.sql.SqlExplain;
import org.apache.calcite.sql.SqlHint;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * A statement's own freshness contract, written as a hint on its outermost {@code SELECT}:
 * {@code SELECT /*+ cache(max_staleness='5m') *}{@code / ...} or {@code /*+ cache(mode='off') *}{@code /}. It
 * overrides the connection's {@code maxStaleness} and {@code cacheMode} for that statement; since it is part of the
 * SQL text it works through every client, remote ones included.
 *
 * @param mode the statement's cache mode, if given
 * @param maxStaleness the statement's staleness bound, if given
 */
record CacheHint(Optional<CacheMode> mode, Optional<Duration> maxStaleness) {
  static final CacheHint NONE = new CacheHint(Optional.empty(), Optional.empty());

  /** Reads, and removes, the {@code cache} hint of the statement's outermost SELECT (Calcite has no use for it). */
  static CacheHint take(SqlNode statement) {
    SqlNode node = statement;
    if (node instanceof SqlExplain explain) {
      node = explain.getExplicandum();
    }
    if (node instanceof SqlOrderBy orderBy) {
      node = orderBy.query;
    }
    if (!(node instanceof SqlSelect select) || select.getHints() == null) {
      return NONE;
    }
    CacheHint result = NONE;
    SqlNodeList kept = new SqlNodeList(select.getHints().getParserPosition());
    for (SqlNode h : select.getHints()) {
      if (h instanceof SqlHint hint && hint.getName().equalsIgnoreCase("cache")) {
        result = parse(hint);
      } else {
        kept.add(h);
      }
    }
    select.setHints(kept);
    return result;
  }

  private static CacheHint parse(SqlHint hint) {
    Map<String, String> options;
    try {
      options = hint.getOptionKVPairs();
    } catch (RuntimeException e) {
      throw error(hint.getParserPosition(), "write the cache hint's options as key='value'");
    }
    if (options.isEmpty()) {
      throw error(hint.getParserPosition(), "the cache hint needs max_staleness='...' or mode='on|off|only'");
    }
    Optional<CacheMode> mode = Optional.empty();
    Optional<Duration> maxStaleness = Optional.empty();
    for (Map.Entry<String, String> e : options.entrySet()) {
      try {
        switch (e.getKey().toLowerCase(Locale.ROOT)) {
          case "mode" -> mode = Optional.of(CacheMode.parse(e.getValue()));
          case "max_staleness" -> maxStaleness = Optional.of(Durations.parse(e.getValue()));
          default -> throw new IllegalArgumentException("unknown option '" + e.getKey()
              + "'; expected max_staleness or mode");
        }
      } catch (IllegalArgumentException bad) {
        throw error(hint.getParserPosition(), "cache hint: " + bad.getMessage());
      }
    }
    return new CacheHint(mode, maxStaleness);
  }

  private static MeridianException error(SqlParserPos pos, String message) {
    return new MeridianException(ErrorCode.VALIDATION_ERROR, "At line " + pos.getLineNum() + ", column "
        + pos.getColumnNum() + ": " + message);
  }
}
