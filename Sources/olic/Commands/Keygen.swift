import ArgumentParser
import OfflineLicensing

struct Keygen: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Make a new Ed25519 key pair: PREFIX.pem (private) and PREFIX.pub.pem (public).",
    discussion: """
      PREFIX.pem is PKCS#8 PEM exactly as `openssl genpkey -algorithm ed25519` writes it, with \
      mode 0600; PREFIX.pub.pem is SPKI PEM as `openssl pkey -pubout` writes it. The seed comes \
      from the operating system's CSPRNG. Existing files are never \
      overwritten, and either both files appear or neither does. --encrypt writes PREFIX.pem \
      encrypted as `openssl genpkey -aes-256-cbc` does. --pkcs11 URI makes the pair inside a \
      PKCS#11 token instead, non-extractable, and writes only PREFIX.pub.pem (docs/keys.md).

      Examples:
        olic keygen --out reg
        olic keygen --out reg --encrypt --passphrase-file /run/reg.pass
        olic keygen --pkcs11 'pkcs11:token=regulator;object=reg-1' --pkcs11-module MODULE.so --pin-file PIN --out reg-1
      """)

  @Option(help: ArgumentHelp("Path prefix of the two key files (with --pkcs11, of the public key file).", valueName: "PREFIX"))
  var out: String?

  @OptionGroup var custody: KeygenCustodyOptions

  func validate() throws {
    guard let out else {
      if custody.pkcs11 != nil { return }
      throw ValidationError("Missing expected argument '--out <PREFIX>'")
    }
    guard !out.isEmpty, !out.hasSuffix("/") else {
      throw ValidationError("--out needs a file name prefix, like 'reg' or 'keys/reg'")
    }
  }

  func run() throws {
    if let uri = custody.pkcs11 { return try custody.generateInToken(uri, publicOut: out) }
    let out = self.out ?? ""
    let privatePath = out + ".pem"
    let publicPath = out + ".pub.pem"
    for path in [privatePath, publicPath] where FileExists.at(path) {
      throw Failure("--out: '\(printable(path))' already exists, not overwritten")
    }
    let key = try KeyFile.generate()
    let output = StagedOutput()
    try KeyFile.privatePEM(key, passphrase: custody.newPassphrase()).withArray { (pem) throws(Failure) in
      try output.stage(pem, to: privatePath, mode: 0o600, what: "--out")
    }
    try output.stage(KeyFile.publicPEM(key.publicKey), to: publicPath, mode: 0o644, what: "--out")
    try output.commit(replace: false)
    let keyId = HostLicense.keyId(key.publicKey).map { Hex.encode($0) } ?? "?"
    Console.out("wrote \(privatePath) and \(publicPath), key_id \(keyId)")
  }
}
