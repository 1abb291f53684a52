package io.meridian.engine.config;

import io.meridian.spi.ErrorCode;
import io.meridian.spi.MeridianException;
import java.nio.file.Path;

/** A configuration file is wrong; the message names the file, the line and column, and what was expected. */
public final class ConfigException extends MeridianException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final int line;
  private final int column;

  public ConfigException(Path file, int line, int column, String message, Throwable cause) {
    super(ErrorCode.INVALID_CONFIGURATION, format(file, line, column, message), cause);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  private static String format(Path file, int line, int column, String message) {
    StringBuilder b = new StringBuilder(String.valueOf(file));
    if (line > 0) {
      b.append(':').append(line);
      if (column > 0) {
        b.append(':').append(column);
      }
    }
    return b.append(": ").append(message).toString();
  }

  public Path file() {
    return file;
  }

  /** 1-based line, or 0 when the error concerns the file as a whole. */
  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
