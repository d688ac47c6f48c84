import Glibc

/// The output directory of `olic batch`, filled all at once or not at all.
///
/// Every license is first written into a private staging directory; nothing
/// appears under its final name until every file is written and flushed. When
/// DIR does not exist yet, the staging directory is a sibling and becomes DIR by
/// one rename; when DIR exists, staging is a hidden directory inside it and each
/// file is renamed into place (replacing a file of the same name).
///
/// Cost per license is one create, one write, one close (and one rename into an
/// existing DIR): no temporary name per file, no fsync per file. Durability is one
/// syncfs of the file system before the renames. Writes are safe from several
/// threads: the object holds only constants.
final class BatchOutput: Sendable {
  let directory: String
  let staging: String
  /// DIR did not exist: staging becomes DIR by one rename.
  let fresh: Bool
  /// The staging directory, open: files are created relative to it, one path
  /// component to resolve instead of the whole path.
  private let stagingFD: Int32
  /// Held for the life of the batch: see StagingLeftovers.
  private let lockFD: Int32

  init(directory: String) throws(Failure) {
    let trimmed = Paths.withoutTrailingSlashes(directory)
    self.directory = trimmed
    var st = stat()
    let exists = stat(trimmed, &st) == 0
    if exists, (st.st_mode & S_IFMT) != S_IFDIR {
      throw Failure("--out-dir: '\(printable(directory))' is not a directory")
    }
    fresh = !exists
    StagingLeftovers.sweep(directory: trimmed, exists: exists)
    let template = fresh
      ? Paths.directory(of: trimmed) + "/." + Paths.lastComponent(of: trimmed) + ".olic-batch-XXXXXX"
      : trimmed + "/.olic-batch-XXXXXX"
    var bytes = Array(template.utf8CString)
    let made = bytes.withUnsafeMutableBufferPointer { b -> Bool in
      guard let base = b.baseAddress else { return false }
      return mkdtemp(base) != nil
    }
    guard made else {
      throw Failure("--out-dir: cannot create a staging directory for '\(printable(directory))': \(errnoText())")
    }
    staging = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if fresh { _ = chmod(staging, 0o755) }
    stagingFD = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard stagingFD >= 0 else {
      let reason = errnoText()
      rmdir(staging)
      throw Failure("--out-dir: cannot open the staging directory '\(printable(staging))': \(reason)")
    }
    lockFD = StagingLeftovers.lock(stagingFD: stagingFD)
    guard lockFD >= 0 else {
      let reason = errnoText()
      close(stagingFD)
      rmdir(staging)
      throw Failure("--out-dir: cannot lock the staging directory '\(printable(staging))': \(reason)")
    }
  }

  deinit {
    close(lockFD)
    close(stagingFD)
  }

  /// Writes one staged file; `name` is a plain file name.
  func write(_ bytes: [UInt8], name: String) throws(Failure) {
    let fd = openat(stagingFD, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw Failure("--out-dir: cannot create \(printable(name)): \(errnoText())") }
    guard FileSystem.writeAll(bytes, to: fd) else {
      let reason = errnoText()
      close(fd)
      throw Failure("--out-dir: cannot write \(printable(name)): \(reason)")
    }
    guard close(fd) == 0 else { throw Failure("--out-dir: cannot write \(printable(name)): \(errnoText())") }
  }

  /// Flushes the staged files, then puts them in place.
  func commit(names: [String]) throws(Failure) {
    // The lock file must not end up in DIR; the lock itself stays held until exit.
    unlinkat(stagingFD, StagingLeftovers.lockName, 0)
    guard FileSystem.sync(fd: stagingFD) else { throw Failure("--out-dir: cannot flush '\(printable(staging))': \(errnoText())") }
    if fresh {
      guard rename(staging, directory) == 0 else {
        throw Failure("--out-dir: cannot move the licenses to '\(printable(directory))': \(errnoText())")
      }
      FileSystem.syncDirectory(Paths.directory(of: directory))
      return
    }
    // Refuse before moving anything: a rename that fails halfway would leave a
    // partial batch. A file may be replaced; anything else in the way may not.
    for name in names {
      var st = stat()
      let target = directory + "/" + name
      if lstat(target, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
        throw Failure("--out-dir: cannot replace '\(printable(target))': it is not a regular file")
      }
    }
    var placed: [String] = []
    for name in names {
      let target = directory + "/" + name
      guard rename(staging + "/" + name, target) == 0 else {
        let reason = errnoText()
        for path in placed { unlink(path) }
        throw Failure("--out-dir: cannot move \(printable(name)) into '\(printable(directory))': \(reason)")
      }
      placed.append(target)
    }
    rmdir(staging)
    FileSystem.syncDirectory(directory)
  }

  /// Removes the staged files and the staging directory (after a failure).
  func discard(names: [String]) {
    for name in names { unlink(staging + "/" + name) }
    // Also whatever a thread was writing when the batch stopped.
    for name in StagingLeftovers.entries(staging, prefix: "") { unlink(staging + "/" + name) }
    rmdir(staging)
  }
}

enum FileSystem {
  /// Writes every byte, retrying short writes and EINTR. On false, errno says why.
  static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { b -> Int in
        guard let base = b.baseAddress else { return 0 }
        return Glibc.write(fd, base + written, b.count - written)
      }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return false }
      written += n
    }
    return true
  }

  /// syncfs(2) on the file system holding `fd`: one flush for every staged file.
  /// Glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does not
  /// set, so it is looked up by name; sync(2) is the portable fallback.
  static func sync(fd: Int32) -> Bool {
    typealias SyncFS = @convention(c) (Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else {
      Glibc.sync()
      return true
    }
    return unsafeBitCast(symbol, to: SyncFS.self)(fd) == 0
  }

  static func sync(path: String) -> Bool {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return sync(fd: fd)
  }

  /// Makes renames in `directory` durable.
  static func syncDirectory(_ directory: String) {
    let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }
}
