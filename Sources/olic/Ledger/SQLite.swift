import CSQLite

/// A value bound to or read from SQLite. Every u64 of the wire formats is stored
/// as the Int64 with the same bits (SQLite integers are signed 64-bit), and turned
/// back with UInt64(bitPattern:); ordering of such columns is done in Swift.
enum SQLValue: Equatable {
  case null
  case int(Int64)
  case blob([UInt8])
  case text(String)

  static func u64(_ v: UInt64) -> SQLValue { .int(Int64(bitPattern: v)) }
  static func u64(_ v: UInt64?) -> SQLValue { v.map { .int(Int64(bitPattern: $0)) } ?? .null }
}

/// One SQLite connection. Errors become one Failure line naming the database.
final class Database {
  let handle: OpaquePointer
  let path: String
  private var statements: [String: Statement] = [:]

  private init(handle: OpaquePointer, path: String) {
    self.handle = handle
    self.path = path
  }

  deinit {
    statements.removeAll()
    sqlite3_close_v2(handle)
  }

  /// Opens an existing file read-write; never creates one (a mistyped path is an
  /// error, not a new empty ledger).
  static func open(_ path: String, what: String) throws(Failure) -> Database {
    var raw: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &raw, flags, nil)
    guard rc == SQLITE_OK, let raw else {
      let reason = raw.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
      if let raw { sqlite3_close_v2(raw) }
      throw Failure("\(what): cannot open the ledger '\(printable(path))': \(reason)")
    }
    sqlite3_extended_result_codes(raw, 1)
    return Database(handle: raw, path: path)
  }

  var name: String { "ledger \(printable(path))" }

  func fail(_ doing: String, _ rc: Int32) -> Failure {
    let message = String(cString: sqlite3_errmsg(handle))
    let busy = rc & 0xff == SQLITE_BUSY ? " (another olic process held the ledger past the busy timeout)" : ""
    return Failure("\(name): \(doing): \(message)\(busy)")
  }

  func exec(_ sql: String) throws(Failure) {
    let rc = sqlite3_exec(handle, sql, nil, nil, nil)
    guard rc == SQLITE_OK else { throw fail("cannot run \(sql.prefix(40))", rc) }
  }

  /// A prepared statement, compiled once per connection.
  func statement(_ sql: String) throws(Failure) -> Statement {
    if let cached = statements[sql] {
      cached.reset()
      return cached
    }
    var raw: OpaquePointer?
    let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
    guard rc == SQLITE_OK, let raw else { throw fail("cannot prepare a statement", rc) }
    let made = Statement(handle: raw, database: self)
    statements[sql] = made
    return made
  }

  /// Runs one statement to completion (INSERT, UPDATE, DDL).
  func run(_ sql: String, _ values: [SQLValue] = []) throws(Failure) {
    let s = try statement(sql)
    try s.bind(values)
    while try s.step() {}
  }

  /// The rows of a query, each read by `row`.
  func rows<T>(_ sql: String, _ values: [SQLValue] = [], _ row: (Statement) throws(Failure) -> T) throws(Failure) -> [T] {
    let s = try statement(sql)
    try s.bind(values)
    var out: [T] = []
    while try s.step() { out.append(try row(s)) }
    return out
  }

  func first<T>(_ sql: String, _ values: [SQLValue] = [], _ row: (Statement) throws(Failure) -> T) throws(Failure) -> T? {
    let s = try statement(sql)
    try s.bind(values)
    guard try s.step() else { return nil }
    let value = try row(s)
    s.reset()
    return value
  }

  var lastRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// BEGIN IMMEDIATE: the write lock is taken at the start, so two issuers never
  /// both read the same highest license_id and then race to write; the second
  /// waits (busy timeout) instead. Rolled back on any error.
  func immediate<T>(_ body: () throws(Failure) -> T) throws(Failure) -> T {
    try exec("BEGIN IMMEDIATE")
    do throws(Failure) {
      let result = try body()
      try exec("COMMIT")
      return result
    } catch {
      _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
      throw error
    }
  }
}

final class Statement {
  let handle: OpaquePointer
  unowned let database: Database

  init(handle: OpaquePointer, database: Database) {
    self.handle = handle
    self.database = database
  }

  deinit { sqlite3_finalize(handle) }

  func reset() {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  func bind(_ values: [SQLValue]) throws(Failure) {
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let rc: Int32
      switch value {
      case .null: rc = sqlite3_bind_null(handle, index)
      case .int(let v): rc = sqlite3_bind_int64(handle, index, v)
      case .blob(let b):
        rc = b.withUnsafeBytes { p in
          // A zero-length blob must still be a blob, not NULL: any non-nil pointer.
          sqlite3_bind_blob64(handle, index, p.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64(b.count), olic_sqlite_transient())
        }
      case .text(let t): rc = sqlite3_bind_text64(handle, index, t, UInt64(t.utf8.count), olic_sqlite_transient(), UInt8(SQLITE_UTF8))
      }
      guard rc == SQLITE_OK else { throw database.fail("cannot bind a value", rc) }
    }
  }

  /// true: a row is ready; false: done.
  func step() throws(Failure) -> Bool {
    let rc = sqlite3_step(handle)
    if rc == SQLITE_ROW { return true }
    if rc == SQLITE_DONE { return false }
    let failure = database.fail("statement failed", rc)
    sqlite3_reset(handle)
    throw failure
  }

  var columnCount: Int32 { sqlite3_column_count(handle) }

  func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }
  func int(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
  func u64(_ i: Int32) -> UInt64 { UInt64(bitPattern: sqlite3_column_int64(handle, i)) }
  func u64OrNil(_ i: Int32) -> UInt64? { isNull(i) ? nil : u64(i) }

  func blob(_ i: Int32) -> [UInt8] {
    let count = Int(sqlite3_column_bytes(handle, i))
    guard count > 0, let p = sqlite3_column_blob(handle, i) else { return [] }
    return Array(UnsafeRawBufferPointer(start: p, count: count))
  }

  func text(_ i: Int32) -> String? {
    guard !isNull(i), let p = sqlite3_column_text(handle, i) else { return nil }
    let count = Int(sqlite3_column_bytes(handle, i))
    return String(decoding: UnsafeRawBufferPointer(start: p, count: count), as: UTF8.self)
  }

  /// The column as it is stored, type included: the hash chain covers the type, so
  /// an edit that only changes a value's type is caught as well.
  func value(_ i: Int32) -> SQLValue {
    switch sqlite3_column_type(handle, i) {
    case SQLITE_NULL: return .null
    case SQLITE_INTEGER: return .int(int(i))
    case SQLITE_TEXT: return .text(text(i) ?? "")
    case SQLITE_FLOAT:
      // Never written by olic; kept as its text form so an edit to a float is seen.
      return .text("float:" + (text(i) ?? ""))
    default: return .blob(blob(i))
    }
  }
}
