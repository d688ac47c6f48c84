/// Times for VALIDITY and the device clock: Unix seconds, or an RFC 3339
/// date-time ("2026-01-31T12:00:00Z", "2026-01-31T13:00:00+01:00"). Licenses hold
/// whole seconds, so a fractional part must be zero; times before 1970 do not exist
/// on the wire.
enum TimeParsing {
  static func parse(_ text: String, what: String) throws(Failure) -> UInt64 {
    if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
      guard let seconds = UInt64(text) else { throw Failure("\(what): \(printable(text)) is out of range (0...\(UInt64.max))") }
      return seconds
    }
    guard let seconds = rfc3339(Array(text.utf8)) else {
      throw Failure("\(what): not a time: '\(printable(text))' (Unix seconds, or RFC 3339 like 2026-01-31T12:00:00Z)")
    }
    guard seconds >= 0 else { throw Failure("\(what): \(printable(text)) is before 1970-01-01T00:00:00Z") }
    return UInt64(seconds)
  }

  /// RFC 3339 for display: "2023-11-14T22:13:20Z". Years past 9999 print as seconds.
  static func format(_ seconds: UInt64) -> String? {
    guard seconds < 253_402_300_800 else { return nil }
    let days = Int64(seconds / 86400)
    let rest = Int64(seconds % 86400)
    let (y, m, d) = civil(fromDays: days)
    func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
    let year = String(repeating: "0", count: max(0, 4 - String(y).count)) + String(y)
    return "\(year)-\(two(m))-\(two(d))T\(two(rest / 3600)):\(two(rest / 60 % 60)):\(two(rest % 60))Z"
  }

  private static func rfc3339(_ c: [UInt8]) -> Int64? {
    var i = 0
    func number(_ width: Int) -> Int64? {
      guard i + width <= c.count else { return nil }
      var v: Int64 = 0
      for k in i..<(i + width) {
        guard c[k] >= UInt8(ascii: "0"), c[k] <= UInt8(ascii: "9") else { return nil }
        v = v * 10 + Int64(c[k] - UInt8(ascii: "0"))
      }
      i += width
      return v
    }
    func expect(_ set: String) -> Bool {
      guard i < c.count, set.utf8.contains(c[i]) else { return false }
      i += 1
      return true
    }
    guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
      expect("Tt "), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
      let second = number(2)
    else { return nil }
    // Fractional seconds: allowed by RFC 3339, but only zeros fit a whole-second field.
    if i < c.count, c[i] == UInt8(ascii: ".") {
      i += 1
      let start = i
      while i < c.count, c[i] == UInt8(ascii: "0") { i += 1 }
      guard i > start else { return nil }
      if i < c.count, c[i] >= UInt8(ascii: "1"), c[i] <= UInt8(ascii: "9") { return nil }
    }
    var offset: Int64 = 0
    if expect("Zz") {
      offset = 0
    } else if i < c.count, c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
      let sign: Int64 = c[i] == UInt8(ascii: "+") ? 1 : -1
      i += 1
      guard let oh = number(2), expect(":"), let om = number(2), oh <= 23, om <= 59 else { return nil }
      offset = sign * (oh * 3600 + om * 60)
    } else {
      return nil
    }
    guard i == c.count else { return nil }
    guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
      hour <= 23, minute <= 59, second <= 59
    else { return nil }
    return days(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset
  }

  private static func daysIn(month: Int64, year: Int64) -> Int64 {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
  private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  private static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }
}
