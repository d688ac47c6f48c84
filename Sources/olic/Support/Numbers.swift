/// Integer arguments and CSV cells: decimal, or hex with a 0x prefix. Range errors
/// name the argument and the allowed range, and exit 1 (they are bad values, not
/// bad usage). Parsed byte by byte: a batch CSV holds thousands of them.
enum Numbers {
  static func parse(
    _ text: String, what: @autoclosure () -> String, min: UInt64 = 0, max: UInt64 = .max
  ) throws(Failure) -> UInt64 {
    try parse(utf8: Array(text.utf8)[...], what: what(), min: min, max: max)
  }

  /// The same over UTF-8 bytes (CSV cells, without making a String of each).
  static func parse(
    utf8 bytes: ArraySlice<UInt8>, what: @autoclosure () -> String, min: UInt64 = 0, max: UInt64 = .max
  ) throws(Failure) -> UInt64 {
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var utf8 = bytes
    var radix: UInt64 = 10
    if utf8.count > 2, utf8.first == UInt8(ascii: "0"),
      utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X")
    {
      radix = 16
      utf8 = utf8.dropFirst(2)
    }
    if utf8.count > 1, utf8.first == UInt8(ascii: "-") {
      throw Failure("\(what()): not a number: '\(printable(text))' (a negative value is not a number here)")
    }
    var value: UInt64 = 0
    var overflow = false
    for c in utf8 {
      let digit: UInt64
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(c - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: digit = UInt64(c - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: digit = UInt64(c - UInt8(ascii: "A") + 10)
      default: throw Failure("\(what()): not a number: '\(printable(text))' (decimal, or hex with 0x)")
      }
      // Valid digits past 64 bits are a range error, reported after the syntax is known good.
      let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
      let (sum, o2) = shifted.addingReportingOverflow(digit)
      overflow = overflow || o1 || o2
      value = sum
    }
    guard !utf8.isEmpty else { throw Failure("\(what()): not a number: '\(printable(text))' (decimal, or hex with 0x)") }
    guard !overflow, value >= min, value <= max else {
      throw Failure("\(what()): \(printable(text)) is out of range (\(min)...\(max))")
    }
    return value
  }

  static func parse32(_ text: String, what: @autoclosure () -> String, min: UInt64 = 0) throws(Failure) -> UInt32 {
    UInt32(try parse(text, what: what(), min: min, max: UInt64(UInt32.max)))
  }

  static func parse32(utf8: ArraySlice<UInt8>, what: @autoclosure () -> String) throws(Failure) -> UInt32 {
    UInt32(try parse(utf8: utf8, what: what(), max: UInt64(UInt32.max)))
  }

  static func parse16(_ text: String, what: @autoclosure () -> String) throws(Failure) -> UInt16 {
    UInt16(try parse(text, what: what(), max: UInt64(UInt16.max)))
  }
}
