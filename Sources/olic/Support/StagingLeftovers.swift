import Glibc

/// A batch's staging directory holds signed licenses until they are moved into
/// place. Its owner keeps an flock on a lock file inside it for as long as it runs,
/// so the kernel releases it when the owner dies, SIGKILL included. The next batch
/// into the same directory can then tell a dead batch's leftover (lock free) from a
/// live batch's staging (lock held), and removes only the former.
enum StagingLeftovers {
  static let lockName = ".olic-batch.lock"

  /// Creates and locks the lock file; the pid is written only once the lock is
  /// held, so an empty lock file is never taken for a dead batch's.
  static func lock(stagingFD: Int32) -> Int32 {
    let fd = openat(stagingFD, lockName, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return -1 }
    guard flock(fd, LOCK_EX) == 0 else {
      close(fd)
      return -1
    }
    _ = FileSystem.writeAll(Array("\(getpid())\n".utf8), to: fd)
    return fd
  }

  /// Removes leftovers of killed batches into `directory` (hidden staging
  /// directories inside it, or beside it for a DIR that a batch was creating), and
  /// says so on stderr. A leftover without a lock file is reported, not removed.
  static func sweep(directory: String, exists: Bool) {
    var candidates: [String] = []
    if exists {
      candidates += entries(directory, prefix: ".olic-batch-").map { directory + "/" + $0 }
    }
    let parent = Paths.directory(of: directory)
    candidates += entries(parent, prefix: "." + Paths.lastComponent(of: directory) + ".olic-batch-").map { parent + "/" + $0 }
    for candidate in candidates {
      var st = stat()
      guard lstat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }
      let fd = open(candidate + "/" + lockName, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else {
        Console.error("--out-dir: left '\(printable(candidate))' alone: a staging directory with no lock file (an older olic's, or a batch just starting); remove it if no batch is running")
        continue
      }
      defer { close(fd) }
      guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }  // a live batch's
      var byte: UInt8 = 0
      guard read(fd, &byte, 1) == 1 else { continue }  // its owner is just starting
      let files = entries(candidate, prefix: "")
      for name in files { unlink(candidate + "/" + name) }
      if rmdir(candidate) == 0 {
        let licenses = files.filter { $0 != lockName }.count
        Console.error("--out-dir: removed '\(printable(candidate))', left by a batch that was killed (\(licenses) staged \(licenses == 1 ? "file" : "files"))")
      } else {
        Console.error("--out-dir: cannot remove '\(printable(candidate))', left by a batch that was killed: \(errnoText())")
      }
    }
  }

  /// Names in `directory` starting with `prefix` ("" for all), without . and ..
  static func entries(_ directory: String, prefix: String) -> [String] {
    guard let dir = opendir(directory) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name == "." || name == ".." { continue }
      if prefix.isEmpty || name.hasPrefix(prefix) { names.append(name) }
    }
    return names
  }
}
