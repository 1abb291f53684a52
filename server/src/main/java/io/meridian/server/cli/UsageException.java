package io.meridian.server.cli;

/** The command line is wrong (unknown option, missing value, missing argument); the tool exits with code 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
