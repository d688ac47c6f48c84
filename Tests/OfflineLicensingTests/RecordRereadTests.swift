import COlic
import OfflineLicensing
import Testing

/// NVM whose record reads disagree with its header reads: each 16-byte header
/// read sees `headers`, each whole-record read sees `records` (a storage that
/// changed between the two reads, or a read that was glitched). A record is
/// judged on the bytes read as a record, never on an earlier header read.
private final class TwoFacedStorage {
  var headers: [UInt8]
  var records: [UInt8]
  var failRecordReads = false
  init(headers: [UInt8], records: [UInt8]) {
    self.headers = headers
    self.records = records
  }
  var storage: olic_storage {
    olic_storage(ctx: Unmanaged.passUnretained(self).toOpaque(), size: UInt32(headers.count),
                 read: twoFacedRead, write: twoFacedWrite)
  }
}

private let twoFacedRead: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafeMutableRawPointer?, UInt32) -> Int32 = {
  ctx, offset, buffer, length in
  guard let ctx, let buffer else { return -1 }
  let s = Unmanaged<TwoFacedStorage>.fromOpaque(ctx).takeUnretainedValue()
  let isRecord = length == UInt32(OLIC_STATE_RECORD_SIZE)
  if isRecord && s.failRecordReads { return -1 }
  let source = isRecord ? s.records : s.headers
  let o = Int(offset), n = Int(length)
  guard o + n <= source.count else { return -1 }
  source.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + o, byteCount: n) }
  return 0
}

private let twoFacedWrite: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafeRawPointer?, UInt32) -> Int32 = {
  _, _, _, _ in -1
}

@Suite struct RecordRereadTests {
  func boot(headers: [UInt8], records: [UInt8], failRecordReads: Bool = false) -> olic_status {
    let nvm = TwoFacedStorage(headers: headers, records: records)
    nvm.failRecordReads = failRecordReads
    var storage = nvm.storage
    var ctx = olic_context()
    var config = olic_config()
    let keys = regulator.publicKey
    config.trusted_key_count = 1
    return keys.withUnsafeBufferPointer { k -> olic_status in
      config.trusted_keys = k.baseAddress
      return withExtendedLifetime(nvm) { olic_init(&ctx, &config, &storage) }
    }
  }

  static func image(_ record: [UInt8]) -> [UInt8] {
    var b = [UInt8](repeating: 0xFF, count: 256)
    b.replaceSubrange(0..<96, with: record)
    return b
  }

  @Test func theRecordReadIsJudgedOnItsOwnBytes() {
    let good = Self.image(BoundaryTests.record(generation: 7))
    #expect(boot(headers: good, records: good) == OLIC_OK, "the control: both reads agree")
    let badRecords: [(String, [UInt8])] = [
      ("magic", BoundaryTests.record(magic: [0x4F, 0x4C, 0x53, 0x00], generation: 7)),
      ("format", BoundaryTests.record(format: 2, generation: 7)),
      ("reserved", BoundaryTests.record(generation: 7, reserved: 1)),
      ("generation", BoundaryTests.record(generation: 6)),
    ]
    for (label, record) in badRecords {
      // The header read claims an intact generation 7; the record read, checksummed
      // correctly, breaks a rule: it is not a record.
      #expect(boot(headers: good, records: Self.image(record)) == OLIC_ERR_STATE, "\(label)")
    }
  }

  @Test func aFailedRecordReadIsAStorageError() {
    // The headers read fine and claim a record; reading the record itself fails.
    // That is OLIC_ERR_STORAGE, not a torn record to skip (which would boot an
    // older state or none).
    let good = Self.image(BoundaryTests.record(generation: 7))
    #expect(boot(headers: good, records: good, failRecordReads: true) == OLIC_ERR_STORAGE)
    let nvm = TwoFacedStorage(headers: good, records: good)
    nvm.failRecordReads = true
    var storage = nvm.storage
    #expect(withExtendedLifetime(nvm) { olic_provision(&storage) } == OLIC_ERR_STORAGE)
  }
}
