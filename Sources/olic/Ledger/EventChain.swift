import CSodium

/// The tamper-evident log: every row olic adds to devices, requests, licenses or
/// anomalies gets one event, and each event's hash is
///
///   SHA-256("olic-ledger-event-v1" || previous hash || canonical bytes)
///
/// with 32 zero bytes before the first event. The canonical bytes are the event's
/// seq, kind, row id and time followed by every column of its row as stored, so an
/// edit of any past row, of an event, or a removed or inserted event breaks the
/// chain from that event on. A checkpoint (a signed head) also catches removal of
/// the newest events, which a chain alone cannot.
enum EventChain {
  enum Kind: String, CaseIterable {
    case deviceAdded = "device_added"
    case requestRecorded = "request_recorded"
    case licenseIssued = "license_issued"
    case anomaly = "anomaly"
    case cosigned = "cosigned"

    var table: String {
      switch self {
      case .deviceAdded: return "devices"
      case .requestRecorded: return "requests"
      case .licenseIssued: return "licenses"
      case .anomaly: return "anomalies"
      case .cosigned: return "cosignatures"
      }
    }

    /// Every column, in a fixed order (never SELECT *: a later migration adding a
    /// column must not change the bytes of past events).
    var columns: String {
      switch self {
      case .deviceAdded: return "id, device_id, public_key, note, added_at"
      case .requestRecorded:
        return "id, device_id, request_sequence, last_license_id, remaining, consumed_total, firmware_version, reserved, time_high_water, device_public_key, signature, sha256, blob, received_at"
      case .licenseIssued:
        return "id, device_id, license_id, allowance, min_firmware_version, not_before, not_after, request_id, request_sequence, issued_at, key_id, sha256, blob"
      case .anomaly: return "id, device_id, name, request_sequence, detail, request_sha256, request_blob, at"
      case .cosigned:
        return "id, digest, device_id, license_id, allowance, signature_count, key_id, signature, signed_at, sha256, blob"
      }
    }

    var rowQuery: String { "SELECT \(columns) FROM \(table) WHERE id = ?" }

    /// The INSERT of a row: every column but id, in `columns` order, so the
    /// values bound are the row's canonical values in the same order. Built once
    /// per kind: a batch inserts tens of thousands of rows.
    var insert: String { Kind.inserts[self] ?? "" }

    private static let inserts: [Kind: String] = Dictionary(uniqueKeysWithValues: allCases.map { kind in
      let named = kind.columns.split(separator: ",").dropFirst().map { $0.trimmingSpaces }
      let places = Array(repeating: "?", count: named.count).joined(separator: ", ")
      return (kind, "INSERT INTO \(kind.table)(\(named.joined(separator: ", "))) VALUES (\(places))")
    })
  }

  static let domain = Array("olic-ledger-event-v1".utf8)
  static let zeroHash = [UInt8](repeating: 0, count: 32)

  /// Type-tagged, length-prefixed, big-endian: no two different rows encode alike.
  static func canonical(seq: Int64, kind: Kind, rowID: Int64, at: Int64, row: [SQLValue]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(512)
    func int(_ v: Int64) { for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> Int64(shift))) } }
    func bytes(_ b: [UInt8]) {
      let n = UInt32(truncatingIfNeeded: b.count)
      for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: n >> UInt32(shift))) }
      out.append(contentsOf: b)
    }
    int(seq)
    bytes(Array(kind.rawValue.utf8))
    int(rowID)
    int(at)
    for value in row {
      switch value {
      case .null: out.append(0)
      case .int(let v): out.append(1); int(v)
      case .blob(let b): out.append(2); bytes(b)
      case .text(let t): out.append(3); bytes(Array(t.utf8))
      }
    }
    return out
  }

  static func hash(previous: [UInt8], canonical: [UInt8]) -> [UInt8] {
    sha256Of(domain + previous + canonical)
  }

  /// The row an event covers, as stored; nil when it is gone.
  static func row(_ db: Database, kind: Kind, id: Int64) throws(Failure) -> [SQLValue]? {
    try db.first(kind.rowQuery, [.int(id)]) { s in (0..<s.columnCount).map { s.value($0) } }
  }

  /// The chain's head: the number of events and the last hash.
  static func head(_ db: Database) throws(Failure) -> (seq: Int64, hash: [UInt8]) {
    try db.first("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1") { ($0.int(0), $0.blob(1)) } ?? (0, zeroHash)
  }
}

func sha256Of(_ bytes: [UInt8]) -> [UInt8] {
  var out = [UInt8](repeating: 0, count: 32)
  _ = crypto_hash_sha256(&out, bytes, UInt64(bytes.count))
  return out
}

/// Appends events inside one write transaction. It holds the head in memory, so a
/// batch of thousands of rows reads it once.
final class EventWriter {
  let db: Database
  private(set) var seq: Int64
  private(set) var hash: [UInt8]

  /// Call inside BEGIN IMMEDIATE: nobody else can append until commit.
  init(_ db: Database) throws(Failure) {
    self.db = db
    (seq, hash) = try EventChain.head(db)
  }

  /// Writes one row (`values` in the kind's column order, id left out) and its
  /// event; returns the row id. Each value is bound with the storage class the
  /// column keeps it in (integers in INTEGER columns, blobs in BLOB, text in TEXT),
  /// so the values hashed here are the values `ledger verify` reads back; the tests
  /// verify every ledger they write.
  @discardableResult
  func insert(_ kind: EventChain.Kind, _ values: [SQLValue], at: Int64) throws(Failure) -> Int64 {
    try db.run(kind.insert, values)
    let rowID = db.lastRowID
    try append(kind, rowID: rowID, row: [.int(rowID)] + values, at: at)
    return rowID
  }

  private func append(_ kind: EventChain.Kind, rowID: Int64, row: [SQLValue], at: Int64) throws(Failure) {
    let next = seq + 1
    let newHash = EventChain.hash(previous: hash, canonical: EventChain.canonical(seq: next, kind: kind, rowID: rowID, at: at, row: row))
    try db.run("INSERT INTO events(seq, kind, row_id, at, hash) VALUES (?, ?, ?, ?, ?)",
      [.int(next), .text(kind.rawValue), .int(rowID), .int(at), .blob(newHash)])
    seq = next
    hash = newHash
  }
}
