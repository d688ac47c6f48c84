import CPKCS11
import OfflineLicensing

/// An Ed25519 key in a PKCS#11 token, named by an RFC 7512 URI. The private key
/// never leaves the token: olic holds only its handle and asks the token to sign
/// (CKM_EDDSA), on one session per signing thread when the module allows it.
final class TokenKey: @unchecked Sendable {
  // @unchecked: each signing thread uses only its own session (index `worker`),
  // and the module was initialised for threads (or gets a single session).
  let module: PKCS11Module
  let publicKey: [UInt8]
  private let sessions: [PKCS11Session]
  private let privateKey: CK_OBJECT_HANDLE?
  /// How the error lines name the key ("--key 'pkcs11:...'").
  let named: String

  /// What the command needs of the token.
  struct Options {
    var moduleOption: String?
    var pinOption: String?
    /// Signing threads wanted; fewer sessions are opened if the token limits them.
    var sessions = 1
    var needsPrivateKey = true
  }

  var workers: Int { sessions.count }

  init(uri text: String, what: String, options: Options) throws(Failure) {
    let named = "\(what) \(printable(text))"
    let uri = try PKCS11URI.parse(text, what: what)
    guard uri.object != nil || uri.id != nil else { throw Failure("\(named): names no key; add object=LABEL to the URI") }
    if options.needsPrivateKey && uri.type == "public" {
      throw Failure("\(named): names a public key (type=public); signing needs the private key")
    }
    let token = try TokenSlot(uri: uri, named: named, moduleOption: options.moduleOption)
    let first = try token.openSession(readWrite: false)
    let wantsPrivate = options.needsPrivateKey || uri.type == "private"

    // Public objects can be read without a PIN; private keys need a login.
    if wantsPrivate { try token.login(first, pinOption: options.pinOption, uri: uri) }
    var publicObjects = try token.find(first, uri: uri, keyClass: CKO_PUBLIC_KEY)
    if publicObjects.isEmpty && !wantsPrivate, try token.login(ifPossible: first, pinOption: options.pinOption, uri: uri) {
      publicObjects = try token.find(first, uri: uri, keyClass: CKO_PUBLIC_KEY)
    }
    var privateKey: CK_OBJECT_HANDLE?
    if wantsPrivate {
      let found = try token.find(first, uri: uri, keyClass: CKO_PRIVATE_KEY)
      guard let key = found.first else { throw Failure("\(named): no Ed25519 private key \(token.describe(uri)) in token '\(token.label)'") }
      guard found.count == 1 else { throw Failure("\(named): names \(found.count) private keys; add id= to the URI") }
      privateKey = key
    }
    guard publicObjects.count <= 1 else { throw Failure("\(named): names \(publicObjects.count) public keys; add id= to the URI") }
    // A token may keep only the private key; some put CKA_EC_POINT on it.
    guard let holder = publicObjects.first ?? privateKey else {
      throw Failure("\(named): no Ed25519 public key \(token.describe(uri)) in token '\(token.label)'")
    }
    guard case .success(let point) = first.attribute(holder, CK_ATTRIBUTE_TYPE(CKA_EC_POINT)),
      let publicKey = PKCS11Session.edwardsPoint(point)
    else { throw Failure("\(named): the token gives no Ed25519 public key (CKA_EC_POINT) for it") }

    var sessions = [first]
    if privateKey != nil && token.module.threadSafe {
      // Sessions share the login. A token that runs out of sessions signs on fewer.
      while sessions.count < options.sessions, let more = try? token.openSession(readWrite: false) { sessions.append(more) }
    }
    self.module = token.module
    self.publicKey = publicKey
    self.sessions = sessions
    self.privateKey = privateKey
    self.named = named
    if privateKey != nil { try checkPair() }
  }

  deinit {
    if let close = module.f.C_CloseSession { for session in sessions { _ = close(session.handle) } }
  }

  /// An Ed25519 signature of `message`, made in the token on session `worker`.
  func sign(_ message: UnsafeRawBufferPointer, worker: Int) throws(Failure) -> [UInt8] {
    guard let privateKey else { throw Failure("\(named): signing needs the private key") }
    let session = sessions[worker % sessions.count]
    switch session.sign(privateKey, message) {
    case .success(let signature): return signature
    case .failure(let error): throw Failure("\(named): the token did not sign (\(error.name))")
    }
  }

  /// The private and public objects found could belong to different pairs (two
  /// keys once given one label); a license signed by one and named by the other
  /// would be refused by every device. One signature tells before any is issued.
  private func checkPair() throws(Failure) {
    let probe = Array("olic: does this private key match its public key?".utf8)
    let signed: Result<[UInt8], Failure> = probe.withUnsafeBytes { b in
      do throws(Failure) { return .success(try sign(b, worker: 0)) } catch { return .failure(error) }
    }
    let signature = try signed.get()
    guard HostCrypto.verify(signature, message: probe, publicKey: publicKey) else {
      throw Failure("\(named): the token's private key does not match its public key (CKA_EC_POINT)")
    }
  }
}
