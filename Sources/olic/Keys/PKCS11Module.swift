import CPKCS11
import Glibc

/// A PKCS#11 module loaded at run time with dlopen, so olic itself needs no
/// module installed, and initialised for use from several threads when the
/// module can lock for itself. C_Finalize runs when it is released.
final class PKCS11Module: @unchecked Sendable {
  // @unchecked: the function list is constant; modules initialised with
  // CKF_OS_LOCKING_OK are safe to call from any thread (PKCS#11 section 5.4),
  // and a module that cannot lock gets one thread (`threadSafe`).
  let functions: UnsafeMutablePointer<CK_FUNCTION_LIST>
  let threadSafe: Bool
  let path: String
  private let handle: UnsafeMutableRawPointer

  /// Where the module comes from: --pkcs11-module, else the URI's module-path,
  /// else OLIC_PKCS11_MODULE.
  static func path(option: String?, uri: PKCS11URI) -> (path: String, what: String)? {
    if let option { return (option, "--pkcs11-module \(printable(option))") }
    if let path = uri.modulePath { return (path, "module-path \(printable(path))") }
    if let env = getenv("OLIC_PKCS11_MODULE").map({ String(cString: $0) }), !env.isEmpty {
      return (env, "OLIC_PKCS11_MODULE \(printable(env))")
    }
    return nil
  }

  init(path: String, what: String) throws(Failure) {
    guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
      let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
      throw Failure("\(what): cannot load the PKCS#11 module: \(printable(reason))")
    }
    guard let symbol = dlsym(handle, "C_GetFunctionList") else {
      dlclose(handle)
      throw Failure("\(what): not a PKCS#11 module (no C_GetFunctionList)")
    }
    typealias GetFunctionList = @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<CK_FUNCTION_LIST>?>?) -> CK_RV
    let getList = unsafeBitCast(symbol, to: GetFunctionList.self)
    var list: UnsafeMutablePointer<CK_FUNCTION_LIST>?
    guard getList(&list) == CKR_OK, let list, let initialize = list.pointee.C_Initialize else {
      dlclose(handle)
      throw Failure("\(what): the PKCS#11 module gave no function list")
    }
    var args = CK_C_INITIALIZE_ARGS()
    args.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
    var rv = initialize(&args)
    var threadSafe = true
    if rv == CKR_CANT_LOCK {
      threadSafe = false
      rv = initialize(nil)
    }
    guard rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED else {
      dlclose(handle)
      throw Failure("\(what): the PKCS#11 module did not initialise (\(Self.name(rv)))")
    }
    self.functions = list
    self.threadSafe = threadSafe
    self.path = path
    self.handle = handle
  }

  deinit {
    _ = functions.pointee.C_Finalize?(nil)
    dlclose(handle)
  }

  var f: CK_FUNCTION_LIST { functions.pointee }

  /// Slots with a token in them.
  func slots() -> [CK_SLOT_ID]? {
    guard let getSlotList = f.C_GetSlotList else { return nil }
    var count: CK_ULONG = 0
    guard getSlotList(CK_BBOOL(CK_TRUE), nil, &count) == CKR_OK else { return nil }
    var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
    guard getSlotList(CK_BBOOL(CK_TRUE), &slots, &count) == CKR_OK else { return nil }
    return Array(slots.prefix(Int(count)))
  }

  func tokenInfo(_ slot: CK_SLOT_ID) -> CK_TOKEN_INFO? {
    var info = CK_TOKEN_INFO()
    guard let getTokenInfo = f.C_GetTokenInfo, getTokenInfo(slot, &info) == CKR_OK else { return nil }
    return info
  }

  /// A name for an error line: the constant's name for the errors people meet.
  static func name(_ rv: CK_RV) -> String {
    let known: [(CK_RV, String)] = [
      (CK_RV(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT"), (CK_RV(CKR_PIN_LOCKED), "CKR_PIN_LOCKED"),
      (CK_RV(CKR_PIN_LEN_RANGE), "CKR_PIN_LEN_RANGE"), (CK_RV(CKR_PIN_EXPIRED), "CKR_PIN_EXPIRED"),
      (CK_RV(CKR_USER_PIN_NOT_INITIALIZED), "CKR_USER_PIN_NOT_INITIALIZED"),
      (CK_RV(CKR_MECHANISM_INVALID), "CKR_MECHANISM_INVALID"), (CK_RV(CKR_KEY_TYPE_INCONSISTENT), "CKR_KEY_TYPE_INCONSISTENT"),
      (CK_RV(CKR_DEVICE_REMOVED), "CKR_DEVICE_REMOVED"), (CK_RV(CKR_DEVICE_ERROR), "CKR_DEVICE_ERROR"),
      (CK_RV(CKR_TOKEN_NOT_PRESENT), "CKR_TOKEN_NOT_PRESENT"), (CK_RV(CKR_SESSION_COUNT), "CKR_SESSION_COUNT"),
      (CK_RV(CKR_TOKEN_WRITE_PROTECTED), "CKR_TOKEN_WRITE_PROTECTED"), (CK_RV(CKR_ATTRIBUTE_VALUE_INVALID), "CKR_ATTRIBUTE_VALUE_INVALID"),
      (CK_RV(CKR_TEMPLATE_INCONSISTENT), "CKR_TEMPLATE_INCONSISTENT"), (CK_RV(CKR_DOMAIN_PARAMS_INVALID), "CKR_DOMAIN_PARAMS_INVALID"),
      (CK_RV(CKR_CURVE_NOT_SUPPORTED), "CKR_CURVE_NOT_SUPPORTED"), (CK_RV(CKR_FUNCTION_FAILED), "CKR_FUNCTION_FAILED"),
      (CK_RV(CKR_GENERAL_ERROR), "CKR_GENERAL_ERROR"), (CK_RV(CKR_HOST_MEMORY), "CKR_HOST_MEMORY"),
      (CK_RV(CKR_DEVICE_MEMORY), "CKR_DEVICE_MEMORY"), (CK_RV(CKR_USER_NOT_LOGGED_IN), "CKR_USER_NOT_LOGGED_IN"),
      (CK_RV(CKR_KEY_FUNCTION_NOT_PERMITTED), "CKR_KEY_FUNCTION_NOT_PERMITTED"),
    ]
    for (code, text) in known where code == rv { return text }
    return "CKR 0x" + String(rv, radix: 16)
  }
}

/// A fixed-width, space-padded CK_TOKEN_INFO field as bytes.
func paddedField<T>(_ field: T) -> [UInt8] {
  var bytes = withUnsafeBytes(of: field) { Array($0) }
  while let last = bytes.last, last == 0x20 || last == 0 { bytes.removeLast() }
  return bytes
}
