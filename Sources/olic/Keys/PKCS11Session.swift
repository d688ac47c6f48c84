import CPKCS11

/// The calls olic makes on one session, each with its failure as CK_RV. Values
/// in templates are copied into one buffer that lives for the call.
struct PKCS11Session {
  let module: PKCS11Module
  let handle: CK_SESSION_HANDLE

  typealias Template = [(type: CK_ATTRIBUTE_TYPE, value: [UInt8])]

  static func ulong(_ v: CK_ULONG) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
  static func bool(_ v: Bool) -> [UInt8] { [v ? UInt8(CK_TRUE) : UInt8(CK_FALSE)] }

  static func withTemplate<R>(_ template: Template, _ body: (UnsafeMutablePointer<CK_ATTRIBUTE>?, CK_ULONG) -> R) -> R {
    let values = template.flatMap(\.value)
    return values.withUnsafeBufferPointer { buffer in
      var attributes: [CK_ATTRIBUTE] = []
      var offset = 0
      for item in template {
        let pointer = buffer.baseAddress.map { UnsafeMutableRawPointer(mutating: $0 + offset) }
        attributes.append(CK_ATTRIBUTE(type: item.type, pValue: item.value.isEmpty ? nil : pointer, ulValueLen: CK_ULONG(item.value.count)))
        offset += item.value.count
      }
      return attributes.withUnsafeMutableBufferPointer { body($0.baseAddress, CK_ULONG($0.count)) }
    }
  }

  func find(_ template: Template, limit: Int = 8) -> Result<[CK_OBJECT_HANDLE], PKCS11Error> {
    guard let initFind = module.f.C_FindObjectsInit, let findObjects = module.f.C_FindObjects,
      let finalFind = module.f.C_FindObjectsFinal
    else { return .failure(PKCS11Error(CK_RV(CKR_FUNCTION_NOT_SUPPORTED))) }
    let rv = Self.withTemplate(template) { initFind(handle, $0, $1) }
    guard rv == CKR_OK else { return .failure(PKCS11Error(rv)) }
    var found = [CK_OBJECT_HANDLE](repeating: 0, count: limit)
    var count: CK_ULONG = 0
    let got = findObjects(handle, &found, CK_ULONG(limit), &count)
    _ = finalFind(handle)
    guard got == CKR_OK else { return .failure(PKCS11Error(got)) }
    return .success(Array(found.prefix(Int(count))))
  }

  func attribute(_ object: CK_OBJECT_HANDLE, _ type: CK_ATTRIBUTE_TYPE) -> Result<[UInt8], PKCS11Error> {
    guard let get = module.f.C_GetAttributeValue else { return .failure(PKCS11Error(CK_RV(CKR_FUNCTION_NOT_SUPPORTED))) }
    var probe = CK_ATTRIBUTE(type: type, pValue: nil, ulValueLen: 0)
    var rv = get(handle, object, &probe, 1)
    guard rv == CKR_OK, probe.ulValueLen != CK_ULONG.max, probe.ulValueLen <= 4096 else {
      return .failure(PKCS11Error(rv == CKR_OK ? CK_RV(CKR_ATTRIBUTE_TYPE_INVALID) : rv))
    }
    var value = [UInt8](repeating: 0, count: Int(probe.ulValueLen))
    rv = value.withUnsafeMutableBytes { buffer in
      var attribute = CK_ATTRIBUTE(type: type, pValue: buffer.baseAddress, ulValueLen: CK_ULONG(buffer.count))
      return get(handle, object, &attribute, 1)
    }
    return rv == CKR_OK ? .success(value) : .failure(PKCS11Error(rv))
  }

  /// CKM_EDDSA without parameters: pure Ed25519 (RFC 8032) of `message`.
  func sign(_ object: CK_OBJECT_HANDLE, _ message: UnsafeRawBufferPointer) -> Result<[UInt8], PKCS11Error> {
    guard let signInit = module.f.C_SignInit, let sign = module.f.C_Sign else { return .failure(PKCS11Error(CK_RV(CKR_FUNCTION_NOT_SUPPORTED))) }
    var mechanism = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(CKM_EDDSA), pParameter: nil, ulParameterLen: 0)
    var rv = signInit(handle, &mechanism, object)
    guard rv == CKR_OK else { return .failure(PKCS11Error(rv)) }
    var signature = [UInt8](repeating: 0, count: 64)
    var length = CK_ULONG(signature.count)
    let data = message.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) }
    rv = sign(handle, data, CK_ULONG(message.count), &signature, &length)
    guard rv == CKR_OK else { return .failure(PKCS11Error(rv)) }
    guard length == 64 else { return .failure(PKCS11Error(CK_RV(CKR_SIGNATURE_LEN_RANGE))) }
    return .success(signature)
  }

  /// The 32-byte Ed25519 key in CKA_EC_POINT: a DER OCTET STRING as PKCS#11 3.0
  /// specifies, or the bare 32 bytes, as some modules store it.
  static func edwardsPoint(_ value: [UInt8]) -> [UInt8]? {
    if value.count == 34, value[0] == 0x04, value[1] == 0x20 { return Array(value[2...]) }
    if value.count == 32 { return value }
    return nil
  }

  /// id-Ed25519 (1.3.101.112) as DER, the CKA_EC_PARAMS of an Ed25519 key.
  static let ed25519Parameters: [UInt8] = [0x06, 0x03, 0x2b, 0x65, 0x70]
}

/// A PKCS#11 return value other than CKR_OK.
struct PKCS11Error: Error {
  let rv: CK_RV
  init(_ rv: CK_RV) { self.rv = rv }
  var name: String { PKCS11Module.name(rv) }
}
