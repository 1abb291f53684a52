package io.meridian.spi;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who is asking: the authenticated user and their roles. It is part of every plan and cache key, because access
 * policies (row filters, column masks) make the answer depend on it.
 */
public record Identity(String user, Set<String> roles) {
  /** The identity of an embedded connection that gave no user. */
  public static final Identity ANONYMOUS = new Identity("anonymous", Set.of());

  public Identity {
    requireNonNull(user, "user is null");
    roles = Set.copyOf(requireNonNull(roles, "roles is null"));
    if (user.isBlank()) {
      throw new IllegalArgumentException("user is blank");
    }
  }

  public static Identity of(String user) {
    return new Identity(user, Set.of());
  }
}
