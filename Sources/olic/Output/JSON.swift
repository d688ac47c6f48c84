/// A JSON object written by hand, keys in insertion order. Integers stay JSON
/// numbers at full 64-bit precision (no Double on the way); bytes are hex strings.
struct JSONObject {
  private var members: [(String, String)] = []

  mutating func add(_ key: String, _ value: UInt64) { members.append((key, String(value))) }
  mutating func add(_ key: String, _ value: UInt32) { members.append((key, String(value))) }
  mutating func add(_ key: String, _ value: Bool) { members.append((key, value ? "true" : "false")) }
  mutating func add(_ key: String, _ value: String) { members.append((key, JSONObject.quote(value))) }
  mutating func add(_ key: String, hex bytes: [UInt8]) { add(key, Hex.encode(bytes)) }
  mutating func add(_ key: String, _ object: JSONObject) { members.append((key, object.rendered)) }
  mutating func add(_ key: String, _ array: [JSONObject]) {
    members.append((key, "[" + array.map(\.rendered).joined(separator: ",") + "]"))
  }
  mutating func addNull(_ key: String) { members.append((key, "null")) }

  var rendered: String {
    "{" + members.map { JSONObject.quote($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
