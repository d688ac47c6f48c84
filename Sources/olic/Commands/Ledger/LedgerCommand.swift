import ArgumentParser
import Glibc

/// `olic ledger ...`: the regulator's record, one SQLite file.
struct LedgerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ledger",
    abstract: "The regulator's record: every device, request, license and anomaly, in one SQLite file.",
    discussion: """
      A ledger is a SQLite database (WAL mode, foreign keys on, a schema version with \
      migrations). Register devices with add-device or import, then issue through it: \
      `olic issue --ledger DB --from-request REQ` and `olic batch --ledger DB --requests DIR` \
      verify each request, require its device to be registered with that very key, record \
      the report, refuse anomalies, allocate license_id and record the license before any \
      file is written. Every change is also an event in a SHA-256 hash chain that \
      `ledger verify` recomputes; `ledger checkpoint` signs its head.

      Anomalies (each refuses issuance, exits 1 naming it, and is recorded; \
      docs/ledger.md says what each suggests to an investigator):
        unregistered_device  the device is not in the ledger
        key_mismatch         signed by a key other than the registered one: a forgery
        sequence_regressed   below the latest request_sequence recorded: a replay
        sequence_reused      a recorded sequence, other bytes: clone or NVM rollback
        consumed_regressed   consumed_total below an earlier report's
        firmware_regressed   firmware_version below an earlier report's: a downgrade
        unknown_license      last_license_id above every id the ledger issued
        allowance_created    remaining + consumed_total above all the ledger issued

      Example:
        olic ledger init reg.db
        olic ledger import reg.db --registry registry.csv
        olic issue --ledger reg.db --key reg.pem --from-request dev.req --allowance 10000 --out dev.olic
        olic ledger show reg.db --device $DEVICE_ID
        olic ledger verify reg.db
      """,
    subcommands: [
      LedgerInit.self, LedgerAddDevice.self, LedgerImport.self, LedgerShow.self, LedgerExport.self, LedgerVerifyCommand.self,
      LedgerCheckpoint.self,
    ])
}

struct LedgerInit: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new, empty ledger; refuses a file that exists.",
    discussion: "The file is created with mode 0600, in WAL mode, at the current schema version.\n\nExample: olic ledger init reg.db")

  @Argument(help: ArgumentHelp("The ledger file to create.", valueName: "DB"))
  var db: String

  func run() throws {
    _ = try LedgerSchema.create(db)
    Console.out("created ledger \(db) (schema version \(LedgerSchema.version))")
  }
}

struct LedgerAddDevice: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add-device",
    abstract: "Register one device and its public key.",
    discussion: """
      --public-key is 64 hex digits, or a file holding a PEM public key (SPKI), 32 raw \
      bytes, or 64 hex digits. A device that is already registered is refused.

      Example: olic ledger add-device reg.db --device $DEVICE_ID --public-key dev.pub.pem --note "rack 4"
      """)

  @Argument(help: ArgumentHelp("The ledger.", valueName: "DB"))
  var db: String

  @Option(help: ArgumentHelp("The device id, 64 hex digits.", valueName: "HEX"))
  var device: String

  @Option(help: ArgumentHelp("The device's Ed25519 public key: a file or 64 hex digits.", valueName: "FILE-or-HEX"))
  var publicKey: String

  @Option(help: ArgumentHelp("Free text kept with the device (serial number, owner...).", valueName: "TEXT"))
  var note: String?

  func run() throws {
    let device = try Hex.decode(self.device, bytes: 32, what: "--device", thing: "a device id")
    let key = try LedgerDevices.publicKey(publicKey, what: "--public-key")
    let ledger = try LedgerSchema.open(db)
    let now = Int64(time(nil))
    let added = try ledger.immediate { () throws(Failure) -> LedgerDevices.Added in
      do throws(Failure) {
        return try LedgerDevices.add(ledger, device: device, publicKey: key, note: note, events: try EventWriter(ledger), at: now)
      } catch {
        throw Failure("--device: \(error.message)")
      }
    }
    guard added == .added else {
      throw Failure("--device: device \(Hex.encode(device)) is already registered with this key")
    }
    Console.out("added device \(Hex.encode(device)) to \(db)")
  }
}
