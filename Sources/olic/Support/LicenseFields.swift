import COlic

/// The olic_license that olic_encode_license reads. key_id is filled in by
/// HostLicense.issue from the signing key itself.
func licenseFields(
  device: [UInt8], licenseId: UInt64, allowance: UInt64, minFirmware: UInt32,
  validity: (notBefore: UInt64, notAfter: UInt64)? = nil, bindRequest: UInt64? = nil
) -> olic_license {
  var fields = olic_license()
  withUnsafeMutableBytes(of: &fields.device_id) { $0.copyBytes(from: device) }
  fields.license_id = licenseId
  fields.allowance = allowance
  fields.min_firmware_version = minFirmware
  if let validity {
    fields.has_validity = true
    fields.not_before = validity.notBefore
    fields.not_after = validity.notAfter
  }
  if let bindRequest {
    fields.has_bind_request = true
    fields.bind_request = bindRequest
  }
  return fields
}
