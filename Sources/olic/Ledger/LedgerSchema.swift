import CSQLite
import Glibc

/// The ledger's tables, by schema version. A database records its version in
/// PRAGMA user_version and olic's mark in PRAGMA application_id; opening a ledger
/// of an older version applies the missing migrations in one transaction, and a
/// newer version is refused (its rows may mean things this olic does not know).
enum LedgerSchema {
  /// 'OLIC' in ASCII: `file` and sqlite3 show it, and olic refuses other databases.
  static let applicationID: Int32 = 0x4f4c_4943

  /// migrations[i] takes a ledger from version i to i + 1.
  static let migrations: [String] = [
    """
    CREATE TABLE devices(
      id INTEGER PRIMARY KEY,
      device_id BLOB NOT NULL UNIQUE CHECK(typeof(device_id) = 'blob' AND length(device_id) = 32),
      public_key BLOB NOT NULL CHECK(typeof(public_key) = 'blob' AND length(public_key) = 32),
      note TEXT,
      added_at INTEGER NOT NULL
    );
    CREATE TABLE requests(
      id INTEGER PRIMARY KEY,
      device_id BLOB NOT NULL REFERENCES devices(device_id),
      request_sequence INTEGER NOT NULL,
      last_license_id INTEGER NOT NULL,
      remaining INTEGER NOT NULL,
      consumed_total INTEGER NOT NULL,
      firmware_version INTEGER NOT NULL,
      reserved INTEGER NOT NULL,
      time_high_water INTEGER NOT NULL,
      device_public_key BLOB NOT NULL,
      signature BLOB NOT NULL,
      sha256 BLOB NOT NULL,
      blob BLOB NOT NULL,
      received_at INTEGER NOT NULL
    );
    CREATE INDEX requests_by_device ON requests(device_id, request_sequence);
    CREATE TABLE licenses(
      id INTEGER PRIMARY KEY,
      device_id BLOB NOT NULL REFERENCES devices(device_id),
      license_id INTEGER NOT NULL,
      allowance INTEGER NOT NULL,
      min_firmware_version INTEGER NOT NULL,
      not_before INTEGER,
      not_after INTEGER,
      request_id INTEGER REFERENCES requests(id),
      request_sequence INTEGER,
      issued_at INTEGER NOT NULL,
      key_id BLOB NOT NULL,
      sha256 BLOB NOT NULL,
      blob BLOB NOT NULL,
      UNIQUE(device_id, license_id)
    );
    CREATE INDEX licenses_by_request ON licenses(request_id);
    CREATE TABLE anomalies(
      id INTEGER PRIMARY KEY,
      device_id BLOB NOT NULL,
      name TEXT NOT NULL,
      request_sequence INTEGER,
      detail TEXT NOT NULL,
      request_sha256 BLOB,
      request_blob BLOB,
      at INTEGER NOT NULL
    );
    CREATE INDEX anomalies_by_device ON anomalies(device_id);
    CREATE TABLE events(
      seq INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      row_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      hash BLOB NOT NULL,
      UNIQUE(kind, row_id)
    );
    """,
    // 2: threshold licenses (wire v2). A v2 license's identity is its digest,
    // BLAKE2b-256 of [0, body_end): the same license can be assembled into blobs
    // that differ only in their signature entries, so sha256 of the blob is no
    // key for it. digest is NULL only on rows recorded before this migration
    // (the backfill below fills every one it can). The events of the licenses
    // table keep their v1 columns, so no past event's bytes change; `ledger
    // verify` recomputes each digest from its (covered) blob instead.
    // cosignatures: what this party signed of someone else's proposal, with the
    // blob as it wrote it out; the device need not be registered here.
    """
    ALTER TABLE licenses ADD COLUMN digest BLOB CHECK(digest IS NULL OR (typeof(digest) = 'blob' AND length(digest) = 32));
    CREATE UNIQUE INDEX licenses_by_digest ON licenses(digest) WHERE digest IS NOT NULL;
    CREATE TABLE cosignatures(
      id INTEGER PRIMARY KEY,
      digest BLOB NOT NULL CHECK(typeof(digest) = 'blob' AND length(digest) = 32),
      device_id BLOB NOT NULL CHECK(typeof(device_id) = 'blob' AND length(device_id) = 32),
      license_id INTEGER NOT NULL,
      allowance INTEGER NOT NULL,
      signature_count INTEGER NOT NULL,
      key_id BLOB NOT NULL CHECK(typeof(key_id) = 'blob' AND length(key_id) = 8),
      signature BLOB NOT NULL CHECK(typeof(signature) = 'blob' AND length(signature) = 64),
      signed_at INTEGER NOT NULL,
      sha256 BLOB NOT NULL,
      blob BLOB NOT NULL,
      UNIQUE(digest, key_id)
    );
    CREATE INDEX cosignatures_by_device ON cosignatures(device_id, license_id);
    """,
  ]

  static var version: Int32 { Int32(migrations.count) }

  /// Creates DB; refuses a file that exists (an existing ledger is never reset).
  static func create(_ path: String) throws(Failure) -> Database {
    let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      let reason = errno == EEXIST ? "already exists; a ledger is never re-created over another file" : errnoText()
      throw Failure("DB: cannot create '\(printable(path))': \(reason)")
    }
    close(fd)
    do throws(Failure) {
      let db = try Database.open(path, what: "DB")
      try db.exec("PRAGMA journal_mode = WAL")
      try db.exec("PRAGMA application_id = \(applicationID)")
      try configure(db)
      try migrate(db)
      return db
    } catch {
      unlink(path)
      unlink(path + "-wal")
      unlink(path + "-shm")
      throw error
    }
  }

  /// Opens an existing ledger, migrating an older one.
  static func open(_ path: String, what: String = "DB") throws(Failure) -> Database {
    guard FileExists.at(path) else { throw Failure("\(what): no ledger at '\(printable(path))' (create one with olic ledger init)") }
    let db = try Database.open(path, what: what)
    try configure(db)
    let application = try pragma(db, "application_id")
    let found = try pragma(db, "user_version")
    guard application == Int64(applicationID) else {
      throw Failure("\(what): '\(printable(path))' is not an olic ledger (application_id \(application))")
    }
    guard found <= Int64(version) else {
      throw Failure("\(what): '\(printable(path))' has schema version \(found); this olic knows up to \(version): use a newer olic")
    }
    if found < Int64(version) { try migrate(db) }
    return db
  }

  private static func configure(_ db: Database) throws(Failure) {
    // Concurrent issuers wait for each other instead of failing at once.
    sqlite3_busy_timeout(db.handle, 30_000)
    try db.exec("PRAGMA foreign_keys = ON")
    // FULL: a commit is on disk before the license file is written, so a power cut
    // cannot keep a license file whose record was lost. Batches commit per chunk,
    // so this is one flush per chunk, never one per row.
    try db.exec("PRAGMA synchronous = FULL")
    // A batch touches every index of a 10,000-device ledger: keep them in memory.
    try db.exec("PRAGMA cache_size = -32768")
  }

  private static func pragma(_ db: Database, _ name: String) throws(Failure) -> Int64 {
    try db.first("PRAGMA \(name)") { $0.int(0) } ?? 0
  }

  /// Every license recorded under schema 1 is a v1 license; its digest comes from
  /// its blob through the core. A blob the core no longer reads keeps NULL, and
  /// `ledger verify` names it.
  private static func backfillDigests(_ db: Database) throws(Failure) {
    let rows = try db.rows("SELECT id, blob FROM licenses WHERE digest IS NULL") { ($0.int(0), $0.blob(1)) }
    for (id, blob) in rows {
      guard let digest = LicenseDigest.of(blob) else { continue }
      try db.run("UPDATE licenses SET digest = ? WHERE id = ?", [.blob(digest), .int(id)])
    }
  }

  private static func migrate(_ db: Database) throws(Failure) {
    try db.immediate { () throws(Failure) in
      // Re-read inside the write lock: another process may have migrated first.
      var at = Int32(try pragma(db, "user_version"))
      while at < version {
        try db.exec(migrations[Int(at)])
        if at == 1 { try backfillDigests(db) }
        at += 1
        try db.exec("PRAGMA user_version = \(at)")
      }
    }
  }
}
