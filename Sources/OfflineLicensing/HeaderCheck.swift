import COlic

/// Check steps 2 and 3, then the header rules of step 4, shared by licenses and
/// requests: magic, version, type and total_length = the length given.
/// `s` is the private copy, `length` the caller's claim (which may exceed it).
func checkHeader(_ s: RawSpan, length: Int, type: Int) throws(olic_status) {
  guard length >= Wire.headerSize, s.byteCount >= Wire.headerSize else { throw OLIC_ERR_MALFORMED }
  guard try s.le32(at: Wire.magicOffset) == Wire.magic else { throw OLIC_ERR_MALFORMED }
  guard try s.u8(at: Wire.versionOffset) == UInt8(OLIC_VERSION) else { throw OLIC_ERR_VERSION }
  guard Int(try s.u8(at: Wire.typeOffset)) == type else { throw OLIC_ERR_MALFORMED }
  guard Int(try s.le16(at: Wire.totalLengthOffset)) == length else { throw OLIC_ERR_MALFORMED }
}
