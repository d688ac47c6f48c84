import ArgumentParser

/// How a command reaches a regulator key, whatever holds it. Shared by every
/// command that reads one, so the options are spelled once.
struct KeySecretOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "A file whose first line is the passphrase of an encrypted key file (else $OLIC_PASSPHRASE_FILE, else a prompt on a terminal).",
    valueName: "FILE"))
  var passphraseFile: String?

  @Option(help: ArgumentHelp("The PKCS#11 module of a pkcs11: key (else $OLIC_PKCS11_MODULE).", valueName: "PATH"))
  var pkcs11Module: String?

  @Option(help: ArgumentHelp(
    "A file whose first line is the token's PIN (else pin-source= in the URI, else $OLIC_PKCS11_PIN_FILE, else a prompt).",
    valueName: "FILE"))
  var pinFile: String?

  @Flag(help: "Accept a plaintext private key file that group or others may read.")
  var allowInsecureKeyFile = false

  var filePolicy: KeyFilePolicy {
    var policy = KeyFilePolicy.standard(passphraseFile: passphraseFile)
    policy.allowInsecure = allowInsecureKeyFile
    return policy
  }

  /// A key that signs, with room for `workers` threads (a token opens a session each).
  func signingKey(_ key: String, what: String, workers: Int = 1) throws(Failure) -> SigningKey {
    let named = "\(what) \(printable(key))"
    if PKCS11URI.isURI(key) {
      let options = TokenKey.Options(moduleOption: pkcs11Module, pinOption: pinFile, sessions: workers)
      return try SigningKey(.token(TokenKey(uri: key, what: what, options: options)), named: named)
    }
    let file = try KeyFile.loadPrivate(key, what: what, policy: filePolicy)
    return try SigningKey(.file(SigningKey.FileSecret(file, named: named)), named: named)
  }

  /// The public half of a key file (private or public) or of a token's key.
  func publicKey(_ key: String, what: String) throws(Failure) -> [UInt8] {
    if PKCS11URI.isURI(key) {
      let options = TokenKey.Options(moduleOption: pkcs11Module, pinOption: pinFile, needsPrivateKey: false)
      return try TokenKey(uri: key, what: what, options: options).publicKey
    }
    return try KeyFile.load(key, what: what, policy: filePolicy).publicKey
  }
}

/// --key and how to reach it, for the commands that sign.
struct KeySourceOptions: ParsableArguments {
  @Option(help: ArgumentHelp(
    "The regulator's private key: a PKCS#8 PEM file, plain or encrypted, or a PKCS#11 URI 'pkcs11:token=TOKEN;object=LABEL'.",
    valueName: "KEY"))
  var key: String

  @OptionGroup var secrets: KeySecretOptions

  func signingKey(workers: Int = 1) throws(Failure) -> SigningKey {
    try secrets.signingKey(key, what: "--key", workers: workers)
  }
}
