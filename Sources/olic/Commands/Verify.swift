import ArgumentParser
import COlic
import OfflineLicensing

struct Verify: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the firmware's own license check (olic_check) against a device state.",
    discussion: """
      A simulated device with the given trusted keys, id and state runs olic_check on FILE, \
      exactly as a chip would before installing it, and olic prints the status name. The \
      checks run in docs/format.md's order and the first failure names the status: structure, \
      key_id among the trusted keys, device_id, license_id above --last-license-id, \
      BIND_REQUEST equal to --request-sequence, min_firmware_version not above \
      --firmware-version, VALIDITY against max(--now, --time-high-water), and the signature \
      last. Every state option defaults to 0, as on a fresh device; --now 0 means no trusted \
      time, so a license with VALIDITY gets OLIC_ERR_NO_TIME. Exits 0 only for OLIC_OK.

      --threshold K (default 1) makes the device need K distinct trusted signers, as \
      olic_config.signature_threshold does: a threshold license (v2) must carry at least K \
      entries, every one of them from a --trusted-key and verifying, else \
      OLIC_ERR_THRESHOLD (too few), OLIC_ERR_UNKNOWN_KEY or OLIC_ERR_SIGNATURE; a v1 \
      license is OLIC_ERR_THRESHOLD at K >= 2. K above the number of --trusted-key is \
      refused, as olic_init refuses it.

      Examples:
        olic verify --trusted-key reg.pub.pem --device $DEVICE_ID --now 1767225600 dev.olic
        olic verify --threshold 2 --trusted-key a.pub.pem --trusted-key b.pub.pem --trusted-key c.pub.pem \
          --device $DEVICE_ID dev.olic
      """)

  @Option(
    name: .customLong("trusted-key"),
    help: ArgumentHelp("A key the device trusts (public or private PEM); 1 to 8 of them.", valueName: "KEY"))
  var trustedKeys: [String] = []

  @Option(help: ArgumentHelp("The device's id, 64 hex digits.", valueName: "HEX"))
  var device: String

  @Option(help: ArgumentHelp("Highest license id the device installed (default 0).", valueName: "N"))
  var lastLicenseId: String?

  @Option(help: ArgumentHelp("Sequence of the device's latest request (default 0).", valueName: "N"))
  var requestSequence: String?

  @Option(help: ArgumentHelp("The device's firmware security version (default 0).", valueName: "N"))
  var firmwareVersion: String?

  @Option(help: ArgumentHelp("The device's trusted time (Unix seconds or RFC 3339; default 0: none).", valueName: "T"))
  var now: String?

  @Option(help: ArgumentHelp("Latest trusted time the device has seen (default 0).", valueName: "T"))
  var timeHighWater: String?

  @Option(help: ArgumentHelp("Distinct trusted signers a license needs (default 1).", valueName: "K"))
  var threshold: String?

  @Argument(help: ArgumentHelp("The license file.", valueName: "FILE"))
  var file: String

  func validate() throws {
    guard !trustedKeys.isEmpty else { throw ValidationError("Missing --trusted-key: a device trusts 1 to 8 keys") }
    guard trustedKeys.count <= Int(OLIC_MAX_TRUSTED_KEYS) else {
      throw ValidationError("A device trusts at most \(OLIC_MAX_TRUSTED_KEYS) keys; \(trustedKeys.count) --trusted-key given")
    }
  }

  func run() throws {
    let keys = try trustedKeys.map { (path) throws(Failure) in try KeyFile.load(path, what: "--trusted-key").publicKey }
    let deviceId = try Hex.decode(device, bytes: 32, what: "--device", thing: "a device id")
    let state = HostDevice.State(
      lastLicenseId: try optional(lastLicenseId) { (t) throws(Failure) in try Numbers.parse(t, what: "--last-license-id") },
      requestSequence: try optional(requestSequence) { (t) throws(Failure) in try Numbers.parse(t, what: "--request-sequence") },
      timeHighWater: try optional(timeHighWater) { (t) throws(Failure) in try TimeParsing.parse(t, what: "--time-high-water") })
    let threshold = try threshold.map { (t) throws(Failure) in
      UInt32(try Numbers.parse(t, what: "--threshold", min: 1, max: UInt64(OLIC_MAX_TRUSTED_KEYS)))
    } ?? 1
    guard Int(threshold) <= keys.count else {
      throw Failure("--threshold: \(threshold) is more than the \(keys.count) --trusted-key given; a device refuses that table")
    }
    let firmware = try firmwareVersion.map { (t) throws(Failure) in try Numbers.parse32(t, what: "--firmware-version") } ?? 0
    let now = try optional(now) { (t) throws(Failure) in try TimeParsing.parse(t, what: "--now") }
    let license = try FileInput.read(file, what: "FILE", limit: 1 << 20)

    let simulated: HostDevice
    do {
      simulated = try HostDevice(trustedKeys: keys, deviceId: deviceId, firmwareVersion: firmware, state: state, signatureThreshold: threshold)
    } catch {
      throw Failure("cannot set up the simulated device: \(statusName(error))")
    }
    let status = simulated.check(license, now: now).status
    Console.out(statusName(status))
    guard status == OLIC_OK else {
      // The wrong kind of file fails the structure check; say so rather than leave a
      // bare OLIC_ERR_MALFORMED to puzzle over.
      switch HostBlob.kind(of: license) {
      case .request:
        Console.error("FILE \(printable(file)): this is an olic request, not a license ('olic verify-request' checks a request)")
      case .unknown:
        Console.error("FILE \(printable(file)): not an olic license (\(license.count) bytes, no OLIC header of type 1)")
      case .license:
        break
      }
      throw ExitCode(1)
    }
  }

  private func optional(_ text: String?, _ parse: (String) throws(Failure) -> UInt64) throws(Failure) -> UInt64 {
    guard let text else { return 0 }
    return try parse(text)
  }
}
