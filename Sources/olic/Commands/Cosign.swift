import ArgumentParser
import COlic
import OfflineLicensing

struct Cosign: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Add this party's signature to a threshold license (v2) another party proposed.",
    discussion: """
      Each party cosigns on its own machine, offline, with its own key (any key source: a \
      PEM file, plain or encrypted, or a PKCS#11 token). Once it has found that --key has \
      not signed the license and that an entry is empty (refusals 3 and 4 below), in order:

      1. Every entry already signed is verified over the license's signed bytes under the \
      --trusted-key with its key_id (repeat --trusted-key, one per other signer's public \
      key). An entry whose key_id no --trusted-key has is refused, as is one whose \
      signature fails: a party never adds its signature to a license it cannot check.
      2. What is about to be signed is printed on stdout: the fields, the extensions, the \
      entries and the license's digest (BLAKE2b-256 of its signed bytes, the license's \
      identity in every ledger).
      3. One empty entry is filled with --key's signature.
      4. The entries are sorted in ascending key_id order, the empty ones last, as \
      devices require; the signed bytes do not change.

      Refused, with one line on stderr, nothing on stdout and FILE untouched, each with \
      its own exit status: 3 a license --key already signed (in FILE, or by --ledger's \
      record of the same digest); 4 a license with no empty entry; 5 a signed entry that \
      does not verify (the license was altered, or the signature forged); 6 a signed \
      entry whose key_id no --trusted-key has. Checked in that order. Exit 1: a v1 \
      license, a file that is not a v2 license, and any other bad input; 2: usage. The \
      result replaces FILE atomically (written whole or not at all), or goes to --out. \
      With --ledger DB the signature is recorded in this party's own ledger, by digest, \
      before the file is written.

      The flow, each party on its own machine, offline:
        A: olic issue --key a.pem --device $ID --license-id 1 --allowance 1000 \\
             --signers 2 --out l.olic
        (l.olic travels to B; it is public)
        B: olic cosign --key b.pem --trusted-key a.pub.pem --ledger b.db l.olic
        B: olic inspect l.olic --trusted-key a.pub.pem --trusted-key b.pub.pem
        (complete: yes) and a 2-of-N device's own check:
        olic verify --threshold 2 --trusted-key a.pub.pem \\
          --trusted-key b.pub.pem --device $ID l.olic
      A device refuses the license until every entry is filled (OLIC_ERR_MALFORMED).
      """)

  @OptionGroup var keySource: KeySourceOptions

  @Option(
    name: .customLong("trusted-key"),
    help: ArgumentHelp("The public key (PEM) of a party that already signed; repeatable.", valueName: "PUB"))
  var trustedKeys: [String] = []

  @Option(help: ArgumentHelp("Write the cosigned license here instead of replacing FILE.", valueName: "FILE"))
  var out: String?

  @Option(help: ArgumentHelp("This party's ledger: record what it signed (olic help ledger).", valueName: "DB"))
  var ledger: String?

  @Argument(help: ArgumentHelp("The license to cosign.", valueName: "FILE"))
  var file: String

  func run() throws {
    let blob = try FileInput.read(file, what: "FILE", limit: 1 << 20)
    let named = "FILE \(printable(file))"
    let decoded: DecodedLicense
    switch ThresholdLicense.decode(blob) {
    case .success(let d): decoded = d
    case .failure(let status):
      throw Failure("\(named): not a threshold license that can be cosigned (\(statusName(status)))")
    }
    guard decoded.version == 2 else {
      throw Failure("\(named): a v1 license has one signature and no entry to cosign (propose with olic issue --signers N)")
    }
    let trusted = try trustedKeys.map { (path) throws(Failure) in
      try keySource.secrets.publicKey(path, what: "--trusted-key")
    }
    let signer = try keySource.signingKey()
    guard let ownId = HostLicense.keyId(signer.publicKey) else { throw Failure("--key: cannot compute the key_id") }

    let message = Array(blob[..<decoded.bodyEnd])
    // The cheap refusals first, as a device refuses what it can before the first
    // verification; the party's own entry needs no --trusted-key to be recognised.
    if decoded.entries.contains(where: { !$0.empty && $0.keyId == ownId }) {
      throw CosignRefusal.alreadySigned.failure(
        "\(named): already signed by --key (key_id \(Hex.encode(ownId))); a key counts once")
    }
    guard decoded.entries.contains(where: \.empty) else {
      throw CosignRefusal.noEmptyEntry.failure(
        "\(named): no empty signature entry: all \(decoded.entries.count) are signed")
    }
    for (index, entry) in decoded.entries.enumerated() where !entry.empty {
      guard let key = trusted.first(where: { HostLicense.keyId($0) == entry.keyId }) else {
        throw CosignRefusal.unknownSigner.failure(
          "\(named): entry \(index) is signed by key_id \(Hex.encode(entry.keyId)), which no --trusted-key has: it cannot be verified")
      }
      guard HostCrypto.verify(entry.signature, message: message, publicKey: key) else {
        throw CosignRefusal.signatureFails.failure(
          "\(named): entry \(index) (key_id \(Hex.encode(entry.keyId))) does not verify: the license was altered or the signature forged")
      }
    }
    guard let digest = LicenseDigest.of(blob) else { throw Failure("\(named): cannot compute the digest") }

    if let ledger { try CosignRecord.refuseRepeat(ledger: ledger, digest: digest, keyId: ownId) }
    Console.out(ThresholdSummary.aboutToSign(decoded, blob: blob, digest: digest, keyId: ownId))
    let (cosigned, signature) = try signer.cosign(blob) { Failure("\(named): cannot write the entry: \(statusName($0))") }
    // The signed bytes are the proposer's; a change would mean a broken encoder.
    guard LicenseDigest.of(cosigned) == digest else { throw Failure("\(named): the cosigned license's digest changed") }

    if let ledger {
      try CosignRecord(
        digest: digest, device: bytes(of: decoded.fields.device_id), licenseId: decoded.fields.license_id,
        allowance: decoded.fields.allowance, signatureCount: decoded.entries.count, keyId: ownId, signature: signature,
        blob: cosigned
      ).record(ledger: ledger)
    }
    let target = out ?? file
    let output = StagedOutput()
    try output.stage(cosigned, to: target, mode: 0o644, what: out == nil ? "FILE" : "--out")
    try output.commit(replace: true)
    let filled = decoded.entries.filter { !$0.empty }.count + 1
    let state = filled == decoded.entries.count ? "complete" : "not complete: empty entries left: \(decoded.entries.count - filled)"
    let recorded = ledger.map { "; recorded in \($0)" } ?? ""
    Console.out("wrote \(target): signed by key_id \(Hex.encode(ownId)), \(filled) of \(decoded.entries.count) entries signed, \(state)\(recorded)")
  }
}
