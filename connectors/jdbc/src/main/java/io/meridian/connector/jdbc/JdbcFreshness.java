package io.meridian.connector.jdbc;

import java.time.Duration;

/**
 * How a JDBC source tells whether its data changed, for the result cache. A warehouse has no portable data version, so
 * the operator chooses: a version query (run on every cacheable execution, so it must be cheap; any change to the
 * data the cache may hold must change its result, e.g. {@code SELECT max(updated_at) FROM orders}), or a time-to-live
 * (answers are reused up to that age, whatever happens at the source). With neither, the version is unknown and no
 * answer read from the source is ever reused: the safe default.
 *
 * <p>A version query may name the table it versions as {@code {table}} (replaced by the table's name, quoted as a
 * string literal's content), e.g. {@code SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables WHERE
 * relname = '{table}'}: it then runs once per table a query reads, so a write to one table does not invalidate answers
 * read from others.
 *
 * @param versionQuery a query whose first row, as text, is the version; or null
 * @param ttl the longest time an answer may be reused; or null
 */
public record JdbcFreshness(String versionQuery, Duration ttl) {
  /** Where a version query names the table it versions. */
  public static final String TABLE_PLACEHOLDER = "{table}";

  /** No version: nothing read from the source is cached. */
  public static final JdbcFreshness NONE = new JdbcFreshness(null, null);

  public JdbcFreshness {
    if (versionQuery != null && ttl != null) {
      throw new IllegalArgumentException("give version-query or ttl, not both: a version query already tells "
          + "when the data changed");
    }
    if (versionQuery != null && versionQuery.isBlank()) {
      throw new IllegalArgumentException("version-query is blank");
    }
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("ttl must be positive, got " + ttl);
    }
  }
}
