import COlic
import OfflineLicensing

/// Decodes a license or a request for `inspect`, through the core's parsers only:
/// olic_parse and olic_license_extension for licenses, olic_verify_request for
/// requests. The CLI never reads a wire offset itself.
enum BlobReport {
  static func license(_ blob: [UInt8]) -> (status: olic_status, fields: [Field]) {
    var parsed = olic_license()
    let status = olic_parse(blob, blob.count, &parsed)
    var header = [Field("type", .text("license")), Field("status", .text(statusName(status)))]
    let extensions: [olic_extension]
    if status == OLIC_OK {
      extensions = (0..<Int(parsed.extension_count)).map { index in
        var e = olic_extension()
        _ = olic_license_extension(blob, blob.count, index, &e)
        return e
      }
    } else if status == OLIC_ERR_UNSUPPORTED_EXTENSION, let layout = HostBlob.layoutDespiteUnknownCritical(blob) {
      // Refused by every v1 device, but the fields are still worth showing.
      (parsed, extensions) = layout
    } else {
      return (status, header)
    }
    header += [
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
    ]
    return (status, header)
  }

  static func request(_ blob: [UInt8]) -> (status: olic_status, fields: [Field]) {
    var r = olic_request()
    let status = olic_verify_request(blob, blob.count, &r)
    var fields = [Field("type", .text("request")), Field("status", .text(statusName(status)))]
    guard status == OLIC_OK else { return (status, fields) }
    fields += [
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
    return (status, fields)
  }

  /// One extension: known types by name with their decoded fields, every type
  /// with its raw value in hex.
  private static func describe(_ e: olic_extension, blob: [UInt8], license: olic_license) -> [Field] {
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
