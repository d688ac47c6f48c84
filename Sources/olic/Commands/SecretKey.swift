import ArgumentParser
import OfflineLicensing

struct SecretKey: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "secret-key",
    abstract: "Write a private KEY as the 64-byte secret key firmware provisioning loads.",
    discussion: """
      olic_make_request signs a device's requests with libsodium's 64-byte Ed25519 secret \
      key, the 32-byte seed followed by the 32-byte public key. This writes that key, taken \
      from KEY (PKCS#8 PEM, plain or encrypted, as `olic keygen` or `openssl genpkey -algorithm \
      ed25519` makes it; a plaintext KEY must be mode 0600), \
      to FILE with mode 0600, for a provisioning station to load into the device's secure \
      element: --raw writes the 64 bytes (the default), --c-array a C initializer of them, \
      --hex 128 hex digits (what mock-firmware --device-key also reads). The key is never \
      printed to the terminal, and an existing FILE is never overwritten. The matching \
      device_id is `olic pubkey KEY --device-id`.

      Example: olic secret-key device.pem --c-array --out device_secret.inc
      """)

  enum Format: EnumerableFlag {
    case raw, cArray, hex

    static func help(for value: Format) -> ArgumentHelp? {
      switch value {
      case .raw: return "The 64 bytes, seed || public key (the default)."
      case .cArray: return "A C initializer of the 64 bytes."
      case .hex: return "128 hex digits and a newline."
      }
    }
  }

  @Argument(help: ArgumentHelp("The device's private Ed25519 key (PKCS#8 PEM).", valueName: "KEY"))
  var key: String

  @Flag var format: Format = .raw

  @Option(help: ArgumentHelp(
    "A file whose first line is the passphrase of an encrypted KEY (else $OLIC_PASSPHRASE_FILE, else a prompt on a terminal).",
    valueName: "FILE"))
  var passphraseFile: String?

  @Option(help: ArgumentHelp("Where to write the secret key (mode 0600; never overwritten).", valueName: "FILE"))
  var out: String

  func run() throws {
    // A device key is plaintext at the provisioning station; it is refused, as
    // every private key file is, when group or others may read it.
    var policy = KeyFilePolicy.standard(passphraseFile: passphraseFile)
    policy.insecureHint = "chmod 600 it"
    let material = try KeyFile.loadPrivate(key, what: "KEY", policy: policy)
    guard let sealed = material.secret, sealed.count == 64 else { throw Failure("KEY: no 64-byte secret key") }
    var secret = Array(sealed.bytes)
    guard !FileExists.at(out) else { throw Failure("--out: '\(printable(out))' already exists, not overwritten") }
    var bytes: [UInt8]
    switch format {
    case .raw:
      bytes = secret
    case .hex:
      bytes = Array((Hex.encode(secret) + "\n").utf8)
    case .cArray:
      let deviceId = HostCrypto.blake2b256(material.publicKey).map { Hex.encode($0) } ?? "?"
      var lines = ["{ /* Ed25519 secret key (seed || public key) of device_id \(deviceId) */"]
      for row in stride(from: 0, to: secret.count, by: 8) {
        let cells = secret[row..<(row + 8)].map { "0x" + Hex.encode([$0]) }
        lines.append("  " + cells.joined(separator: ", ") + (row + 8 < secret.count ? "," : ""))
      }
      lines.append("}")
      bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
    }
    defer {
      // Best effort: the copies this process made of the key do not outlive the write.
      for i in bytes.indices { bytes[i] = 0 }
      for i in secret.indices { secret[i] = 0 }
    }
    let output = StagedOutput()
    try output.stage(bytes, to: out, mode: 0o600, what: "--out")
    try output.commit(replace: false)
    Console.out("wrote \(out): the 64-byte secret key of \(key) (\(formatName)), mode 0600")
  }

  private var formatName: String {
    switch format {
    case .raw: return "raw"
    case .cArray: return "C array"
    case .hex: return "hex"
    }
  }
}
