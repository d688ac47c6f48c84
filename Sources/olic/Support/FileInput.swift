import Glibc

/// Reading input files, with one error line that names the file and the reason.
enum FileInput {
  /// The whole file. `what` is how the error line names it ("--key k.pem").
  static func read(_ path: String, what: String, limit: Int = 64 << 20) throws(Failure) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw Failure("\(what): cannot open '\(printable(path))': \(errnoText())") }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw Failure("\(what): cannot read '\(printable(path))': \(errnoText())") }
    guard (st.st_mode & S_IFMT) != S_IFDIR else { throw Failure("\(what): '\(printable(path))' is a directory") }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw Failure("\(what): cannot read '\(printable(path))': \(errnoText())")
      }
      if n == 0 { break }
      out.append(contentsOf: chunk[..<n])
      // A license is at most 1 KiB and a CSV a few MB: anything huge is a mistake.
      guard out.count <= limit else { throw Failure("\(what): '\(printable(path))' is larger than \(limit) bytes") }
    }
    return out
  }

  /// The file as UTF-8 text.
  static func text(_ path: String, what: String) throws(Failure) -> String {
    let bytes = try read(path, what: what)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw Failure("\(what): '\(printable(path))' is not UTF-8 text")
    }
    return text
  }
}

func errnoText(_ code: Int32 = errno) -> String {
  String(cString: strerror(code))
}
