import COlic
import OfflineLicensing

/// What `inspect` prints: type, status, the reason when it is not OLIC_OK, then
/// the fields. `failure` is set for every verdict that makes inspect exit 1.
struct InspectResult {
  let type: String
  var failure: olic_status?
  var status: String
  var reason: String?
  var fields: [Field] = []

  init(type: String, failure: olic_status?) {
    self.type = type
    self.failure = failure
    self.status = failure.map(statusName) ?? statusName(OLIC_OK)
  }

  var all: [Field] {
    var head = [Field("type", .text(type)), Field("status", .text(failure.map(statusName) ?? status))]
    if let reason { head.append(Field("reason", .text(reason))) }
    return head + fields
  }
}

/// Decodes a license or a request for `inspect`, through the core's parsers only:
/// olic_parse and olic_license_extension for licenses, olic_verify_request for
/// requests, and the core's host-only HostBlob readers to explain a refusal. The
/// CLI never reads a wire offset itself.
enum BlobReport {
  /// A license's fields and verdict. `status` is OLIC_OK only when the signature
  /// was checked under `publicKey` and verifies: a well-formed license inspected
  /// without a key is "UNVERIFIED", never OK, since anyone can write one.
  static func license(_ blob: [UInt8], publicKey: [UInt8]?) -> InspectResult {
    var parsed = olic_license()
    let structure = olic_parse(blob, blob.count, &parsed)
    let extensions: [olic_extension]
    if structure == OLIC_OK {
      extensions = (0..<Int(parsed.extension_count)).map { index in
        var e = olic_extension()
        _ = olic_license_extension(blob, blob.count, index, &e)
        return e
      }
    } else if structure == OLIC_ERR_UNSUPPORTED_EXTENSION, let layout = HostBlob.layoutDespiteUnknownCritical(blob) {
      // Refused by every v1 device, but the fields are still worth showing.
      (parsed, extensions) = layout
    } else {
      return malformedLicense(blob, structure)
    }
    let signature = publicKey.map { HostLicense.signatureStatus(blob, publicKey: $0) }
    var result = InspectResult(type: "license", failure: nil)
    switch (structure, signature) {
    case (OLIC_OK, nil):
      result.status = "UNVERIFIED"
      result.reason = "the signature was not checked (no --trusted-key given)"
    case (OLIC_OK, OLIC_OK?):
      result.status = statusName(OLIC_OK)
    case (OLIC_OK, let verdict?):
      result.failure = verdict
      result.reason = signatureProblem(verdict, keyId: bytes(of: parsed.key_id), publicKey: publicKey ?? [])
    default:
      result.failure = structure
      let critical = extensions.filter { Int32($0.type) & Int32(OLIC_EXTENSION_CRITICAL) != 0 }
        .filter { Int32($0.type) != Int32(OLIC_EXTENSION_VALIDITY) && Int32($0.type) != Int32(OLIC_EXTENSION_BIND_REQUEST) }
      result.reason = "critical extension type "
        + critical.map { ExtensionArguments.typeName($0.type) }.joined(separator: ", ")
        + " is unknown to v1 devices, which all refuse the license"
    }
    result.fields = [
      Field("total_length", .number(UInt64(parsed.total_length))),
      Field("key_id", .hex(bytes(of: parsed.key_id))),
      Field("device_id", .hex(bytes(of: parsed.device_id))),
      Field("license_id", .number(parsed.license_id)),
      Field("allowance", .number(parsed.allowance)),
      Field("min_firmware_version", .number(UInt64(parsed.min_firmware_version))),
      Field("flags", .number(UInt64(parsed.flags))),
      Field("extension_count", .number(UInt64(parsed.extension_count))),
      Field("extensions", .items(extensions.map { describe($0, blob: blob, license: parsed) })),
      Field("signature", .hex(bytes(of: parsed.signature))),
      Field("signature_status", .text(signature.map(statusName) ?? "NOT_CHECKED")),
    ]
    return result
  }

  /// A license olic_parse refused for its layout: the reason, and the fixed fields
  /// whose bytes are there.
  private static func malformedLicense(_ blob: [UInt8], _ status: olic_status) -> InspectResult {
    let d = HostBlob.diagnoseLicense(blob)
    var result = InspectResult(type: "license", failure: status)
    result.reason = d.reason
    result.fields.append(Field("file_length", .number(UInt64(blob.count))))
    if let v = d.totalLength { result.fields.append(Field("total_length", .number(UInt64(v)))) }
    if let v = d.keyId { result.fields.append(Field("key_id", .hex(v))) }
    if let v = d.deviceId { result.fields.append(Field("device_id", .hex(v))) }
    if let v = d.licenseId { result.fields.append(Field("license_id", .number(v))) }
    if let v = d.allowance { result.fields.append(Field("allowance", .number(v))) }
    if let v = d.minFirmwareVersion { result.fields.append(Field("min_firmware_version", .number(UInt64(v)))) }
    if let v = d.flags { result.fields.append(Field("flags", .number(UInt64(v)))) }
    result.fields.append(Field("signature_status", .text("NOT_CHECKED")))
    return result
  }

  private static func signatureProblem(_ status: olic_status, keyId: [UInt8], publicKey: [UInt8]) -> String {
    switch status {
    case OLIC_ERR_UNKNOWN_KEY:
      let given = HostLicense.keyId(publicKey).map { Hex.encode($0) } ?? "?"
      return "signed by key_id \(Hex.encode(keyId)), not by the --trusted-key (key_id \(given))"
    case OLIC_ERR_SIGNATURE:
      return "the signature does not verify under the --trusted-key: the license was altered or forged"
    default:
      return statusName(status)
    }
  }

  static func request(_ blob: [UInt8]) -> InspectResult {
    var r = olic_request()
    let status = olic_verify_request(blob, blob.count, &r)
    var result = InspectResult(type: "request", failure: status == OLIC_OK ? nil : status)
    if status != OLIC_OK {
      result.reason = RequestProblem.reason(status, blob: blob)
      // A forged or malformed request still says which device it claims to be.
      guard let claimed = HostBlob.requestFields(blob) else { return result }
      r = claimed
    }
    result.fields = [
      Field("total_length", .number(UInt64(blob.count))),
      Field("device_id", .hex(bytes(of: r.device_id))),
      Field("device_public_key", .hex(bytes(of: r.device_public_key))),
      Field("last_license_id", .number(r.last_license_id)),
      Field("remaining", .number(r.remaining)),
      Field("consumed_total", .number(r.consumed_total)),
      Field("request_sequence", .number(r.request_sequence)),
      Field("firmware_version", .number(UInt64(r.firmware_version))),
      Field("reserved", .number(UInt64(r.reserved))),
      Field("time_high_water", .time(r.time_high_water)),
      Field("signature", .hex(bytes(of: r.signature))),
    ]
    return result
  }

  /// One extension: known types by name with their decoded fields, every type
  /// with its raw value in hex.
  static func describe(_ e: olic_extension, blob: [UInt8], license: olic_license) -> [Field] {
    let start = Int(e.offset)
    let end = start + Int(e.length)
    let value = start <= end && end <= blob.count ? Array(blob[start..<end]) : []
    var fields = [Field("type", .typeCode(e.type))]
    switch Int32(e.type) {
    case Int32(OLIC_EXTENSION_VALIDITY):
      fields += [Field("name", .text("VALIDITY")), Field("critical", .flag(true)), Field("length", .number(UInt64(e.length))),
        Field("not_before", .time(license.not_before)), Field("not_after", .time(license.not_after))]
    case Int32(OLIC_EXTENSION_BIND_REQUEST):
      fields += [Field("name", .text("BIND_REQUEST")), Field("critical", .flag(true)), Field("length", .number(UInt64(e.length))),
        Field("request_sequence", .number(license.bind_request))]
    default:
      let critical = Int32(e.type) & Int32(OLIC_EXTENSION_CRITICAL) != 0
      fields += [Field("name", .text("unknown")), Field("critical", .flag(critical)), Field("length", .number(UInt64(e.length)))]
    }
    fields.append(Field("value", .hex(value)))
    return fields
  }
}

func statusName(_ status: olic_status) -> String {
  String(cString: olic_status_name(status))
}

/// The bytes of a fixed-size C array field (imported as a tuple).
func bytes<T>(of tuple: T) -> [UInt8] {
  withUnsafeBytes(of: tuple) { Array($0) }
}
