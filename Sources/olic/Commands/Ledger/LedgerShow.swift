import ArgumentParser
import OfflineLicensing

struct LedgerShow: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Show each device's key, licenses, total allowance, latest report and anomalies.",
    discussion: """
      For every device (or only --device): its public key; every license issued \
      (license_id, allowance, min firmware, VALIDITY window, the request_sequence it \
      answers, time, signer key_id, SHA-256 of the blob, and digest: BLAKE2b-256 of the \
      signed bytes, a threshold license's identity); every threshold license this party \
      co-signed (olic cosign --ledger), by digest; allowance_issued, the saturating sum; \
      the latest report with every request field; every anomaly. Devices that are not \
      registered appear when their refused requests or co-signatures were recorded. --json \
      prints {"devices": [...]}, one object per device with the keys device_id, public_key, \
      registered, note, added_at, allowance_issued, licenses, cosignatures (digest, \
      license_id, allowance, signature_count, key_id, signed_at, sha256), latest_request \
      (null if none) and anomalies (name, request_sequence, detail, at).

      Example: olic ledger show reg.db --device $DEVICE_ID --json
      """)

  @Argument(help: ArgumentHelp("The ledger.", valueName: "DB"))
  var db: String

  @Option(help: ArgumentHelp("Only this device, 64 hex digits.", valueName: "HEX"))
  var device: String?

  @Flag(help: "Print one JSON object.")
  var json = false

  func run() throws {
    let only = try device.map { (text) throws(Failure) in try Hex.decode(text, bytes: 32, what: "--device", thing: "a device id") }
    let ledger = try LedgerSchema.open(db)
    let records = try DeviceRecord.all(ledger, only: only)
    if let only, records.isEmpty {
      throw Failure("--device: device \(Hex.encode(only)) is not in the ledger \(printable(db))")
    }
    if json {
      var top = JSONObject()
      top.add("devices", records.map(\.json))
      Console.out(top.rendered)
    } else if records.isEmpty {
      Console.out("no devices in \(db)")
    } else {
      Console.out(records.map(\.text).joined(separator: "\n\n"))
    }
  }
}

struct LedgerExport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write the exact bytes of a license the ledger issued or co-signed, again.",
    discussion: """
      Name the license by --device and --license-id (a license this ledger issued), or by \
      --digest (the license's BLAKE2b-256 digest of its signed bytes, as ledger show lists \
      it): a license this ledger issued, else the blob this party wrote out when it \
      co-signed that license (the latest, if it co-signed it more than once). The blob is \
      checked against its recorded SHA-256 before it is written; the file is written whole \
      or not at all and replaces an existing one.

      Examples:
        olic ledger export reg.db --device $DEVICE_ID --license-id 3 --out dev.olic
        olic ledger export reg.db --digest $DIGEST --out dev.olic
      """)

  @Argument(help: ArgumentHelp("The ledger.", valueName: "DB"))
  var db: String

  @Option(help: ArgumentHelp("The device id, 64 hex digits.", valueName: "HEX"))
  var device: String?

  @Option(help: ArgumentHelp("The license id.", valueName: "N"))
  var licenseId: String?

  @Option(help: ArgumentHelp("The license's digest, 64 hex digits (instead of --device and --license-id).", valueName: "HEX"))
  var digest: String?

  @Option(help: ArgumentHelp("Where to write the license.", valueName: "FILE"))
  var out: String

  func validate() throws {
    if digest != nil {
      if device != nil || licenseId != nil { throw ValidationError("--digest names the license alone: no --device or --license-id with it") }
    } else if device == nil || licenseId == nil {
      throw ValidationError("Missing --device and --license-id (or --digest)")
    }
  }

  func run() throws {
    let ledger = try LedgerSchema.open(db)
    // A license's blob, and the SHA-256 recorded beside it.
    let blobAndHash: (Statement) throws(Failure) -> ([UInt8], [UInt8]) = { ($0.blob(0), $0.blob(1)) }
    let found: ([UInt8], [UInt8])?
    let missing: String, mismatch: String, label: String
    if let digest {
      let wanted = try Hex.decode(digest, bytes: 32, what: "--digest", thing: "a license digest")
      found = try ledger.first("SELECT blob, sha256 FROM licenses WHERE digest = ?", [.blob(wanted)], blobAndHash)
        ?? ledger.first(
          "SELECT blob, sha256 FROM cosignatures WHERE digest = ? ORDER BY id DESC LIMIT 1", [.blob(wanted)], blobAndHash)
      missing = "--digest: the ledger \(printable(db)) holds no license with digest \(Hex.encode(wanted))"
      mismatch = "--digest: the license with digest \(Hex.encode(wanted)) does not match its recorded SHA-256"
      label = "digest \(Hex.encode(wanted))"
    } else {
      let device = try Hex.decode(self.device ?? "", bytes: 32, what: "--device", thing: "a device id")
      let licenseId = try Numbers.parse(self.licenseId ?? "", what: "--license-id", min: 1)
      found = try ledger.first(
        "SELECT blob, sha256 FROM licenses WHERE device_id = ? AND license_id = ?", [.blob(device), .u64(licenseId)],
        blobAndHash)
      missing = "--license-id: the ledger \(printable(db)) holds no license \(licenseId) for device \(Hex.encode(device))"
      mismatch = "--license-id: license \(licenseId) of device \(Hex.encode(device)) does not match its recorded SHA-256"
      label = "license_id \(licenseId), device \(Hex.encode(device))"
    }
    guard let (blob, sha) = found else { throw Failure(missing) }
    guard sha256Of(blob) == sha else { throw Failure("\(mismatch); run olic ledger verify") }
    let output = StagedOutput()
    try output.stage(blob, to: out, mode: 0o644, what: "--out")
    try output.commit(replace: true)
    Console.out("wrote \(out): \(label), \(blob.count) bytes, sha256 \(Hex.encode(sha256Of(blob)))")
  }
}

struct LedgerVerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Recompute the hash chain; with --checkpoint, check the ledger still extends it.",
    discussion: """
      Every event's hash is recomputed from its row as stored and the previous hash; the \
      first event that does not match (an edited, deleted or inserted row or event) is \
      named and the exit status is 1. Rows that no event covers are refused too. With \
      --checkpoint FILE (from olic ledger checkpoint) and --trusted-key PUB, the \
      checkpoint's signature must verify under that key and the ledger must still hold \
      its event with its hash: history before a checkpoint cannot be rewritten or cut, \
      even by someone who recomputes the chain.

      Example: olic ledger verify reg.db --checkpoint 2026-12-01.ckpt --trusted-key reg.pub.pem
      """)

  @Argument(help: ArgumentHelp("The ledger.", valueName: "DB"))
  var db: String

  @Option(help: ArgumentHelp("A checkpoint file the ledger must extend.", valueName: "FILE"))
  var checkpoint: String?

  @Option(help: ArgumentHelp("The public key that signed the checkpoint (PEM).", valueName: "PUB"))
  var trustedKey: String?

  func validate() throws {
    if (checkpoint == nil) != (trustedKey == nil) {
      throw ValidationError("--checkpoint and --trusted-key go together: a checkpoint is only worth its signature")
    }
  }

  func run() throws {
    let point = try checkpoint.map { (path) throws(Failure) in try Checkpoint.parse(path, what: "--checkpoint") }
    let key = try trustedKey.map { (path) throws(Failure) in try KeyFile.load(path, what: "--trusted-key") }
    let ledger = try LedgerSchema.open(db)
    let head = try LedgerVerify.check(ledger)
    if let point, let key, let path = checkpoint {
      let named = "--checkpoint \(printable(path))"
      guard HostLicense.keyId(key.publicKey) == point.keyId else {
        throw Failure("\(named): signed by key_id \(Hex.encode(point.keyId)), not by --trusted-key")
      }
      guard HostCrypto.verify(point.signature, message: Checkpoint.message(events: point.events, head: point.head), publicKey: key.publicKey) else {
        throw Failure("\(named): the signature does not verify under --trusted-key")
      }
      guard point.events <= head.events else {
        throw Failure("\(named): covers \(point.events) events, the ledger has only \(head.events): events were removed")
      }
      if point.events > 0 {
        guard try LedgerVerify.hash(at: point.events, ledger) == point.head else {
          throw Failure("\(named): event \(point.events) differs from the checkpoint's head: the ledger's history was rewritten")
        }
      }
      Console.out("ledger \(db): \(head.events) events, chain intact, head \(Hex.encode(head.hash)); extends the checkpoint at event \(point.events)")
    } else {
      Console.out("ledger \(db): \(head.events) events, chain intact, head \(Hex.encode(head.hash))")
    }
  }
}

struct LedgerCheckpoint: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checkpoint",
    abstract: "Verify the chain, then write its head signed with Ed25519.",
    discussion: """
      Keep checkpoints away from the database (another machine, a notary, a printout): \
      `olic ledger verify DB --checkpoint FILE --trusted-key PUB` later proves the ledger \
      still extends it. The file is text: the lines 'olic-ledger-checkpoint v1', \
      'events N', 'head HEX', 'key_id HEX', 'signature HEX'; the signature covers \
      "olic-ledger-checkpoint-v1", a zero byte, N as 8 bytes big-endian, and the head. \
      An existing file is not overwritten.

      Example: olic ledger checkpoint reg.db --key reg.pem --out 2026-12-01.ckpt
      """)

  @Argument(help: ArgumentHelp("The ledger.", valueName: "DB"))
  var db: String

  @OptionGroup var keySource: KeySourceOptions

  @Option(help: ArgumentHelp("Where to write the checkpoint.", valueName: "FILE"))
  var out: String

  func run() throws {
    let signer = try RegulatorSigner.load(keySource)
    let ledger = try LedgerSchema.open(db)
    let head = try LedgerVerify.check(ledger)
    let signature = try signer.sign(Checkpoint.message(events: head.events, head: head.hash))
    let point = Checkpoint(events: head.events, head: head.hash, keyId: signer.keyId, signature: signature)
    let output = StagedOutput()
    try output.stage(Array(point.text.utf8), to: out, mode: 0o644, what: "--out")
    try output.commit(replace: false)
    Console.out("wrote \(out): checkpoint at event \(head.events), head \(Hex.encode(head.hash)), key_id \(Hex.encode(signer.keyId))")
  }
}
