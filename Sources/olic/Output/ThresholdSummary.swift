import COlic

/// What the threshold commands print about a v2 license.
enum ThresholdSummary {
  /// The tail of `issue`'s line for a v2 license (nothing for v1), read from the
  /// blob written, so a request answered again from the ledger says what it holds.
  static func proposed(_ blob: [UInt8]) -> String {
    guard case .success(let license) = ThresholdLicense.decode(blob), license.version == 2,
      let digest = LicenseDigest.of(blob)
    else { return "" }
    let n = license.entries.count
    let signed = license.entries.filter { !$0.empty }.count
    let rest = signed == n ? "complete" : "empty entries left for olic cosign: \(n - signed)"
    return "; v2, \(n) signature entries, \(signed) signed, \(rest); digest \(Hex.encode(digest))"
  }

  /// `cosign`'s statement of what it is about to sign, one `key: value` a line.
  /// Every extension is listed with its raw value, not only the two it decodes:
  /// the cosigner signs every byte, an unknown critical TLV included.
  static func aboutToSign(_ license: DecodedLicense, blob: [UInt8], digest: [UInt8], keyId: [UInt8]) -> String {
    let f = license.fields
    var lines = [
      "about to sign, as key_id \(Hex.encode(keyId)), this license:",
      "  digest: \(Hex.encode(digest))",
      "  device_id: \(Hex.encode(bytes(of: f.device_id)))",
      "  license_id: \(f.license_id)",
      "  allowance: \(f.allowance)",
      "  min_firmware_version: \(f.min_firmware_version)",
    ]
    if f.has_validity {
      let show = { (t: UInt64) in TimeParsing.format(t).map { "\(t) (\($0))" } ?? String(t) }
      lines.append("  validity: \(show(f.not_before)) .. \(show(f.not_after))")
    }
    if f.has_bind_request { lines.append("  bind_request: \(f.bind_request)") }
    lines.append("  extension_count: \(f.extension_count)")
    for index in 0..<Int(f.extension_count) {
      var e = olic_extension()
      guard olic_license_extension(blob, blob.count, index, &e) == OLIC_OK else { continue }
      let from = Int(e.offset)
      let to = from + Int(e.length)
      let value = from <= to && to <= blob.count ? Hex.encode(Array(blob[from..<to])) : ""
      let critical = Int32(e.type) & Int32(OLIC_EXTENSION_CRITICAL) != 0 ? "yes" : "no"
      lines.append("  extensions[\(index)]: type=\(ExtensionArguments.typeName(e.type)) critical=\(critical) length=\(e.length) value=\(value)")
    }
    lines.append("  signature_count: \(license.entries.count)")
    for (i, e) in license.entries.enumerated() {
      lines.append("  signatures[\(i)]: " + (e.empty ? "empty" : "key_id \(Hex.encode(e.keyId)) (verified)"))
    }
    return lines.joined(separator: "\n")
  }
}
