/// Lower-case hex, the one text form of byte fields (ids, keys, signatures) in
/// every output, JSON included.
enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Hex digits of either case, nothing else (no 0x, no spaces), even length.
  /// `what` names the argument or file position for the error line.
  static func decode(_ text: String, what: @autoclosure () -> String) throws(Failure) -> [UInt8] {
    try decode(utf8: Array(text.utf8)[...], what: what())
  }

  /// The same over UTF-8 bytes (CSV cells, without making a String of each).
  static func decode(utf8 chars: ArraySlice<UInt8>, what: @autoclosure () -> String) throws(Failure) -> [UInt8] {
    var text: String { String(decoding: chars, as: UTF8.self) }
    guard !chars.isEmpty else { throw Failure("\(what()): empty, expected hex digits") }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 2)
    var high: UInt8? = nil
    for c in chars {
      guard let v = value(c) else {
        throw Failure("\(what()): not hex: '\(printable(text))' has '\(printable(String(decoding: [c], as: UTF8.self)))'")
      }
      if let h = high {
        out.append(h << 4 | v)
        high = nil
      } else {
        high = v
      }
    }
    guard high == nil else { throw Failure("\(what()): odd number of hex digits (\(chars.count))") }
    return out
  }

  /// Exactly `count` bytes, e.g. a 32-byte device id.
  static func decode(
    _ text: String, bytes count: Int, what: @autoclosure () -> String, thing: String
  ) throws(Failure) -> [UInt8] {
    try decode(utf8: Array(text.utf8)[...], bytes: count, what: what(), thing: thing)
  }

  static func decode(
    utf8 text: ArraySlice<UInt8>, bytes count: Int, what: @autoclosure () -> String, thing: String
  ) throws(Failure) -> [UInt8] {
    let bytes = try decode(utf8: text, what: what())
    guard bytes.count == count else {
      throw Failure("\(what()): \(thing) is \(count) bytes (\(count * 2) hex digits), got \(bytes.count) bytes")
    }
    return bytes
  }

  /// Digit values by byte, 0xFF for a byte that is not a hex digit.
  private static let values: [UInt8] = (0..<256).map { c -> UInt8 in
    switch UInt8(c) {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt8(c) - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt8(c) - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt8(c) - UInt8(ascii: "A") + 10
    default: return 0xFF
    }
  }

  private static func value(_ c: UInt8) -> UInt8? {
    let v = values[Int(c)]
    return v == 0xFF ? nil : v
  }
}

/// Input echoed into an error line, cut short and stripped of control characters
/// so that a hostile argument cannot redraw the terminal.
func printable(_ text: String, limit: Int = 80) -> String {
  let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : $0 }))
  return cleaned.count > limit ? String(cleaned.prefix(limit)) + "..." : cleaned
}
