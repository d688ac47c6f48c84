/// Integer arguments and CSV cells: decimal, or hex with a 0x prefix. Range errors
/// name the argument and the allowed range, and exit 1 (they are bad values, not
/// bad usage).
enum Numbers {
  static func parse(_ text: String, what: String, min: UInt64 = 0, max: UInt64 = .max) throws(Failure) -> UInt64 {
    let isHex = text.hasPrefix("0x") || text.hasPrefix("0X")
    let digits = isHex ? Substring(text.dropFirst(2)) : Substring(text)
    let radix = isHex ? 16 : 10
    let valid = !digits.isEmpty && digits.utf8.allSatisfy { c in
      switch c {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return true
      case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): return isHex
      default: return false
      }
    }
    guard valid else {
      throw Failure("\(what): not a number: '\(printable(text))' (decimal, or hex with 0x)")
    }
    // Valid digits that do not fit in 64 bits are a range error, not a syntax one.
    guard let value = UInt64(digits, radix: radix), value >= min, value <= max else {
      throw Failure("\(what): \(printable(text)) is out of range (\(min)...\(max))")
    }
    return value
  }

  static func parse32(_ text: String, what: String, min: UInt64 = 0) throws(Failure) -> UInt32 {
    UInt32(try parse(text, what: what, min: min, max: UInt64(UInt32.max)))
  }

  static func parse16(_ text: String, what: String) throws(Failure) -> UInt16 {
    UInt16(try parse(text, what: what, max: UInt64(UInt16.max)))
  }
}
