package io.meridian.server.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system, setting permissions through {@code java.nio} instead of a {@code chmod} process.
 *
 * <p>Without Hadoop's native library (never there when Hadoop comes from Maven Central), {@link RawLocalFileSystem}
 * starts a {@code chmod} process for every file and folder it creates: about 20-30 ms each here, which made writing
 * the demo lake's ~1,600 day files take over 30 seconds. On a file system without POSIX permissions the permission
 * is left as the file system gives it, as Hadoop's own fallback would fail there anyway.
 */
final class NioLocalFileSystem extends RawLocalFileSystem {
  @Override
  public void setPermission(Path p, FsPermission permission) throws IOException {
    java.nio.file.Path file = pathToFile(p).toPath();
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    add(permissions, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE);
    add(permissions, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE);
    add(permissions, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE);
    try {
      Files.setPosixFilePermissions(file, permissions);
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: keep its own permissions.
    }
  }

  private static void add(Set<PosixFilePermission> to, FsAction action, PosixFilePermission read,
      PosixFilePermission write, PosixFilePermission execute) {
    if (action.implies(FsAction.READ)) {
      to.add(read);
    }
    if (action.implies(FsAction.WRITE)) {
      to.add(write);
    }
    if (action.implies(FsAction.EXECUTE)) {
      to.add(execute);
    }
  }
}
