import ArgumentParser
import COlic
import Glibc
import OfflineLicensing

/// `olic batch --requests DIR`: one license per request file, into
/// OUT/<device_id>.olic, through the ledger (or a registry, or trusting the keys).
///
/// Requests are read and verified first (on every core: verification is the
/// costliest step). With a ledger they then go through LedgerIssuance in chunks,
/// one transaction (one flush) per chunk; a chunk's license files are written to
/// the staging directory only after its commit, and moved into place at the end.
struct RequestBatch {
  let keySource: KeySourceOptions
  let requests: String
  let outDir: String
  let ledger: String?
  let registry: String?
  let allowance: String
  let minFirmware: String?
  let validity: (notBefore: UInt64, notAfter: UInt64)?
  let jobs: String?

  /// Rows per transaction: a flush per chunk, and a SIGINT is seen within one.
  static let chunk = 1000

  static func validate(devices: String?, requests: String?, ledger: String?, allowance: String?) throws {
    if devices != nil, requests != nil { throw ValidationError("--devices and --requests: give one") }
    if devices == nil, requests == nil { throw ValidationError("Missing --devices (or --requests)") }
    if requests == nil {
      if ledger != nil { throw ValidationError("--ledger goes with --requests (a --devices CSV chooses its own license ids)") }
      if allowance != nil { throw ValidationError("--allowance is used only with --requests (a --devices CSV has an allowance column)") }
    } else if allowance == nil {
      throw ValidationError("Missing --allowance (with --requests)")
    }
  }

  func run() throws {
    let units = try Numbers.parse(allowance, what: "--allowance", min: 1)
    let floor = try minFirmware.map { (t) throws(Failure) in try Numbers.parse32(t, what: "--min-firmware") } ?? 0
    let threads = try jobs.map { (t) throws(Failure) in Int(try Numbers.parse(t, what: "--jobs", min: 1, max: 256)) }
      ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    let signer = try RegulatorSigner.load(keySource, workers: threads)
    let terms = LicenseTerms(allowance: units, minFirmware: floor, validity: validity, extra: [])
    let known = try registry.map { (path) throws(Failure) in try Registry.load(path) }
    let db = try ledger.map { (path) throws(Failure) in try LedgerSchema.open(path, what: "--ledger") }

    var refused = 0
    func refuse(_ line: String) {
      refused += 1
      Console.error(line)
    }
    let answerable = try Self.load(requests, threads: threads, refuse: refuse)

    let output = try BatchOutput(directory: outDir)
    var names: [String] = []
    var issued = 0
    var again = 0
    do throws(Failure) {
      var start = 0
      while start < answerable.count {
        if Interruption.requested { throw Interruption.failure }
        let part = Array(answerable[start..<min(start + Self.chunk, answerable.count)])
        start += part.count
        var files: [(name: String, blob: [UInt8])] = []
        if let db, let ledger {
          let outcomes = try LedgerIssuance(db: db, signer: signer, terms: terms, threads: threads).answer(part)
          TestHook.point("after-chunk-commit")
          for (request, outcome) in zip(part, outcomes) {
            switch outcome {
            case .issued(let license):
              issued += 1
              files.append((Hex.encode(license.device) + ".olic", license.blob))
            case .reanswered(let license):
              again += 1
              files.append((Hex.encode(license.device) + ".olic", license.blob))
            case .refused(let anomalies):
              refuse(AnomalyLine.text(request.name, anomalies, ledger: ledger))
            }
          }
        } else {
          let results = OffRecord.answer(part, registry: known, registryPath: registry, signer: signer, terms: terms, threads: threads)
          for (request, result) in zip(part, results) {
            switch result {
            case .success(let license):
              issued += 1
              files.append((Hex.encode(license.device) + ".olic", license.blob))
            case .failure(let failure):
              refuse("\(request.name): refused: \(failure.message)")
            }
          }
        }
        let written = Parallel.map(files.count, threads: threads) { [output, files] _, i -> Failure? in
          do throws(Failure) {
            try output.write(files[i].blob, name: files[i].name)
            return nil
          } catch {
            return error
          }
        }
        names += files.map(\.name)
        if let failure = written.compactMap({ $0 }).first { throw failure }
      }
      TestHook.point("before-place")
      if Interruption.requested { throw Interruption.failure }
      try output.commit(names: names)
    } catch {
      output.discard(names: names)
      if let ledger, issued + again > 0, Interruption.requested {
        throw Failure(
          "\(error.message); the \(issued + again) licenses recorded in \(printable(ledger)) come back byte for byte when the batch is run again")
      }
      throw error
    }
    let repeated = again > 0 ? " (\(again) already answered, given back as issued)" : ""
    let refusals = refused > 0 ? "; refused \(refused)" : ""
    Console.out("wrote \(names.count) \(names.count == 1 ? "license" : "licenses") to \(outDir)\(repeated)\(refusals)")
    if refused > 0 { throw ExitCode(1) }
  }

  /// Every *.olic in DIR, verified by the core; one per device (the highest
  /// request_sequence), in file-name order. Anything else is refused on stderr.
  static func load(_ directory: String, threads: Int, refuse: (String) -> Void) throws(Failure) -> [LedgerRequest] {
    var st = stat()
    guard stat(directory, &st) == 0 else { throw Failure("--requests: cannot open '\(printable(directory))': \(errnoText())") }
    guard (st.st_mode & S_IFMT) == S_IFDIR else { throw Failure("--requests: '\(printable(directory))' is not a directory") }
    let files = StagingLeftovers.entries(directory, prefix: "").filter { $0.hasSuffix(".olic") && !$0.hasPrefix(".") }.sorted()
    guard !files.isEmpty else { throw Failure("--requests: no *.olic request files in '\(printable(directory))'") }
    var blobs: [[UInt8]] = []
    blobs.reserveCapacity(files.count)
    let base = Paths.withoutTrailingSlashes(directory)
    for name in files {
      blobs.append(try FileInput.read(base + "/" + name, what: "--requests", limit: 1 << 20))
    }
    let paths = files.map { base + "/" + $0 }
    let decoded = Parallel.map(files.count, threads: threads) { [blobs] _, i in LedgerRequest.decode(blobs[i], name: printable(paths[i], limit: 200)) }
    var chosen: [DeviceKey: Int] = [:]
    var valid: [LedgerRequest] = []
    for result in decoded {
      switch result {
      case .failure(let failure):
        refuse(failure.message)
      case .success(let request):
        let key = DeviceKey(request.device)
        if let at = chosen[key] {
          let (keep, drop) = valid[at].sequence >= request.sequence ? (valid[at], request) : (request, valid[at])
          refuse("\(drop.name): not answered: \(keep.name) in the same batch is a later request of device \(Hex.encode(request.device)) (request_sequence \(keep.sequence) > \(drop.sequence))")
          valid[at] = keep
        } else {
          chosen[key] = valid.count
          valid.append(request)
        }
      }
    }
    return valid
  }
}

/// Answers without a ledger: --registry checks the key, --trust-request-key does
/// not. license_id = last_license_id + 1, as `olic issue --from-request` does;
/// nothing is recorded anywhere.
enum OffRecord {
  static func answer(
    _ requests: [LedgerRequest], registry: Registry?, registryPath: String?, signer: RegulatorSigner, terms: LicenseTerms, threads: Int
  ) -> [Result<LedgerLicense, Failure>] {
    Parallel.map(requests.count, threads: min(threads, signer.workers)) { [registry] worker, i -> Result<LedgerLicense, Failure> in
      let request = requests[i]
      if let registry {
        guard let registered = registry.publicKey(of: request.device) else {
          return .failure(Failure("device \(Hex.encode(request.device)) is not in the registry \(printable(registryPath ?? ""))"))
        }
        guard registered == request.publicKey else {
          return .failure(Failure("signed by key \(Hex.encode(request.publicKey)), but the registry holds \(Hex.encode(registered))"))
        }
      }
      guard request.fields.last_license_id < UInt64.max else {
        return .failure(Failure("last_license_id is 2^64-1, no higher license id exists"))
      }
      let id = request.fields.last_license_id + 1
      let fields = licenseFields(
        device: request.device, licenseId: id, allowance: terms.allowance, minFirmware: terms.minFirmware, bindRequest: request.sequence)
      return signer.license(fields, extra: terms.extra, worker: worker).map {
        LedgerLicense(device: request.device, licenseId: id, allowance: terms.allowance, requestSequence: request.sequence, blob: $0)
      }
    }
  }
}
