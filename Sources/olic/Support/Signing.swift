import COlic
import OfflineLicensing

/// VALIDITY from the two time options.
enum Validity {
  static func parse(notBefore: String?, notAfter: String?) throws(Failure) -> (notBefore: UInt64, notAfter: UInt64)? {
    guard let notBefore, let notAfter else { return nil }
    let start = try TimeParsing.parse(notBefore, what: "--not-before")
    let end = try TimeParsing.parse(notAfter, what: "--not-after")
    guard start <= end else {
      throw Failure("--not-before \(printable(notBefore)) is after --not-after \(printable(notAfter)): the window is empty")
    }
    return (start, end)
  }
}

/// Signing through the core's encoder, with errors as one line.
enum Signing {
  static func issue(_ fields: olic_license, extra: [HostLicense.Extension], key: SigningKey) throws(Failure) -> [UInt8] {
    try key.license(fields, extra: extra) { Failure("cannot encode the license: \(statusName($0))") }
  }
}
