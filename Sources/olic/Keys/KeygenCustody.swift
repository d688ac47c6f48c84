import ArgumentParser
import OfflineLicensing

/// keygen's choices of where the new private key lives: a PEM file, plain or
/// encrypted, or a PKCS#11 token that generates it and never lets it out.
struct KeygenCustodyOptions: ParsableArguments {
  @Flag(help: "Encrypt PREFIX.pem with a passphrase (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC), as openssl does.")
  var encrypt = false

  @Option(help: ArgumentHelp(
    "A file whose first line is the new passphrase (else $OLIC_PASSPHRASE_FILE, else a prompt on a terminal).",
    valueName: "FILE"))
  var passphraseFile: String?

  @Option(help: ArgumentHelp(
    "Generate the key pair in this PKCS#11 token instead, non-extractable ('pkcs11:token=TOKEN;object=LABEL').",
    valueName: "URI"))
  var pkcs11: String?

  @Option(help: ArgumentHelp("The PKCS#11 module (else $OLIC_PKCS11_MODULE).", valueName: "PATH"))
  var pkcs11Module: String?

  @Option(help: ArgumentHelp("A file whose first line is the token's PIN (else pin-source=, else $OLIC_PKCS11_PIN_FILE).", valueName: "FILE"))
  var pinFile: String?

  func validate() throws {
    if pkcs11 != nil && encrypt { throw ValidationError("--encrypt is for key files; a token's key never leaves it") }
    if passphraseFile != nil && !encrypt { throw ValidationError("--passphrase-file is used only with --encrypt") }
  }

  /// The passphrase for --encrypt (nil without it). An empty one is refused:
  /// it would encrypt with nothing.
  func newPassphrase() throws(Failure) -> SecretBytes? {
    guard encrypt else { return nil }
    let source = KeyFilePolicy.standard(passphraseFile: passphraseFile).passphrase
    guard let secret = try source.read(prompt: "Passphrase for the new key: ", confirm: true) else {
      throw Failure("--encrypt: no passphrase; \(source.hint)")
    }
    guard secret.count > 0 else { throw Failure("--encrypt: the passphrase is empty") }
    return secret
  }

  /// keygen --pkcs11: the pair is made in the token; PREFIX.pub.pem is written
  /// when --out is given.
  func generateInToken(_ uri: String, publicOut prefix: String?) throws(Failure) {
    let publicPath = prefix.map { $0 + ".pub.pem" }
    if let publicPath, FileExists.at(publicPath) {
      throw Failure("--out: '\(printable(publicPath))' already exists, not overwritten")
    }
    let made = try TokenKeygen.generate(uri: uri, what: "--pkcs11", moduleOption: pkcs11Module, pinOption: pinFile)
    let keyId = HostLicense.keyId(made.publicKey).map { Hex.encode($0) } ?? "?"
    var line = "generated Ed25519 key '\(made.label)' in token '\(made.token)', key_id \(keyId)"
    if let publicPath {
      let output = StagedOutput()
      try output.stage(try KeyFile.publicPEM(made.publicKey), to: publicPath, mode: 0o644, what: "--out")
      try output.commit(replace: false)
      line += "; wrote \(publicPath)"
    }
    Console.out(line)
  }
}
