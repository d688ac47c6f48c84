import CPKCS11
import Glibc

/// The one token a PKCS#11 URI names, in the module that holds it, and the
/// steps every command takes with it: sessions, login, object search.
struct TokenSlot {
  let module: PKCS11Module
  let slot: CK_SLOT_ID
  let info: CK_TOKEN_INFO
  let named: String

  init(uri: PKCS11URI, named: String, moduleOption: String?) throws(Failure) {
    guard let source = PKCS11Module.path(option: moduleOption, uri: uri) else {
      throw Failure("\(named): needs a PKCS#11 module; give --pkcs11-module PATH or set OLIC_PKCS11_MODULE")
    }
    let module = try PKCS11Module(path: source.path, what: source.what)
    guard let slots = module.slots() else { throw Failure("\(named): the PKCS#11 module cannot list its slots") }
    var matches: [(CK_SLOT_ID, CK_TOKEN_INFO)] = []
    var labels: [String] = []
    for slot in slots {
      // An uninitialised token (SoftHSM always offers one) has no label to match.
      guard let info = module.tokenInfo(slot), info.flags & CK_FLAGS(CKF_TOKEN_INITIALIZED) != 0 else { continue }
      labels.append("'" + printable(String(decoding: paddedField(info.label), as: UTF8.self)) + "'")
      if let want = uri.slotId, want != slot { continue }
      if let want = uri.token, want != paddedField(info.label) { continue }
      if let want = uri.manufacturer, want != paddedField(info.manufacturerID) { continue }
      if let want = uri.serial, want != paddedField(info.serialNumber) { continue }
      if let want = uri.model, want != paddedField(info.model) { continue }
      matches.append((slot, info))
    }
    guard let match = matches.first else {
      let present = labels.isEmpty ? "the module has no token" : "tokens present: \(labels.joined(separator: ", "))"
      throw Failure("\(named): no such token (\(present))")
    }
    guard matches.count == 1 else { throw Failure("\(named): names \(matches.count) tokens; add serial= to the URI") }
    self.module = module
    (slot, info) = match
    self.named = named
  }

  var label: String { printable(String(decoding: paddedField(info.label), as: UTF8.self)) }

  func openSession(readWrite: Bool) throws(Failure) -> PKCS11Session {
    guard let open = module.f.C_OpenSession else { throw Failure("\(named): the module cannot open sessions") }
    var flags = CK_FLAGS(CKF_SERIAL_SESSION)
    if readWrite { flags |= CK_FLAGS(CKF_RW_SESSION) }
    var handle: CK_SESSION_HANDLE = 0
    let rv = open(slot, flags, nil, nil, &handle)
    guard rv == CKR_OK else { throw Failure("\(named): cannot open a session with the token (\(PKCS11Module.name(rv)))") }
    return PKCS11Session(module: module, handle: handle)
  }

  /// The PIN's source: --pin-file, else the URI's pin-source, else
  /// OLIC_PKCS11_PIN_FILE, else a prompt when stdin is a terminal.
  private func pinSource(_ pinOption: String?, _ uri: PKCS11URI) -> SecretSource {
    var source = SecretSource(file: pinOption, option: "--pin-file", environment: "OLIC_PKCS11_PIN_FILE", noun: "PIN")
    if let file = uri.pinFile { source.named = (file, "pin-source \(printable(file))") }
    return source
  }

  /// Logs in as the user; the PIN is wiped right after.
  func login(_ session: PKCS11Session, pinOption: String?, uri: PKCS11URI) throws(Failure) {
    guard info.flags & CK_FLAGS(CKF_LOGIN_REQUIRED) != 0 else { return }
    let source = pinSource(pinOption, uri)
    let pin = try source.read(prompt: "PIN for token '\(label)': ")
    guard let login = module.f.C_Login else { throw Failure("\(named): the module cannot log in") }
    var rv: CK_RV
    if let pin {
      rv = login(session.handle, CK_USER_TYPE(CKU_USER), pin.base, CK_ULONG(pin.count))
    } else if info.flags & CK_FLAGS(CKF_PROTECTED_AUTHENTICATION_PATH) != 0 {
      // The PIN is typed on the reader's own keypad.
      rv = login(session.handle, CK_USER_TYPE(CKU_USER), nil, 0)
    } else {
      throw Failure("\(named): the token needs a PIN; give it with --pin-file FILE, OLIC_PKCS11_PIN_FILE or pin-source= in the URI")
    }
    guard rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN else {
      if rv == CKR_PIN_INCORRECT { throw Failure("\(named): the token refused the PIN (CKR_PIN_INCORRECT)") }
      throw Failure("\(named): cannot log in to the token (\(PKCS11Module.name(rv)))")
    }
  }

  /// Logs in only when a PIN source is at hand (reading a public key may not
  /// need one); false when none is. A PIN given and refused is still an error.
  func login(ifPossible session: PKCS11Session, pinOption: String?, uri: PKCS11URI) throws(Failure) -> Bool {
    let source = pinSource(pinOption, uri)
    let environment = getenv(source.environment).map { String(cString: $0) } ?? ""
    guard source.file != nil || source.named != nil || !environment.isEmpty else { return false }
    try login(session, pinOption: pinOption, uri: uri)
    return true
  }

  /// Ed25519 keys of `keyClass` that the URI's object, id and type select.
  func find(_ session: PKCS11Session, uri: PKCS11URI, keyClass: UInt) throws(Failure) -> [CK_OBJECT_HANDLE] {
    if keyClass == CKO_PUBLIC_KEY && uri.type == "private" { return [] }
    var template: PKCS11Session.Template = [
      (CK_ATTRIBUTE_TYPE(CKA_CLASS), PKCS11Session.ulong(CK_ULONG(keyClass))),
      (CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), PKCS11Session.ulong(CK_ULONG(CKK_EC_EDWARDS))),
    ]
    if let object = uri.object { template.append((CK_ATTRIBUTE_TYPE(CKA_LABEL), object)) }
    if let id = uri.id { template.append((CK_ATTRIBUTE_TYPE(CKA_ID), id)) }
    switch session.find(template) {
    case .success(let found): return found
    case .failure(let error): throw Failure("\(named): cannot search the token (\(error.name))")
    }
  }

  /// "'LABEL'" or "with id HEX", for an error line.
  func describe(_ uri: PKCS11URI) -> String {
    var parts: [String] = []
    if let object = uri.object { parts.append("'\(printable(String(decoding: object, as: UTF8.self)))'") }
    if let id = uri.id { parts.append("with id \(Hex.encode(id))") }
    return parts.joined(separator: " ")
  }
}
