import COlic
import OfflineLicensing

/// `--extension TYPE:HEX` values: extensions other than VALIDITY and BIND_REQUEST,
/// which have their own options. The core emits them in ascending type order.
enum ExtensionArguments {
  static func parse(_ values: [String], allowUnknownCritical: Bool) throws(Failure) -> [HostLicense.Extension] {
    var result: [HostLicense.Extension] = []
    for text in values {
      let what = "--extension \(printable(text))"
      guard let colon = text.firstIndex(of: ":") else { throw Failure("\(what): expected TYPE:HEX, like 0x0001:abcd") }
      let type = try Numbers.parse16(String(text[..<colon]), what: "\(what): TYPE")
      let hexText = String(text[text.index(after: colon)...])
      let value = hexText.isEmpty ? [] : try Hex.decode(hexText, what: "\(what): HEX")
      switch Int32(type) {
      case Int32(OLIC_EXTENSION_VALIDITY):
        throw Failure("\(what): VALIDITY is set with --not-before and --not-after")
      case Int32(OLIC_EXTENSION_BIND_REQUEST):
        throw Failure("\(what): BIND_REQUEST is set with --bind-request or --from-request")
      default:
        break
      }
      // A v1 device refuses every license with a critical type it does not know.
      if Int32(type) & Int32(OLIC_EXTENSION_CRITICAL) != 0, !allowUnknownCritical {
        throw Failure(
          "\(what): type \(typeName(type)) is critical and unknown to v1 devices, which would all refuse the license "
            + "(--allow-unknown-critical issues it anyway, e.g. to test that refusal)")
      }
      guard value.count <= Int(UInt16.max) else { throw Failure("\(what): value longer than 65535 bytes") }
      if result.contains(where: { $0.type == type }) {
        throw Failure("\(what): type \(typeName(type)) given twice (each type appears once)")
      }
      result.append(HostLicense.Extension(type: type, value: value))
    }
    return result
  }

  static func typeName(_ type: UInt16) -> String {
    let hex = String(type, radix: 16)
    return "0x" + String(repeating: "0", count: 4 - hex.count) + hex
  }

  /// The license size these extensions give, for a clear error before encoding.
  static func licenseSize(_ extensions: [HostLicense.Extension], validity: Bool, bind: Bool) -> Int {
    var size = Int(OLIC_LICENSE_MIN_SIZE)
    if validity { size += Int(OLIC_EXTENSION_HEADER_SIZE) + Int(OLIC_EXTENSION_VALIDITY_SIZE) }
    if bind { size += Int(OLIC_EXTENSION_HEADER_SIZE) + Int(OLIC_EXTENSION_BIND_REQUEST_SIZE) }
    for e in extensions { size += Int(OLIC_EXTENSION_HEADER_SIZE) + e.value.count }
    return size
  }
}
