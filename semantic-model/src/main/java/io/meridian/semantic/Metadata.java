package io.meridian.semantic;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The governance facts of a model element: what it means, who owns it, how it is tagged and whether it is certified.
 *
 * @param description what the element means, in words for its users
 * @param owner who answers for it (a team or an address)
 * @param tags free-form labels, in file order
 * @param certified whether the owner vouches for it (default false)
 */
public record Metadata(Optional<String> description, Optional<String> owner, List<String> tags, boolean certified) {
  /** No description, owner or tags; not certified. */
  public static final Metadata EMPTY = new Metadata(Optional.empty(), Optional.empty(), List.of(), false);

  public Metadata {
    requireNonNull(description, "description is null");
    requireNonNull(owner, "owner is null");
    tags = List.copyOf(requireNonNull(tags, "tags is null"));
  }
}
