import Glibc

/// `olic cosign --ledger DB`: what this party signed of a license someone else
/// proposed, in its own ledger, keyed by the license's digest. The device need
/// not be registered here: a co-signer may know a device only from the license.
/// Recorded (and committed) before the cosigned file is written, as `issue
/// --ledger` does, so no signature of this party leaves without its record.
struct CosignRecord {
  let digest: [UInt8]
  let device: [UInt8]
  let licenseId: UInt64
  let allowance: UInt64
  let signatureCount: Int
  let keyId: [UInt8]
  let signature: [UInt8]
  let blob: [UInt8]

  /// Before anything is signed: refuses a license this key already co-signed in
  /// the ledger (record() checks again inside its transaction).
  static func refuseRepeat(ledger path: String, digest: [UInt8], keyId: [UInt8]) throws(Failure) {
    let db = try LedgerSchema.open(path, what: "--ledger")
    try refuseRepeat(db, path: path, digest: digest, keyId: keyId)
  }

  private static func refuseRepeat(_ db: Database, path: String, digest: [UInt8], keyId: [UInt8]) throws(Failure) {
    let seen = try db.first(
      "SELECT id FROM cosignatures WHERE digest = ? AND key_id = ?", [.blob(digest), .blob(keyId)]) { $0.int(0) }
    if seen != nil {
      throw CosignRefusal.alreadySigned.failure("--ledger: \(printable(path)) already records a signature by key_id \(Hex.encode(keyId)) of license digest \(Hex.encode(digest))")
    }
  }

  /// Refuses a second record of one key over one digest: the ledger's UNIQUE
  /// says the same, but this line names what happened.
  func record(ledger path: String) throws(Failure) {
    let db = try LedgerSchema.open(path, what: "--ledger")
    let now = Int64(time(nil))
    try db.immediate { () throws(Failure) in
      try Self.refuseRepeat(db, path: path, digest: digest, keyId: keyId)
      let events = try EventWriter(db)
      try events.insert(
        .cosigned,
        [.blob(digest), .blob(device), .u64(licenseId), .u64(allowance), .int(Int64(signatureCount)), .blob(keyId),
          .blob(signature), .int(now), .blob(sha256Of(blob)), .blob(blob)],
        at: now)
    }
  }
}
