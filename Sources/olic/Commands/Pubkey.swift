import ArgumentParser
import OfflineLicensing

struct Pubkey: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the public key of KEY: as hex, as a C initializer, its key_id or its device_id.",
    discussion: """
      KEY may be the private (PKCS#8, plain or encrypted) or the public (SPKI) PEM file, or a \
      PKCS#11 URI, whose public key (CKA_EC_POINT) is read from the token. --c-array prints a \
      brace-enclosed initializer of the 32 key bytes, for one row of a firmware's \
      trusted-key table (olic_config.trusted_keys). --key-id prints the first 8 bytes of \
      BLAKE2b-256 of the key, the id a license names its signer by; it is not a device id. \
      --device-id prints all 32 bytes of BLAKE2b-256 of the key: the device_id of a device \
      whose key this is, which the regulator's registry (device_id,public_key) and \
      `olic issue --device` take. For the device's secret key in the form firmware \
      provisioning needs, see `olic secret-key`.

      Example: olic pubkey reg.pub.pem --c-array
      """)

  enum Format: EnumerableFlag {
    case hex, cArray, keyId, deviceId

    static func help(for value: Format) -> ArgumentHelp? {
      switch value {
      case .hex: return "The 32 bytes as 64 hex digits (the default)."
      case .cArray: return "A C initializer for a trusted-key table."
      case .keyId: return "The key_id, 16 hex digits (a signer's id, not a device id)."
      case .deviceId: return "The device_id of a device with this key: BLAKE2b-256, 64 hex digits."
      }
    }
  }

  @Argument(help: ArgumentHelp("A private or public Ed25519 PEM key file, or a PKCS#11 URI.", valueName: "KEY"))
  var key: String

  @OptionGroup var keySource: KeySecretOptions

  @Flag var format: Format = .hex

  func run() throws {
    let publicKey = try keySource.publicKey(key, what: "KEY")
    guard let keyId = HostLicense.keyId(publicKey) else { throw Failure("KEY: cannot compute the key_id") }
    switch format {
    case .hex:
      Console.out(Hex.encode(publicKey))
    case .keyId:
      Console.out(Hex.encode(keyId))
    case .deviceId:
      guard let deviceId = HostCrypto.blake2b256(publicKey) else { throw Failure("KEY: cannot hash the key") }
      Console.out(Hex.encode(deviceId))
    case .cArray:
      var lines = ["{ /* Ed25519 public key, key_id \(Hex.encode(keyId)) */"]
      for row in stride(from: 0, to: publicKey.count, by: 8) {
        let cells = publicKey[row..<(row + 8)].map { "0x" + Hex.encode([$0]) }
        lines.append("  " + cells.joined(separator: ", ") + (row + 8 < publicKey.count ? "," : ""))
      }
      lines.append("}")
      Console.out(lines.joined(separator: "\n"))
    }
  }
}
