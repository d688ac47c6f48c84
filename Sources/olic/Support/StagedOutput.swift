import Glibc

/// Output files that appear whole or not at all.
///
/// Each file is written to a hidden temporary file in its final directory (so the
/// rename cannot cross file systems), and only `commit` renames them into place,
/// after the data is on disk. A run that fails before `commit` removes its
/// temporary files, so no half-written output is ever left under a final name.
///
/// Durability costs one flush per commit, not one per file: several files are
/// flushed by one syncfs rather than an fsync each.
final class StagedOutput {
  private struct Staged {
    let temporary: String
    let final: String
    let what: String
  }
  private var staged: [Staged] = []
  private var committed = false

  deinit { discard() }

  /// Writes `bytes` to a temporary file that `commit` will move to `path`.
  func stage(_ bytes: [UInt8], to path: String, mode: mode_t, what: String) throws(Failure) {
    let directory = Paths.directory(of: path)
    var template = Array("\(directory)/.\(Paths.lastComponent(of: path)).XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { b -> Int32 in
      guard let base = b.baseAddress else { return -1 }
      return mkstemp(base)
    }
    guard fd >= 0 else { throw Failure("\(what): cannot create a file in '\(printable(directory))': \(errnoText())") }
    let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    staged.append(Staged(temporary: temporary, final: path, what: what))
    defer { close(fd) }
    guard FileSystem.writeAll(bytes, to: fd) else {
      throw Failure("\(what): cannot write '\(printable(path))': \(errnoText())")
    }
    guard fchmod(fd, mode) == 0 else { throw Failure("\(what): cannot set the mode of '\(printable(path))': \(errnoText())") }
  }

  /// Flushes every staged file, then moves each into place. With `replace` false,
  /// an existing file is never overwritten (link fails on it atomically, so a
  /// file created meanwhile by someone else is not clobbered either).
  func commit(replace: Bool) throws(Failure) {
    guard !staged.isEmpty else { return }
    try flush()
    var done: [String] = []
    for file in staged {
      let moved: Int32
      if replace {
        moved = rename(file.temporary, file.final)
      } else {
        moved = link(file.temporary, file.final)
        if moved == 0 { unlink(file.temporary) }
      }
      guard moved == 0 else {
        let reason = errno == EEXIST ? "already exists, not overwritten" : errnoText()
        // Keep the all-or-nothing promise: take back what this commit placed.
        for path in done { unlink(path) }
        throw Failure("\(file.what): '\(printable(file.final))' \(reason)")
      }
      done.append(file.final)
    }
    syncDirectories()
    committed = true
    staged = []
  }

  /// Removes every temporary file; a no-op after commit.
  func discard() {
    guard !committed else { return }
    for file in staged { unlink(file.temporary) }
    staged = []
  }

  private func flush() throws(Failure) {
    if staged.count == 1, let only = staged.first {
      let fd = open(only.temporary, O_RDONLY | O_CLOEXEC)
      guard fd >= 0, fsync(fd) == 0 else {
        if fd >= 0 { close(fd) }
        throw Failure("\(only.what): cannot flush '\(printable(only.final))': \(errnoText())")
      }
      close(fd)
      return
    }
    // Several files: one syncfs writes them all out, where an fsync each would
    // cost a journal commit each.
    for directory in directories() where !FileSystem.sync(path: directory) {
      throw Failure("cannot flush '\(printable(directory))': \(errnoText())")
    }
  }

  /// The renames are durable once their directories are.
  private func syncDirectories() {
    for directory in directories() {
      let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      if fd >= 0 {
        _ = fsync(fd)
        close(fd)
      }
    }
  }

  private func directories() -> [String] {
    var seen = Set<String>()
    var ordered: [String] = []
    for file in staged {
      let directory = Paths.directory(of: file.final)
      if seen.insert(directory).inserted { ordered.append(directory) }
    }
    return ordered
  }
}
