import ArgumentParser
import COlic
import Glibc
import OfflineLicensing

struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Sign one license per CSV row into DIR/<device_id>.olic.",
    discussion: """
      The CSV starts with the header line device_id,license_id,allowance (optionally \
      ,min_firmware) and has one row per device with those values; a device may appear \
      once. It is RFC 4180 CSV as spreadsheets write it: a UTF-8 byte-order mark is \
      skipped, fields may be in double quotes ("" for a quote), records end in CRLF or LF, \
      and blank lines and lines starting with # are skipped. Every row is checked before \
      anything is signed, and every bad row is reported, one line each, up to \
      --max-errors of them, then a count; nothing is signed if any row is bad.

      --min-firmware sets min_firmware_version for every row whose min_firmware cell is \
      empty or absent (a row's own value wins), and --not-before/--not-after (both, or \
      neither) add the same VALIDITY installation window to every license, as in \
      `olic issue`. Licenses are signed on --jobs threads and written to a staging \
      directory, then flushed once and moved into DIR (a DIR that did not exist appears by \
      one rename), so a failed run leaves no license files behind; existing files of the \
      same name are replaced. A progress bar is drawn on stderr when it is a terminal.

      With --requests DIR instead of --devices, every *.olic request in DIR is answered \
      with --allowance units: through the ledger with --ledger DB (each request checked, \
      recorded and refused on an anomaly exactly as `olic issue --ledger` does, in \
      transactions of many rows; refusals are listed on stderr and the exit status is 1 if \
      any), or against --registry CSV, or with --trust-request-key. The license for a \
      request goes to DIR/<device_id>.olic; a device with several requests in DIR gets the \
      one with the highest request_sequence answered. --min-firmware and --not-before/--not-after \
      apply to every one of these licenses. A license file is written only after the ledger \
      holds it.

      SIGINT or SIGTERM stops the batch and removes its staging directory; a staging \
      directory left by a killed batch is removed by the next batch into the same DIR.

      Examples:
        olic batch --key reg.pem --devices fleet.csv --out-dir licenses
        olic batch --ledger reg.db --key reg.pem --requests inbox --allowance 10000 --out-dir licenses
      """)

  @OptionGroup var keySource: KeySourceOptions

  @Option(help: ArgumentHelp("CSV: device_id,license_id,allowance[,min_firmware] with a header line.", valueName: "CSV"))
  var devices: String?

  @Option(help: ArgumentHelp("A directory of device requests (*.olic) to answer, instead of --devices.", valueName: "DIR"))
  var requests: String?

  @Option(help: ArgumentHelp("The regulator's ledger: check and record every answer (olic help ledger).", valueName: "DB"))
  var ledger: String?

  @Option(help: ArgumentHelp("With --requests: CSV of device_id,public_key rows to check each request's key against.", valueName: "CSV"))
  var registry: String?

  @Flag(help: "With --requests and no --ledger or --registry: trust whatever key signed each request.")
  var trustRequestKey = false

  @Option(help: ArgumentHelp("With --requests: compute units each license grants, >= 1.", valueName: "N"))
  var allowance: String?

  @Option(help: ArgumentHelp("Directory for the licenses; created if missing.", valueName: "DIR"))
  var outDir: String

  @Option(help: ArgumentHelp("Signing threads (default: one per processor).", valueName: "N"))
  var jobs: String?

  @Option(help: ArgumentHelp(
    "min_firmware_version: of every license with --requests; with --devices, of rows that give none (default 0).",
    valueName: "N"))
  var minFirmware: String?

  @Option(help: ArgumentHelp("Start of every license's installation window (Unix seconds or RFC 3339).", valueName: "T"))
  var notBefore: String?

  @Option(help: ArgumentHelp("End of every license's installation window, inclusive.", valueName: "T"))
  var notAfter: String?

  @Option(help: ArgumentHelp("Bad rows to print before only counting them (default 20).", valueName: "N"))
  var maxErrors: String?

  func validate() throws {
    if (notBefore == nil) != (notAfter == nil) {
      throw ValidationError("--not-before and --not-after go together: VALIDITY holds both ends")
    }
    try LedgerOptions.validate(
      fromRequest: requests, ledger: ledger, registry: registry, trustRequestKey: trustRequestKey, option: "--requests")
    try RequestBatch.validate(devices: devices, requests: requests, ledger: ledger, allowance: allowance)
  }

  func run() throws {
    Interruption.install()
    if let requests {
      return try RequestBatch(
        keySource: keySource, requests: requests, outDir: outDir, ledger: ledger, registry: registry, allowance: allowance ?? "",
        minFirmware: minFirmware, validity: try Validity.parse(notBefore: notBefore, notAfter: notAfter), jobs: jobs
      ).run()
    }
    guard let devices else { throw ValidationError("Missing --devices (or --requests)") }
    let threads = try jobs.map { (t) throws(Failure) in Int(try Numbers.parse(t, what: "--jobs", min: 1, max: 256)) }
      ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    let defaults = BatchDefaults(
      minFirmware: try minFirmware.map { (t) throws(Failure) in try Numbers.parse32(t, what: "--min-firmware") } ?? 0,
      validity: try Validity.parse(notBefore: notBefore, notAfter: notAfter),
      maxErrors: Int(try maxErrors.map { (t) throws(Failure) in try Numbers.parse(t, what: "--max-errors", min: 1, max: 100_000) } ?? 20))
    let rows = try BatchCSV.load(devices, defaults: defaults)
    let signer = try keySource.signingKey(workers: min(threads, rows.count))
    let names = rows.map { Hex.encode($0.device) + ".olic" }
    let output = try BatchOutput(directory: outDir)
    do throws(Failure) {
      try BatchSigner(rows: rows, names: names, key: signer, devicesPath: devices, output: output)
        .run(threads: max(1, min(threads, rows.count, signer.workers)))
      TestHook.point("before-place")
      if Interruption.requested { throw Interruption.failure }
      try output.commit(names: names)
    } catch {
      output.discard(names: names)
      throw error
    }
    Console.out("wrote \(rows.count) \(rows.count == 1 ? "license" : "licenses") to \(outDir)")
  }
}

/// The rows of a batch CSV, every value checked before any signing starts.
struct BatchRow {
  let line: Int
  let device: [UInt8]
  let licenseId: UInt64
  let allowance: UInt64
  let minFirmware: UInt32
  var validity: (notBefore: UInt64, notAfter: UInt64)? = nil
}

/// What the options add to every row.
struct BatchDefaults {
  var minFirmware: UInt32 = 0
  var validity: (notBefore: UInt64, notAfter: UInt64)? = nil
  var maxErrors = 20
}

enum BatchCSV {
  static let header = ["device_id", "license_id", "allowance"]

  static func load(_ path: String, defaults: BatchDefaults = BatchDefaults()) throws(Failure) -> [BatchRow] {
    let rows = CSV.rows(bytes: try FileInput.read(path, what: "--devices"))
    let name = "--devices \(printable(path))"
    guard let first = rows.first else { throw Failure("\(name): empty, expected the header line \(header.joined(separator: ","))") }
    if let error = first.error { throw Failure("\(name):\(first.line): \(error)") }
    let columns = first.fields.map { $0.lowercased() }
    guard columns == header || columns == header + ["min_firmware"] else {
      throw Failure("\(name):\(first.line): expected the header line device_id,license_id,allowance[,min_firmware]")
    }
    var seen: [DeviceKey: Int] = [:]
    var result: [BatchRow] = []
    var problems: [String] = []
    var badRows = 0
    result.reserveCapacity(rows.count - 1)
    for row in rows.dropFirst() {
      do throws(Failure) {
        result.append(try parse(row, columns: columns, name: name, defaults: defaults, seen: &seen))
      } catch {
        badRows += 1
        if problems.count < defaults.maxErrors { problems.append(error.message) }
      }
    }
    guard badRows == 0 else {
      // One line per bad row, so a spreadsheet can be fixed in one pass.
      if badRows > 1 {
        let hidden = badRows - problems.count
        problems.append(
          "\(name): \(badRows) bad rows" + (hidden > 0 ? " (\(hidden) more not shown; see --max-errors)" : "")
            + ", nothing signed")
      }
      throw Failure(problems.joined(separator: "\nolic: "))
    }
    guard !result.isEmpty else { throw Failure("\(name): no device rows after the header") }
    return result
  }

  private static func parse(
    _ row: CSVRow, columns: [String], name: String, defaults: BatchDefaults, seen: inout [DeviceKey: Int]
  ) throws(Failure) -> BatchRow {
    // Only built for an error line: thousands of rows should not pay for it.
    var at: String { "\(name):\(row.line)" }
    if let error = row.error { throw Failure("\(at): \(error)") }
    let cells = row.cells
    guard cells.count == columns.count else {
      throw Failure("\(at): expected \(columns.count) fields (\(columns.joined(separator: ","))), got \(cells.count)")
    }
    let device = try Hex.decode(utf8: cells[0], bytes: 32, what: "\(at): device_id", thing: "a device id")
    let licenseId = try Numbers.parse(utf8: cells[1], what: "\(at): license_id", min: 1)
    let allowance = try Numbers.parse(utf8: cells[2], what: "\(at): allowance", min: 1)
    let minFirmware = columns.count == 4 && !cells[3].isEmpty
      ? try Numbers.parse32(utf8: cells[3], what: "\(at): min_firmware") : defaults.minFirmware
    // Two rows for one device would race for one file name.
    if let earlier = seen[DeviceKey(device)] {
      throw Failure("\(at): device \(Hex.encode(device)) is already on line \(earlier)")
    }
    seen[DeviceKey(device)] = row.line
    return BatchRow(
      line: row.line, device: device, licenseId: licenseId, allowance: allowance, minFirmware: minFirmware,
      validity: defaults.validity)
  }
}

/// A device id as a dictionary key that hashes four words, not 32 bytes one by one.
struct DeviceKey: Hashable {
  let a: UInt64, b: UInt64, c: UInt64, d: UInt64

  init(_ id: [UInt8]) {
    func word(_ at: Int) -> UInt64 {
      var w: UInt64 = 0
      for i in at..<min(at + 8, id.count) { w = w << 8 | UInt64(id[i]) }
      return w
    }
    (a, b, c, d) = (word(0), word(8), word(16), word(24))
  }
}
