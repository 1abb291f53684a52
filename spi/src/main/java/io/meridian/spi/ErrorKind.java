package io.meridian.spi;

/** Who is at fault for an error: the caller, an external source, or Meridian itself. */
public enum ErrorKind {
  /** The request is wrong (bad SQL, unknown table, bad configuration); retrying the same request will not help. */
  USER,
  /** A source failed or could not be reached; a retry may help. */
  EXTERNAL,
  /** A fault in Meridian. */
  INTERNAL
}
