import CPKCS11
import OfflineLicensing

/// A new Ed25519 key pair made inside a token (CKM_EC_EDWARDS_KEY_PAIR_GEN):
/// the private half sensitive and never extractable, so no one, the operator
/// included, can copy it out; only the token's own backup scheme could.
enum TokenKeygen {
  static func generate(uri text: String, what: String, moduleOption: String?, pinOption: String?) throws(Failure)
    -> (publicKey: [UInt8], label: String, token: String)
  {
    let named = "\(what) \(printable(text))"
    let uri = try PKCS11URI.parse(text, what: what)
    guard let label = uri.object else { throw Failure("\(named): names no label for the new key; add object=LABEL") }
    let labelText = printable(String(decoding: label, as: UTF8.self))
    let token = try TokenSlot(uri: uri, named: named, moduleOption: moduleOption)
    let session = try token.openSession(readWrite: true)
    defer { _ = token.module.f.C_CloseSession?(session.handle) }
    try token.login(session, pinOption: pinOption, uri: uri)

    // keygen never overwrites a file; nor does it put a second key under a label.
    switch session.find([(CK_ATTRIBUTE_TYPE(CKA_LABEL), label)]) {
    case .success(let found) where !found.isEmpty:
      throw Failure("\(named): the token already has an object labelled '\(labelText)', not replaced")
    case .failure(let error): throw Failure("\(named): cannot search the token (\(error.name))")
    default: break
    }

    typealias S = PKCS11Session
    let yes = S.bool(true), no = S.bool(false)
    var publicTemplate: S.Template = [
      (CK_ATTRIBUTE_TYPE(CKA_TOKEN), yes), (CK_ATTRIBUTE_TYPE(CKA_PRIVATE), no),
      (CK_ATTRIBUTE_TYPE(CKA_VERIFY), yes), (CK_ATTRIBUTE_TYPE(CKA_LABEL), label),
      (CK_ATTRIBUTE_TYPE(CKA_EC_PARAMS), S.ed25519Parameters),
    ]
    var privateTemplate: S.Template = [
      (CK_ATTRIBUTE_TYPE(CKA_TOKEN), yes), (CK_ATTRIBUTE_TYPE(CKA_PRIVATE), yes),
      (CK_ATTRIBUTE_TYPE(CKA_SENSITIVE), yes), (CK_ATTRIBUTE_TYPE(CKA_EXTRACTABLE), no),
      (CK_ATTRIBUTE_TYPE(CKA_SIGN), yes), (CK_ATTRIBUTE_TYPE(CKA_DERIVE), no), (CK_ATTRIBUTE_TYPE(CKA_LABEL), label),
    ]
    if let id = uri.id {
      publicTemplate.append((CK_ATTRIBUTE_TYPE(CKA_ID), id))
      privateTemplate.append((CK_ATTRIBUTE_TYPE(CKA_ID), id))
    }
    guard let generatePair = token.module.f.C_GenerateKeyPair else { throw Failure("\(named): the module cannot generate keys") }
    var mechanism = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(CKM_EC_EDWARDS_KEY_PAIR_GEN), pParameter: nil, ulParameterLen: 0)
    var publicHandle: CK_OBJECT_HANDLE = 0
    var privateHandle: CK_OBJECT_HANDLE = 0
    let rv = S.withTemplate(publicTemplate) { pub, pubCount in
      S.withTemplate(privateTemplate) { priv, privCount in
        generatePair(session.handle, &mechanism, pub, pubCount, priv, privCount, &publicHandle, &privateHandle)
      }
    }
    guard rv == CKR_OK else {
      let hint = rv == CKR_MECHANISM_INVALID ? ": the token cannot make Ed25519 keys" : ""
      throw Failure("\(named): the token did not generate the key pair (\(PKCS11Module.name(rv)))\(hint)")
    }
    guard case .success(let point) = session.attribute(publicHandle, CK_ATTRIBUTE_TYPE(CKA_EC_POINT)),
      let publicKey = S.edwardsPoint(point)
    else { throw Failure("\(named): the token gives no Ed25519 public key (CKA_EC_POINT) for the new pair") }
    return (publicKey, labelText, token.label)
  }
}
