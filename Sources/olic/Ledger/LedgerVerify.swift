/// Recomputes the event chain from the stored rows (`olic ledger verify`).
enum LedgerVerify {
  struct Head {
    let events: Int64
    let hash: [UInt8]
  }

  /// The head when every event and every row checks; otherwise a Failure naming
  /// the first bad event (or the first row that no event covers).
  static func check(_ db: Database) throws(Failure) -> Head {
    // One read transaction: a snapshot, so a concurrent issuer's new rows cannot
    // appear halfway through and look uncovered.
    try db.exec("BEGIN")
    defer { _ = try? db.exec("COMMIT") }
    var expected: Int64 = 1
    var previous = EventChain.zeroHash
    let events = try db.rows("SELECT seq, kind, row_id, at, hash FROM events ORDER BY seq") { s in
      (s.value(0), s.text(1) ?? "", s.value(2), s.value(3), s.value(4))
    }
    for (seqValue, kindName, rowValue, atValue, hashValue) in events {
      guard case .int(let seq) = seqValue else { throw Failure("\(db.name): an event has a seq that is not an integer") }
      guard seq == expected else {
        throw Failure("\(db.name): event \(expected) is missing (the next is \(seq)): events were removed")
      }
      let label = "event \(seq)"
      guard let kind = EventChain.Kind(rawValue: kindName) else {
        throw Failure("\(db.name): \(label) has an unknown kind '\(printable(kindName))': the events table was edited")
      }
      guard case .int(let rowID) = rowValue, case .int(let at) = atValue, case .blob(let stored) = hashValue else {
        throw Failure("\(db.name): \(label) (\(kind.rawValue)) has a value of the wrong type: the events table was edited")
      }
      guard let row = try EventChain.row(db, kind: kind, id: rowID) else {
        throw Failure("\(db.name): \(label) (\(kind.rawValue)) covers \(kind.table) row \(rowID), which is gone: a row was deleted")
      }
      let hash = EventChain.hash(previous: previous, canonical: EventChain.canonical(seq: seq, kind: kind, rowID: rowID, at: at, row: row))
      guard hash == stored else {
        throw Failure("\(db.name): \(label) (\(kind.rawValue), \(kind.table) row \(rowID)) does not match its hash: the row or the event was edited after it was recorded")
      }
      previous = hash
      expected += 1
    }
    for kind in EventChain.Kind.allCases {
      let uncovered = try db.first(
        "SELECT id FROM \(kind.table) WHERE id NOT IN (SELECT row_id FROM events WHERE kind = ?) ORDER BY id LIMIT 1",
        [.text(kind.rawValue)]) { $0.int(0) }
      if let uncovered {
        throw Failure("\(db.name): \(kind.table) row \(uncovered) is on no event: it was inserted outside olic")
      }
    }
    try checkDigests(db)
    return Head(events: expected - 1, hash: previous)
  }

  /// The digest columns are outside the chain (adding them must not change past
  /// events), so each is checked against the covered blob it is derived from.
  private static func checkDigests(_ db: Database) throws(Failure) {
    for table in ["licenses", "cosignatures"] {
      let rows = try db.rows("SELECT id, digest, blob FROM \(table) ORDER BY id") { ($0.int(0), $0.value(1), $0.blob(2)) }
      for (id, stored, blob) in rows {
        guard case .blob(let digest) = stored else {
          if table == "licenses", case .null = stored, LicenseDigest.of(blob) == nil { continue }
          throw Failure("\(db.name): \(table) row \(id) has no digest: the row was edited")
        }
        guard LicenseDigest.of(blob) == digest else {
          throw Failure("\(db.name): \(table) row \(id): its digest is not the digest of its license: the row was edited")
        }
      }
    }
  }

  /// The hash of event `seq` as the chain computes it (for checkpoints, after check).
  static func hash(at seq: Int64, _ db: Database) throws(Failure) -> [UInt8]? {
    try db.first("SELECT hash FROM events WHERE seq = ?", [.int(seq)]) { $0.blob(0) }
  }
}

/// A signed chain head: proof, kept outside the database, that the ledger had
/// these events. A later ledger must still contain that event with that hash;
/// removing or rewriting history before it is then evident even when the chain
/// was recomputed by whoever edited it.
///
/// The file is text, one field a line:
///   olic-ledger-checkpoint v1
///   events N
///   head HEX (SHA-256 chain hash of event N)
///   key_id HEX (of the signing key)
///   signature HEX (Ed25519 over "olic-ledger-checkpoint-v1", 0, N as u64 big-endian, head)
struct Checkpoint {
  let events: Int64
  let head: [UInt8]
  let keyId: [UInt8]
  let signature: [UInt8]

  static let magic = "olic-ledger-checkpoint v1"

  static func message(events: Int64, head: [UInt8]) -> [UInt8] {
    var out = Array("olic-ledger-checkpoint-v1".utf8) + [0]
    for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: events >> Int64(shift))) }
    return out + head
  }

  var text: String {
    "\(Checkpoint.magic)\nevents \(events)\nhead \(Hex.encode(head))\nkey_id \(Hex.encode(keyId))\nsignature \(Hex.encode(signature))\n"
  }

  static func parse(_ path: String, what: String) throws(Failure) -> Checkpoint {
    let text = try FileInput.text(path, what: what)
    let named = "\(what) \(printable(path))"
    let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0.trimmingSpaces) }
    guard lines.first == magic else { throw Failure("\(named): not an olic ledger checkpoint (no '\(magic)' line)") }
    var values: [String: String] = [:]
    for line in lines.dropFirst() {
      let parts = line.split(separator: " ", maxSplits: 1)
      guard parts.count == 2 else { throw Failure("\(named): bad line '\(printable(line))'") }
      values[String(parts[0])] = String(parts[1])
    }
    func field(_ name: String) throws(Failure) -> String {
      guard let v = values[name] else { throw Failure("\(named): no '\(name)' line") }
      return v
    }
    let count = try Numbers.parse(try field("events"), what: "\(named): events", min: 0, max: UInt64(Int64.max))
    return Checkpoint(
      events: Int64(count),
      head: try Hex.decode(try field("head"), bytes: 32, what: "\(named): head", thing: "a SHA-256 hash"),
      keyId: try Hex.decode(try field("key_id"), bytes: 8, what: "\(named): key_id", thing: "a key_id"),
      signature: try Hex.decode(try field("signature"), bytes: 64, what: "\(named): signature", thing: "an Ed25519 signature"))
  }
}
