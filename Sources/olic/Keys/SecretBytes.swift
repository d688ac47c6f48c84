import CCrypto
import Glibc

/// Bytes that must not outlive their use (a key file's text, a passphrase, a
/// PIN): kept out of Swift arrays, which may be copied anywhere, and wiped with
/// OPENSSL_cleanse (which the optimiser may not remove) when released.
final class SecretBytes {
  let base: UnsafeMutablePointer<UInt8>
  let capacity: Int
  var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 1)
    base = .allocate(capacity: self.capacity)
    base.initialize(repeating: 0, count: self.capacity)
  }

  deinit {
    OPENSSL_cleanse(base, capacity)
    base.deallocate()
  }

  var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

  /// Shortens to the first line, as openssl's `-pass file:` reads a passphrase:
  /// a trailing "\n" or "\r\n" is not part of it.
  func keepFirstLine() {
    var end = 0
    while end < count, base[end] != 0x0a { end += 1 }
    if end > 0, base[end - 1] == 0x0d { end -= 1 }
    OPENSSL_cleanse(base + end, capacity - end)
    count = end
  }

  /// A whole file, with the mode it had when read (fstat of the descriptor that
  /// was read, so the mode and the bytes are of one file). `what` names it.
  static func read(_ path: String, what: String, limit: Int = 1 << 20) throws(Failure) -> (secret: SecretBytes, mode: mode_t) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Failure("\(what): cannot open '\(printable(path))': \(errnoText())") }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw Failure("\(what): cannot read '\(printable(path))': \(errnoText())") }
    guard (st.st_mode & S_IFMT) != S_IFDIR else { throw Failure("\(what): '\(printable(path))' is a directory") }
    // One byte over the limit tells a file at the limit from a longer one.
    let secret = SecretBytes(capacity: limit + 1)
    while secret.count < secret.capacity {
      let n = Glibc.read(fd, secret.base + secret.count, secret.capacity - secret.count)
      if n < 0 {
        if errno == EINTR { continue }
        throw Failure("\(what): cannot read '\(printable(path))': \(errnoText())")
      }
      if n == 0 { break }
      secret.count += n
    }
    guard secret.count <= limit else { throw Failure("\(what): '\(printable(path))' is larger than \(limit) bytes") }
    return (secret, st.st_mode)
  }
}

extension SecretBytes {
  /// The bytes as an array for an API that takes one (a staged file), wiped
  /// when `body` returns. `body` must not keep a copy.
  func withArray(_ body: ([UInt8]) throws(Failure) -> Void) throws(Failure) {
    var array = Array(bytes)
    defer { array.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
    try body(array)
  }
}
