/// PEM as openssl writes it (RFC 7468): a BEGIN line, the DER in base64 lines of
/// 64 characters, an END line, each ending in a newline.
enum PEM {
  struct Block {
    let label: String
    let der: [UInt8]
  }

  static func encode(label: String, der: [UInt8]) -> String {
    let base64 = Base64.encode(der)
    var lines = ["-----BEGIN \(label)-----"]
    var rest = Substring(base64)
    while !rest.isEmpty {
      lines.append(String(rest.prefix(64)))
      rest = rest.dropFirst(64)
    }
    lines.append("-----END \(label)-----")
    return lines.joined(separator: "\n") + "\n"
  }

  /// The first PEM block of `text`. Text around it is ignored, as openssl does.
  /// nil: no BEGIN line. Throws when a block is there but broken.
  static func firstBlock(in text: String, what: String) throws(Failure) -> Block? {
    // Character-wise, "\r\n" is one newline, so CRLF files split like LF ones.
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(\.trimmingSpaces)
    guard let begin = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN ") && $0.hasSuffix("-----") }) else {
      return nil
    }
    let label = String(lines[begin].dropFirst("-----BEGIN ".count).dropLast("-----".count))
    guard let end = lines[(begin + 1)...].firstIndex(of: Substring("-----END \(label)-----")) else {
      throw Failure("\(what): PEM block '\(printable(label))' has no END line")
    }
    let body = lines[(begin + 1)..<end].joined()
    guard let data = Base64.decode(body), !data.isEmpty else {
      throw Failure("\(what): PEM block '\(printable(label))' is not valid base64")
    }
    return Block(label: label, der: data)
  }
}
