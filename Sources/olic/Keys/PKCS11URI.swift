/// A PKCS#11 URI (RFC 7512) naming a token and a key in it:
/// `pkcs11:token=TOKEN;object=LABEL`, with optional `id`, `type`, `serial`,
/// `manufacturer`, `model`, `slot-id` path attributes and `pin-source`,
/// `module-path` query attributes (`?pin-source=file:/run/pin`). Values are
/// percent-decoded. An attribute olic does not know is an error rather than
/// ignored: a typo like `objet=` must not silently match any key.
struct PKCS11URI {
  var token: [UInt8]?
  var manufacturer: [UInt8]?
  var serial: [UInt8]?
  var model: [UInt8]?
  var slotId: UInt?
  var object: [UInt8]?
  var id: [UInt8]?
  /// "private", "public" or nil.
  var type: String?
  var pinSource: String?
  var modulePath: String?

  static func isURI(_ text: String) -> Bool { text.hasPrefix("pkcs11:") }

  static func parse(_ text: String, what: String) throws(Failure) -> PKCS11URI {
    let named = "\(what) \(printable(text))"
    guard isURI(text) else { throw Failure("\(named): not a PKCS#11 URI (pkcs11:token=...;object=...)") }
    var uri = PKCS11URI()
    let body = text.dropFirst("pkcs11:".count)
    let parts = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let path = parts[0].split(separator: ";", omittingEmptySubsequences: true)
    let query = parts.count > 1 ? parts[1].split(separator: "&", omittingEmptySubsequences: true) : []
    var seen: Set<String> = []
    for (attribute, inQuery) in path.map({ ($0, false) }) + query.map({ ($0, true) }) {
      guard let equals = attribute.firstIndex(of: "=") else {
        throw Failure("\(named): attribute '\(printable(String(attribute)))' has no '='")
      }
      let name = String(attribute[..<equals])
      guard let value = percentDecode(attribute[attribute.index(after: equals)...]) else {
        throw Failure("\(named): attribute '\(printable(name))' has a bad %-escape")
      }
      guard seen.insert(name).inserted else { throw Failure("\(named): attribute '\(printable(name))' is given twice") }
      let text = String(decoding: value, as: UTF8.self)
      switch (name, inQuery) {
      case ("token", false): uri.token = value
      case ("manufacturer", false): uri.manufacturer = value
      case ("serial", false): uri.serial = value
      case ("model", false): uri.model = value
      case ("object", false): uri.object = value
      case ("id", false): uri.id = value
      case ("slot-id", false):
        guard let n = UInt(text) else { throw Failure("\(named): slot-id '\(printable(text))' is not a number") }
        uri.slotId = n
      case ("type", false):
        guard text == "private" || text == "public" else {
          throw Failure("\(named): type '\(printable(text))' names no key olic can use (private or public)")
        }
        uri.type = text
      // RFC 7512 puts pin-source in the query; accepted in the path too, where
      // people write it next to token and object.
      case ("pin-source", _): uri.pinSource = text
      case ("module-path", true): uri.modulePath = text
      case ("pin-value", _):
        throw Failure("\(named): pin-value puts the PIN on the command line; use pin-source=file:PATH, --pin-file or OLIC_PKCS11_PIN_FILE")
      default:
        throw Failure("\(named): olic does not know the attribute '\(printable(name))'")
      }
    }
    return uri
  }

  /// The file a pin-source names: `file:PATH`, `file:///PATH` or a bare path.
  var pinFile: String? {
    guard let pinSource else { return nil }
    if pinSource.hasPrefix("file://") { return String(pinSource.dropFirst("file://".count)) }
    if pinSource.hasPrefix("file:") { return String(pinSource.dropFirst("file:".count)) }
    return pinSource
  }

  private static func percentDecode(_ text: Substring) -> [UInt8]? {
    var out: [UInt8] = []
    var bytes = Array(text.utf8)[...]
    while let c = bytes.popFirst() {
      guard c == UInt8(ascii: "%") else {
        out.append(c)
        continue
      }
      guard bytes.count >= 2, let high = hexValue(bytes.removeFirst()), let low = hexValue(bytes.removeFirst()) else { return nil }
      out.append(high << 4 | low)
    }
    return out
  }

  private static func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
  }
}
