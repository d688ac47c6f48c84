#if !hasFeature(Embedded)
  import COlic

  extension HostLicense {
    /// A threshold license (wire v2) with `signers` empty entries, from the core's
    /// one encoder (olic_encode_license with version 2): the tools fill the
    /// entries with olic_add_signature, each signer over [0, body_end).
    public static func proposal(_ fields: olic_license, extra: [Extension], signers: Int) -> Result<[UInt8], olic_status> {
      guard (1...Int(OLIC_MAX_SIGNERS)).contains(signers) else { return .failure(OLIC_ERR_MALFORMED) }
      var fields = fields
      fields.version = UInt32(OLIC_VERSION_THRESHOLD)
      fields.signature_count = UInt32(signers)
      var blob = [UInt8](repeating: 0, count: Int(OLIC_LICENSE_MAX_SIZE))
      var length = 0
      let status = encode(fields, extra: extra, into: &blob, length: &length)
      guard status == OLIC_OK else { return .failure(status) }
      blob.removeSubrange(length...)
      return .success(blob)
    }
  }
#endif
