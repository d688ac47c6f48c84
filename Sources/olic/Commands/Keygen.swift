import ArgumentParser
import OfflineLicensing

struct Keygen: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Make a new Ed25519 key pair: PREFIX.pem (private) and PREFIX.pub.pem (public).",
    discussion: """
      PREFIX.pem is PKCS#8 PEM exactly as `openssl genpkey -algorithm ed25519` writes it, with \
      mode 0600; PREFIX.pub.pem is SPKI PEM as `openssl pkey -pubout` writes it. The seed comes \
      from the operating system's CSPRNG. Existing files are never overwritten, and either \
      both files appear or neither does.

      Example: olic keygen --out reg
      """)

  @Option(help: ArgumentHelp("Path prefix of the two key files.", valueName: "PREFIX"))
  var out: String

  func validate() throws {
    guard !out.isEmpty, !out.hasSuffix("/") else {
      throw ValidationError("--out needs a file name prefix, like 'reg' or 'keys/reg'")
    }
  }

  func run() throws {
    let privatePath = out + ".pem"
    let publicPath = out + ".pub.pem"
    for path in [privatePath, publicPath] where FileExists.at(path) {
      throw Failure("--out: '\(printable(path))' already exists, not overwritten")
    }
    guard let seed = HostCrypto.randomSeed(), let pair = HostCrypto.keypair(seed: seed) else {
      throw Failure("keygen: libsodium could not make a key")
    }
    let output = StagedOutput()
    try output.stage(Array(KeyFile.privatePEM(seed: seed).utf8), to: privatePath, mode: 0o600, what: "--out")
    try output.stage(Array(KeyFile.publicPEM(pair.publicKey).utf8), to: publicPath, mode: 0o644, what: "--out")
    try output.commit(replace: false)
    let keyId = HostLicense.keyId(pair.publicKey).map { Hex.encode($0) } ?? "?"
    Console.out("wrote \(privatePath) and \(publicPath), key_id \(keyId)")
  }
}
