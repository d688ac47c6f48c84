import COlic
import OfflineLicensing

/// The device, license id and binding that answer a request.
enum RequestSource {
  static func target(request path: String, registry: String?) throws(Failure) -> (device: [UInt8], licenseId: UInt64, bind: UInt64?) {
    let what = "--from-request \(printable(path))"
    let blob = try FileInput.read(path, what: "--from-request", limit: 1 << 20)
    var request = olic_request()
    let status = olic_verify_request(blob, blob.count, &request)
    guard status == OLIC_OK else { throw Failure("\(what): \(RequestProblem.describe(status, blob: blob))") }
    let device = bytes(of: request.device_id)
    let publicKey = bytes(of: request.device_public_key)
    if let registry {
      let known = try Registry.load(registry)
      guard let registered = known.publicKey(of: device) else {
        throw Failure("\(what): device \(Hex.encode(device)) is not in the registry \(printable(registry))")
      }
      guard registered == publicKey else {
        throw Failure("\(what): signed by key \(Hex.encode(publicKey)), but the registry \(printable(registry)) holds \(Hex.encode(registered)) for device \(Hex.encode(device))")
      }
    }
    guard request.last_license_id < UInt64.max else {
      throw Failure("\(what): last_license_id is 2^64-1, no higher license id exists")
    }
    return (device, request.last_license_id + 1, request.request_sequence)
  }
}

/// Why a request was refused, in words, for error lines.
enum RequestProblem {
  static func describe(_ status: olic_status, blob: [UInt8]) -> String {
    "\(statusName(status)): \(reason(status, blob: blob))"
  }

  static func reason(_ status: olic_status, blob: [UInt8]) -> String {
    let size = blob.count
    let requestSize = Int(OLIC_REQUEST_SIZE)
    switch status {
    case OLIC_ERR_MALFORMED where HostBlob.kind(of: blob) == .license:
      return "this is an olic license, not a request ('olic verify' checks a license, 'olic inspect' shows it)"
    case OLIC_ERR_MALFORMED where HostBlob.kind(of: blob) == .unknown:
      return "not an olic request (\(size) bytes, no OLIC header of type 2)"
    case OLIC_ERR_MALFORMED where size < requestSize:
      return "truncated request, \(size) bytes of \(requestSize)"
    case OLIC_ERR_MALFORMED where size > requestSize:
      return "\(size) bytes, a request is \(requestSize)"
    case OLIC_ERR_MALFORMED:
      return "not a well-formed request (reserved must be 0 and request_sequence at least 1)"
    case OLIC_ERR_VERSION:
      return "not a version 1 request"
    case OLIC_ERR_SIGNATURE:
      return "the device's signature does not verify"
    default:
      return statusName(status)
    }
  }
}
