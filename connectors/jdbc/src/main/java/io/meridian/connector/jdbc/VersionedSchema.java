package io.meridian.connector.jdbc;

import java.util.Optional;
import java.util.Set;

/**
 * A source schema that can tell the version of its tables' data itself (the lake: Iceberg snapshot ids), so the JDBC
 * connector over it needs no version query.
 */
public interface VersionedSchema {
  /**
   * A token that changes whenever the data of any of {@code tables} changes, or empty when one of them cannot tell
   * (the answer is then never reused).
   */
  Optional<String> version(Set<String> tables);
}
