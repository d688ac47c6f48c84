import COlic

/// Check steps 2 and 3, then the header rules of step 4, shared by licenses and
/// requests: magic, version, type and total_length = the length given.
/// `s` is the private copy, `length` the caller's claim (which may exceed it).
/// Returns the version: 1, or 2 when `threshold` (licenses) allows it; requests
/// are v1 only, so their version 2 is OLIC_ERR_VERSION.
@discardableResult
func checkHeader(_ s: RawSpan, length: Int, type: Int, threshold: Bool = false) throws(olic_status) -> UInt8 {
  guard length >= Wire.headerSize, s.byteCount >= Wire.headerSize else { throw OLIC_ERR_MALFORMED }
  guard try s.le32(at: Wire.magicOffset) == Wire.magic else { throw OLIC_ERR_MALFORMED }
  let version = try s.u8(at: Wire.versionOffset)
  guard version == LicenseLayout.v1 || (threshold && version == LicenseLayout.v2) else { throw OLIC_ERR_VERSION }
  guard Int(try s.u8(at: Wire.typeOffset)) == type else { throw OLIC_ERR_MALFORMED }
  guard Int(try s.le16(at: Wire.totalLengthOffset)) == length else { throw OLIC_ERR_MALFORMED }
  return version
}
