import COlic
import OfflineLicensing

/// The threshold commands' one door to the core's v2 API: the encoder
/// (HostLicense.proposal over olic_encode_license), the tools' decoder
/// (olic_parse_proposal), the entry writer (olic_add_signature) and the digest
/// (olic_license_digest). Entry i's signature is read where olic.h places it,
/// [body_end + 72 i + 8, + 64), from the body_end the decoder reports.
enum ThresholdLicense {
  static let maxSigners = Int(OLIC_MAX_SIGNERS)

  /// A license of either version, a partly signed v2 one included.
  static func decode(_ blob: [UInt8]) -> Result<DecodedLicense, olic_status> {
    var proposal = olic_proposal()
    let status = olic_parse_proposal(blob, blob.count, &proposal)
    guard status == OLIC_OK else { return .failure(status) }
    let license = proposal.license
    let n = Int(license.signature_count)
    let bodyEnd = Int(proposal.body_end)
    let keyIds = bytes(of: license.key_ids)
    let keyIdSize = Int(OLIC_KEY_ID_SIZE)
    let entrySize = keyIdSize + Int(OLIC_SIGNATURE_SIZE)
    var entries: [DecodedLicense.Entry] = []
    if license.version == 1 {
      entries = [DecodedLicense.Entry(keyId: bytes(of: license.key_id), signature: bytes(of: license.signature))]
    } else {
      guard n >= 1, n <= maxSigners, bodyEnd + n * entrySize == blob.count else { return .failure(OLIC_ERR_MALFORMED) }
      for i in 0..<n {
        let at = bodyEnd + i * entrySize + keyIdSize
        entries.append(
          DecodedLicense.Entry(
            keyId: Array(keyIds[(i * keyIdSize)..<((i + 1) * keyIdSize)]), signature: Array(blob[at..<(at + Int(OLIC_SIGNATURE_SIZE))])))
      }
    }
    return .success(DecodedLicense(fields: license, version: Int(license.version), bodyEnd: bodyEnd, entries: entries))
  }

  /// A v2 license with `signers` empty entries.
  static func draft(_ fields: olic_license, extra: [HostLicense.Extension], signers: Int) -> Result<[UInt8], olic_status> {
    HostLicense.proposal(fields, extra: extra, signers: signers)
  }

  /// `blob` with one more signature, placed by the core in key_id order.
  static func adding(_ blob: [UInt8], keyId: [UInt8], signature: [UInt8]) -> Result<[UInt8], olic_status> {
    guard keyId.count == Int(OLIC_KEY_ID_SIZE), signature.count == Int(OLIC_SIGNATURE_SIZE) else { return .failure(OLIC_ERR_ARGUMENT) }
    var out = blob
    let count = out.count
    let status = out.withUnsafeMutableBufferPointer { b in
      olic_add_signature(b.baseAddress, count, keyId, signature)
    }
    return status == OLIC_OK ? .success(out) : .failure(status)
  }

  /// The core's digest, BLAKE2b-256 of [0, body_end).
  static func digest(_ blob: [UInt8]) -> [UInt8]? {
    var out = [UInt8](repeating: 0, count: 32)
    return olic_license_digest(blob, blob.count, &out) == OLIC_OK ? out : nil
  }
}
