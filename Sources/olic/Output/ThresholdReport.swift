import COlic
import OfflineLicensing

/// `inspect` of a threshold license (v2), complete or partly signed: every entry
/// (its key_id, or empty), whether the license is complete, and its digest.
///
/// status: OLIC_OK only when the license is complete and every entry verifies
/// under the --trusted-key with its key_id; the first entry that fails gives its
/// status as a device would (OLIC_ERR_UNKNOWN_KEY when no --trusted-key has its
/// key_id, OLIC_ERR_SIGNATURE when it does not verify), exit 1. Otherwise
/// INCOMPLETE for a partly signed license (exit 0: a proposal is meant to be one;
/// every device refuses it), or UNVERIFIED when no --trusted-key was given.
enum ThresholdReport {
  static func license(_ blob: [UInt8], _ license: DecodedLicense, trustedKeys: [[UInt8]]) -> InspectResult {
    let f = license.fields
    let message = Array(blob[..<license.bodyEnd])
    var result = InspectResult(type: "license", failure: nil)
    var entryFields: [[Field]] = []
    for (index, entry) in license.entries.enumerated() {
      // signer: the entry as a person reads it, the key_id that signed or "empty";
      // key_id: the wire bytes (all zero when empty).
      let signer = entry.empty ? "empty" : Hex.encode(entry.keyId)
      var item = [Field("signer", .text(signer)), Field("key_id", .hex(entry.keyId)), Field("empty", .flag(entry.empty))]
      var verdict = "NOT_CHECKED"
      if !entry.empty, !trustedKeys.isEmpty {
        if let key = trustedKeys.first(where: { HostLicense.keyId($0) == entry.keyId }) {
          let ok = HostCrypto.verify(entry.signature, message: message, publicKey: key)
          verdict = statusName(ok ? OLIC_OK : OLIC_ERR_SIGNATURE)
          if !ok, result.failure == nil {
            result.failure = OLIC_ERR_SIGNATURE
            result.reason = "entry \(index) (key_id \(Hex.encode(entry.keyId))) does not verify under its --trusted-key: the license was altered or forged"
          }
        } else {
          verdict = statusName(OLIC_ERR_UNKNOWN_KEY)
          if result.failure == nil {
            result.failure = OLIC_ERR_UNKNOWN_KEY
            result.reason = "entry \(index) is signed by key_id \(Hex.encode(entry.keyId)), which no --trusted-key has"
          }
        }
      }
      item.append(Field("signature_status", .text(entry.empty ? "EMPTY" : verdict)))
      entryFields.append(item)
    }
    if result.failure == nil {
      if !license.complete {
        result.status = "INCOMPLETE"
        let signed = license.entries.filter { !$0.empty }.count
        result.reason = "partly signed: \(signed) of \(license.entries.count) entries signed; every device refuses it until olic cosign fills the rest"
      } else if trustedKeys.isEmpty {
        result.status = "UNVERIFIED"
        result.reason = "the signatures were not checked (no --trusted-key given)"
      }
    }
    let extensions: [[Field]] = (0..<Int(f.extension_count)).compactMap { index in
      var e = olic_extension()
      guard olic_license_extension(blob, blob.count, index, &e) == OLIC_OK else { return nil }
      return BlobReport.describe(e, blob: blob, license: f)
    }
    result.fields = [
      Field("total_length", .number(UInt64(f.total_length))),
      Field("version", .number(UInt64(license.version))),
      Field("signature_count", .number(UInt64(license.entries.count))),
      Field("device_id", .hex(bytes(of: f.device_id))),
      Field("license_id", .number(f.license_id)),
      Field("allowance", .number(f.allowance)),
      Field("min_firmware_version", .number(UInt64(f.min_firmware_version))),
      Field("flags", .number(UInt64(f.flags))),
      Field("extension_count", .number(UInt64(f.extension_count))),
      Field("extensions", .items(extensions)),
      Field("digest", .hex(LicenseDigest.of(blob) ?? [])),
      Field("signatures", .items(entryFields)),
      Field("complete", .flag(license.complete)),
    ]
    return result
  }
}
