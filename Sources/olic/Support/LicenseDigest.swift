/// A license's identity: BLAKE2b-256 of the signed bytes [0, body_end), the same
/// for every assembly of its signature entries (docs/format.md), by the core's
/// olic_license_digest. nil for a blob the core does not read as a license.
enum LicenseDigest {
  static func of(_ blob: [UInt8]) -> [UInt8]? { ThresholdLicense.digest(blob) }
}
