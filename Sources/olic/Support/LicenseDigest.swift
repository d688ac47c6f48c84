import COlic
import CSodium

/// A license's identity: BLAKE2b-256 of the signed bytes [0, body_end), the same
/// for every assembly of its signature entries (docs/format.md). The signed
/// length is the core's (ThresholdLicense.signedLength), never an offset read here.
enum LicenseDigest {
  static func of(_ blob: [UInt8]) -> [UInt8]? {
    guard let end = ThresholdLicense.signedLength(blob), end <= blob.count else { return nil }
    var out = [UInt8](repeating: 0, count: 32)
    let ok = blob.withUnsafeBufferPointer { b in
      crypto_generichash(&out, 32, b.baseAddress, UInt64(end), nil, 0) == 0
    }
    return ok ? out : nil
  }
}
