import COlic
import CSodium
import OfflineLicensing

/// An Ed25519 key pair made by libsodium directly from a fixed seed, so tests
/// are deterministic and never depend on the code under test for keys.
struct TestKey {
  let seed: [UInt8]
  let publicKey: [UInt8]
  let secretKey: [UInt8]

  init(seedByte: UInt8) {
    _ = sodium_init()
    seed = [UInt8](repeating: seedByte, count: 32)
    var pk = [UInt8](repeating: 0, count: 32)
    var sk = [UInt8](repeating: 0, count: 64)
    _ = crypto_sign_seed_keypair(&pk, &sk, seed)
    publicKey = pk
    secretKey = sk
  }

  /// key_id computed with libsodium, independently of olic_key_id.
  var keyId: [UInt8] {
    var digest = [UInt8](repeating: 0, count: 32)
    _ = crypto_generichash(&digest, 32, publicKey, 32, nil, 0)
    return Array(digest[0..<8])
  }

  func sign(_ message: [UInt8]) -> [UInt8] {
    var signature = [UInt8](repeating: 0, count: 64)
    _ = crypto_sign_detached(&signature, nil, message, UInt64(message.count), secretKey)
    return signature
  }
}

let regulator = TestKey(seedByte: 0x11)
let otherRegulator = TestKey(seedByte: 0x22)
let deviceKey = TestKey(seedByte: 0x33)
let thisDevice = [UInt8](repeating: 0xD1, count: 32)
let otherDevice = [UInt8](repeating: 0xD2, count: 32)
let firmwareVersion: UInt32 = 100

/// Everything a license says, with defaults that pass every check on a freshly
/// provisioned device (firmware 100, no request made, no time seen).
struct LicenseSpec {
  var keyId = regulator.keyId
  var deviceId = thisDevice
  var licenseId: UInt64 = 5
  var allowance: UInt64 = 1000
  var minFirmware: UInt32 = 0
  var flags: UInt32 = 0
  var validity: (UInt64, UInt64)? = nil
  var bindRequest: UInt64? = nil
  var extra: [(type: UInt16, value: [UInt8])] = []
  var signer = regulator

  /// The unsigned bytes from the core's encoder (signature area zero).
  func encoded() -> (status: olic_status, bytes: [UInt8]) {
    var fields = olic_license()
    withUnsafeMutableBytes(of: &fields.key_id) { $0.copyBytes(from: keyId) }
    withUnsafeMutableBytes(of: &fields.device_id) { $0.copyBytes(from: deviceId) }
    fields.license_id = licenseId
    fields.allowance = allowance
    fields.min_firmware_version = minFirmware
    fields.flags = flags
    if let validity {
      fields.has_validity = true
      fields.not_before = validity.0
      fields.not_after = validity.1
    }
    if let bindRequest {
      fields.has_bind_request = true
      fields.bind_request = bindRequest
    }
    var out = [UInt8](repeating: 0xEE, count: 1100)
    var length = 0
    let values = extra.map { $0.value }
    let status = withExtensionArray(values) { pointers in
      var list = [olic_extension]()
      for (i, e) in extra.enumerated() {
        list.append(olic_extension(type: e.type, length: UInt16(e.value.count), offset: 0, value: pointers[i]))
      }
      return olic_encode_license(&fields, list, list.count, &out, out.count, &length)
    }
    return (status, Array(out[0..<length]))
  }

  /// A signed license. Signing is done here with libsodium, not by olic.
  var bytes: [UInt8] {
    var body = encoded().bytes
    precondition(body.count >= 136, "spec does not encode: \(encoded().status)")
    let signed = body.count - 64
    body.replaceSubrange(signed..<body.count, with: signer.sign(Array(body[0..<signed])))
    return body
  }
}

/// Keeps every extension value's storage alive while the encoder reads it.
private func withExtensionArray<R>(_ values: [[UInt8]], _ body: ([UnsafePointer<UInt8>?]) -> R) -> R {
  var pointers = [UnsafePointer<UInt8>?]()
  var owned = [UnsafeMutablePointer<UInt8>]()
  for v in values {
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(v.count, 1))
    p.initialize(from: v, count: v.count)
    owned.append(p)
    pointers.append(UnsafePointer(p))
  }
  defer { for p in owned { p.deallocate() } }
  return body(pointers)
}

/// Re-signs any byte string as a license would be signed (for tests that must
/// reach the checks past the signature with hand-modified bytes).
func resigned(_ blob: [UInt8], by key: TestKey = regulator) -> [UInt8] {
  guard blob.count >= 64 else { return blob }
  var b = blob
  let signed = b.count - 64
  b.replaceSubrange(signed..<b.count, with: key.sign(Array(b[0..<signed])))
  return b
}

/// A provisioned device on RAM storage with a ready context.
final class Device {
  let ram: RAMStorage
  var storage: olic_storage
  var context = olic_context()
  var keys: [UInt8]
  var config = olic_config()

  init(trusted: [TestKey] = [regulator], firmware: UInt32 = firmwareVersion, ram: RAMStorage = RAMStorage(), provision: Bool = true) {
    self.ram = ram
    storage = ram.storage
    keys = trusted.flatMap { $0.publicKey }
    config.trusted_key_count = trusted.count
    withUnsafeMutableBytes(of: &config.device_id) { $0.copyBytes(from: thisDevice) }
    config.firmware_version = firmware
    if provision { _ = olic_provision(&storage) }
    _ = boot()
  }

  /// olic_init on the current storage bytes, as after a reboot.
  @discardableResult
  func boot() -> olic_status {
    keys.withUnsafeBufferPointer { k in
      config.trusted_keys = k.baseAddress
      return olic_init(&context, &config, &storage)
    }
  }

  func check(_ license: [UInt8], now: UInt64 = 0) -> olic_status {
    olic_check(&context, license, license.count, now, nil)
  }

  func install(_ license: [UInt8], now: UInt64 = 0) -> olic_status {
    olic_install(&context, license, license.count, now)
  }

  func reserve(_ want: UInt64) -> (olic_status, UInt64) {
    var granted: UInt64 = 0xDEAD
    let s = olic_reserve(&context, want, &granted)
    return (s, granted)
  }

  func request(key: [UInt8] = deviceKey.secretKey) -> (olic_status, [UInt8]) {
    var out = [UInt8](repeating: 0, count: 200)
    var length = 0xDEAD
    let s = olic_make_request(&context, key, &out, out.count, &length)
    return (s, Array(out[0..<min(length, out.count)]))
  }

  var state: olic_state_info {
    var info = olic_state_info()
    _ = olic_state(&context, &info)
    return info
  }
}

/// Field-by-field equality of two states (C structs are not Equatable).
func same(_ a: olic_state_info, _ b: olic_state_info) -> Bool {
  a.last_license_id == b.last_license_id && a.remaining == b.remaining
    && a.consumed_total == b.consumed_total && a.request_sequence == b.request_sequence
    && a.time_high_water == b.time_high_water && a.firmware_version == b.firmware_version
}

func describe(_ s: olic_state_info) -> String {
  "lid=\(s.last_license_id) rem=\(s.remaining) used=\(s.consumed_total) seq=\(s.request_sequence) thw=\(s.time_high_water) fw=\(s.firmware_version)"
}

func name(_ s: olic_status) -> String { String(cString: olic_status_name(s)) }

func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
func le16(_ v: UInt16) -> [UInt8] { [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
