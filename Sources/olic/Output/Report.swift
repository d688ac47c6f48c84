/// What `inspect` shows, as ordered fields rendered either as `key: value` lines
/// or as one JSON object. Keys are the wire field names of docs/format.md.
struct Field {
  let key: String
  let value: Value

  enum Value {
    case number(UInt64)
    /// An extension type: hex (0x8001) in text, a number in JSON.
    case typeCode(UInt16)
    /// Unix seconds; text output adds the RFC 3339 form.
    case time(UInt64)
    case text(String)
    case hex([UInt8])
    case flag(Bool)
    case items([[Field]])
  }

  init(_ key: String, _ value: Value) {
    self.key = key
    self.value = value
  }
}

enum Report {
  static func json(_ fields: [Field]) -> String { object(fields).rendered }

  static func text(_ fields: [Field]) -> String {
    var lines: [String] = []
    for field in fields {
      if case .items(let items) = field.value {
        for (index, item) in items.enumerated() {
          lines.append("\(field.key)[\(index)]: " + item.map { "\($0.key)=\(inline($0.value))" }.joined(separator: " "))
        }
      } else {
        lines.append("\(field.key): \(inline(field.value))")
      }
    }
    return lines.joined(separator: "\n")
  }

  private static func inline(_ value: Field.Value) -> String {
    switch value {
    case .number(let n): return String(n)
    case .typeCode(let t): return ExtensionArguments.typeName(t)
    case .time(let t): return TimeParsing.format(t).map { "\(t) (\($0))" } ?? String(t)
    case .text(let s): return s
    case .hex(let b): return b.isEmpty ? "(empty)" : Hex.encode(b)
    case .flag(let f): return f ? "yes" : "no"
    case .items(let items): return "\(items.count) items"
    }
  }

  static func object(_ fields: [Field]) -> JSONObject {
    var o = JSONObject()
    for field in fields {
      switch field.value {
      case .number(let n), .time(let n): o.add(field.key, n)
      case .typeCode(let t): o.add(field.key, UInt64(t))
      case .text(let s): o.add(field.key, s)
      case .hex(let b): o.add(field.key, hex: b)
      case .flag(let f): o.add(field.key, f)
      case .items(let items): o.add(field.key, items.map(object))
      }
    }
    return o
  }
}
