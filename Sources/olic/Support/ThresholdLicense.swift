import COlic
import OfflineLicensing

/// The threshold commands' one door to the core's v2 encoder and tool-support
/// decoder. The CLI reads and writes no wire offset itself.
enum ThresholdLicense {
  static let maxSigners = 8

  /// body_end: the length of the signed bytes, for either version.
  static func signedLength(_ blob: [UInt8]) -> Int? {
    guard case .success(let license) = decode(blob) else { return nil }
    return license.bodyEnd
  }

  /// A license of either version, a partly signed v2 one included.
  static func decode(_ blob: [UInt8]) -> Result<DecodedLicense, olic_status> {
    var parsed = olic_license()
    let status = olic_parse(blob, blob.count, &parsed)
    guard status == OLIC_OK else { return .failure(status) }
    // PROVISIONAL until the core's v2 API is merged: v1 only.
    let end = blob.count - Int(OLIC_SIGNATURE_SIZE)
    let entry = DecodedLicense.Entry(keyId: bytes(of: parsed.key_id), signature: bytes(of: parsed.signature))
    return .success(DecodedLicense(fields: parsed, version: 1, bodyEnd: end, entries: [entry]))
  }

  /// A v2 license with `signers` empty entries.
  static func draft(_ fields: olic_license, extra: [HostLicense.Extension], signers: Int) -> Result<[UInt8], olic_status> {
    .failure(OLIC_ERR_VERSION)
  }

  /// `blob` with its entries replaced by `entries`, in that order.
  static func withEntries(_ blob: [UInt8], _ entries: [DecodedLicense.Entry]) -> Result<[UInt8], olic_status> {
    .failure(OLIC_ERR_VERSION)
  }
}
