import ArgumentParser
import Glibc

struct LedgerImport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Register every device of a registry CSV, in one transaction.",
    discussion: """
      The CSV is the one `olic issue --registry` reads: rows device_id,public_key (hex), an \
      optional header line of those two names, blank lines and # comments skipped. Every \
      row is checked first; if any is bad, each bad row is reported on stderr (one line \
      each) and nothing is imported. A row identical to a device already registered is \
      left as it is; the same device with another key is a bad row.

      Example: olic ledger import reg.db --registry registry.csv
      """)

  @Argument(help: ArgumentHelp("The ledger.", valueName: "DB"))
  var db: String

  @Option(help: ArgumentHelp("CSV of device_id,public_key rows.", valueName: "CSV"))
  var registry: String

  func run() throws {
    let text = try FileInput.text(registry, what: "--registry")
    let ledger = try LedgerSchema.open(db)
    var problems: [String] = []
    var rows: [(line: Int, device: [UInt8], key: [UInt8])] = []
    var firstLine: [DeviceKey: Int] = [:]
    for (index, row) in CSV.rows(text).enumerated() {
      let at = "--registry \(printable(registry)):\(row.line)"
      if index == 0, row.fields.map({ $0.lowercased() }) == ["device_id", "public_key"] { continue }
      do throws(Failure) {
        guard row.cells.count == 2 else { throw Failure("\(at): expected 2 fields device_id,public_key, got \(row.cells.count)") }
        let device = try Hex.decode(utf8: row.cells[0], bytes: 32, what: "\(at): device_id", thing: "a device id")
        let key = try Hex.decode(utf8: row.cells[1], bytes: 32, what: "\(at): public_key", thing: "a public key")
        if let earlier = firstLine.updateValue(row.line, forKey: DeviceKey(device)) {
          throw Failure("\(at): device \(Hex.encode(device)) is already on line \(earlier)")
        }
        rows.append((row.line, device, key))
      } catch {
        problems.append(error.message)
      }
    }
    let now = Int64(time(nil))
    var added = 0
    do throws(Failure) {
      added = try ledger.immediate { () throws(Failure) -> Int in
      let events = try EventWriter(ledger)
      var added = 0
      for row in rows {
        do throws(Failure) {
          if try LedgerDevices.add(ledger, device: row.device, publicKey: row.key, note: nil, events: events, at: now) == .added { added += 1 }
        } catch {
          problems.append("--registry \(printable(registry)):\(row.line): \(error.message)")
        }
      }
      // All or nothing: any bad row rolls back every row.
      if !problems.isEmpty { throw Failure("rolled back") }
      return added
    }
    } catch {
      if problems.isEmpty { throw error }
    }
    try Self.failIfProblems(problems, registry: registry)
    Console.out("imported \(added) \(added == 1 ? "device" : "devices") into \(db) (\(rows.count - added) already registered)")
  }

  static func failIfProblems(_ problems: [String], registry: String) throws {
    guard !problems.isEmpty else { return }
    for line in problems { Console.error(line) }
    Console.error("--registry \(printable(registry)): \(problems.count) bad \(problems.count == 1 ? "row" : "rows"), nothing imported")
    throw ExitCode(1)
  }
}
