import Glibc

/// Registering devices: `ledger add-device` and `ledger import` both come here,
/// so a device row always gets its device_added event.
enum LedgerDevices {
  enum Added { case added, unchanged }

  /// Adds one device. An identical registration is `unchanged`; the same device
  /// with another key is refused (re-keying a device is not an import).
  static func add(_ db: Database, device: [UInt8], publicKey: [UInt8], note: String?, events: EventWriter, at now: Int64) throws(Failure) -> Added {
    if let existing = try db.first("SELECT public_key FROM devices WHERE device_id = ?", [.blob(device)], { $0.blob(0) }) {
      guard existing == publicKey else {
        throw Failure("device \(Hex.encode(device)) is already registered with public key \(Hex.encode(existing))")
      }
      return .unchanged
    }
    try events.insert(.deviceAdded, [.blob(device), .blob(publicKey), note.map { .text($0) } ?? .null, .int(now)], at: now)
    return .added
  }

  /// A public key given as 64 hex digits, or a file: a PEM public (or private) key,
  /// 32 raw bytes, or 64 hex digits as text.
  static func publicKey(_ argument: String, what: String) throws(Failure) -> [UInt8] {
    if argument.utf8.count == 64, argument.utf8.allSatisfy(isHexDigit) {
      return try Hex.decode(argument, bytes: 32, what: what, thing: "a public key")
    }
    guard FileExists.at(argument) else {
      throw Failure("\(what): '\(printable(argument))' is neither 64 hex digits nor a file")
    }
    let data = try FileInput.read(argument, what: what, limit: 1 << 20)
    let text = String(decoding: data, as: UTF8.self)
    if text.contains("-----BEGIN ") { return try KeyFile.load(argument, what: what).publicKey }
    if data.count == 32 { return data }
    let trimmed = String(text.unicodeScalars.filter { $0 != " " && $0 != "\n" && $0 != "\r" && $0 != "\t" })
    return try Hex.decode(trimmed, bytes: 32, what: "\(what) \(printable(argument))", thing: "a public key")
  }

  private static func isHexDigit(_ c: UInt8) -> Bool {
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
  }
}
