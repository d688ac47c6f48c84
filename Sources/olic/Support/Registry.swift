/// The regulator's registry of which public key belongs to which device: CSV rows
/// `device_id,public_key` (hex), an optional header line of those two names.
struct Registry {
  private var keys: [String: [UInt8]] = [:]

  static func load(_ path: String) throws(Failure) -> Registry {
    let text = try FileInput.text(path, what: "--registry")
    var registry = Registry()
    var firstLine: [String: Int] = [:]
    for (index, row) in CSV.rows(text).enumerated() {
      let at = "--registry \(printable(path)):\(row.line)"
      if let error = row.error { throw Failure("\(at): \(error)") }
      if index == 0, row.fields.map({ $0.lowercased() }) == ["device_id", "public_key"] { continue }
      guard row.fields.count == 2 else {
        throw Failure("\(at): expected 2 fields device_id,public_key, got \(row.fields.count)")
      }
      let device = try Hex.decode(row.fields[0], bytes: 32, what: "\(at): device_id", thing: "a device id")
      let key = try Hex.decode(row.fields[1], bytes: 32, what: "\(at): public_key", thing: "a public key")
      let id = Hex.encode(device)
      if let earlier = firstLine[id] {
        throw Failure("\(at): device \(id) is already on line \(earlier)")
      }
      firstLine[id] = row.line
      registry.keys[id] = key
    }
    return registry
  }

  func publicKey(of device: [UInt8]) -> [UInt8]? { keys[Hex.encode(device)] }
}
