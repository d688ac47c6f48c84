import COlic
import CSodium
import OfflineLicensing
import Testing

/// Behaviours at the exact edge of a rule, where a flipped comparison, an
/// off-by-one bound or a missing guard in the core would otherwise pass every
/// other test (each test names the rule it pins; docs/testing.md lists the
/// mutants they kill).
@Suite struct BoundaryTests {
  // MARK: header

  /// Exactly 8 bytes, the right magic, version 3 (2 is the threshold format):
  /// the length rule (>= 8) passes, so the version decides. A `> 8` length
  /// check would say MALFORMED.
  static let eightByteVersion2: [UInt8] = [0x4F, 0x4C, 0x49, 0x43, 0x03, 0x01, 0x08, 0x00]

  @Test func eightByteBlobWithTheWrongVersionIsVersion() {
    let blob = Self.eightByteVersion2
    var out = olic_license()
    out.license_id = 7
    #expect(olic_parse(blob, 8, &out) == OLIC_ERR_VERSION)
    #expect(out.license_id == 0)
    #expect(Device().check(blob) == OLIC_ERR_VERSION)
    var request = blob
    request[5] = 2
    #expect(olic_verify_request(request, 8, nil) == OLIC_ERR_VERSION)
    request[4] = 2  // requests stay version 1
    #expect(olic_verify_request(request, 8, nil) == OLIC_ERR_VERSION)
    request[4] = 3
    // One byte less and there is no header to read a version from.
    #expect(olic_parse(blob, 7, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(request, 7, nil) == OLIC_ERR_MALFORMED)
    // The same 8 bytes with version 1: a header, but no license.
    var v1 = blob
    v1[4] = 1
    #expect(olic_parse(v1, 8, nil) == OLIC_ERR_MALFORMED)
  }

  @Test func lengthGivenShorterThanTheCopyIsMalformed() {
    // The caller's length, not the bytes behind it, is the blob: 8 bytes of a
    // longer buffer claim a header only.
    let blob = LicenseSpec().bytes
    #expect(olic_parse(blob, 8, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_parse(blob, blob.count - 1, nil) == OLIC_ERR_MALFORMED)
  }

  // MARK: trusted keys

  /// A context with fewer than 8 keys has empty (all-zero) slots in its key-id
  /// table; a license naming the all-zero key id must not find one of them.
  @Test func keyIdOfAnEmptySlotIsUnknownKey() {
    let zeroId = [UInt8](repeating: 0, count: 8)
    for count in 1...7 {
      let keys = (0..<count).map { TestKey(seedByte: UInt8(0x40 + $0)) }
      let d = Device(trusted: keys)
      #expect(d.boot() == OLIC_OK)
      let blob = LicenseSpec(keyId: zeroId, signer: keys[0]).bytes
      #expect(d.check(blob) == OLIC_ERR_UNKNOWN_KEY, "\(count) trusted keys")
      // The last trusted slot is found; the one after it is not a key.
      let last = LicenseSpec(keyId: keys[count - 1].keyId, signer: keys[count - 1]).bytes
      #expect(d.check(last) == OLIC_OK, "key \(count - 1) of \(count)")
    }
  }

  @Test func everyOneOfEightKeysIsFoundAndVerifiesWithItsOwnKey() {
    let keys = (0..<8).map { TestKey(seedByte: UInt8(0x50 + $0)) }
    let d = Device(trusted: keys)
    for (i, key) in keys.enumerated() {
      #expect(d.check(LicenseSpec(keyId: key.keyId, signer: key).bytes) == OLIC_OK, "key \(i)")
      // Named as key i but signed by key (i + 1) % 8: the named key verifies.
      let other = keys[(i + 1) % 8]
      #expect(d.check(LicenseSpec(keyId: key.keyId, signer: other).bytes) == OLIC_ERR_SIGNATURE, "key \(i)")
    }
  }

  @Test func duplicateTrustedKeysAreRefusedAtInit() {
    // A threshold counts distinct keys, so olic_init refuses a repeated key even
    // at k = 1, and the failed context refuses every check.
    let d = Device(trusted: [otherRegulator, regulator, regulator])
    #expect(d.boot() == OLIC_ERR_ARGUMENT)
    #expect(d.check(LicenseSpec().bytes) == OLIC_ERR_STATE)
    #expect(Device(trusted: [otherRegulator, regulator]).check(LicenseSpec().bytes) == OLIC_OK)
  }

  // MARK: context readiness

  /// A context whose ready_ word is anything but the magic, however close, is
  /// refused by every call, even when the rest of it is a working context.
  @Test func readyWordOtherThanTheMagicIsState() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: 100).bytes) == OLIC_OK)
    let writes = d.ram.writes
    let magic = d.context.ready_
    for garbage: UInt64 in [1, magic ^ 1, magic ^ (1 << 63), ~magic, .max] {
      var ctx = d.context
      ctx.ready_ = garbage
      let blob = LicenseSpec(licenseId: 2).bytes
      #expect(olic_check(&ctx, blob, blob.count, 0, nil) == OLIC_ERR_STATE, "ready_ \(garbage)")
      #expect(olic_install(&ctx, blob, blob.count, 0) == OLIC_ERR_STATE)
      var granted: UInt64 = 9
      #expect(olic_reserve(&ctx, 1, &granted) == OLIC_ERR_STATE)
      #expect(granted == 0)
      var info = olic_state_info()
      #expect(olic_state(&ctx, &info) == OLIC_ERR_STATE)
      #expect(info.remaining == 0)
      var out = [UInt8](repeating: 0, count: 184)
      var length = 5
      #expect(olic_make_request(&ctx, deviceKey.secretKey, &out, out.count, &length) == OLIC_ERR_STATE)
      #expect(length == 0)
    }
    #expect(d.ram.writes == writes, "a refused context writes nothing")
    // The real one still works.
    #expect(d.reserve(1) == (OLIC_OK, 1))
  }

  // MARK: NVM records

  /// A record laid out by hand from docs/format.md with every field chosen, and a
  /// correct BLAKE2b-256 checksum over whatever the first 64 bytes are.
  static func record(
    magic: [UInt8] = [0x4F, 0x4C, 0x53, 0x54], format: UInt32 = 1, generation: UInt64,
    state: [UInt64] = [0, 0, 0, 0, 0], reserved: UInt64 = 0
  ) -> [UInt8] {
    var r = magic + le32(format) + le64(generation)
    for v in state { r += le64(v) }
    r += le64(reserved)
    var digest = [UInt8](repeating: 0, count: 32)
    _ = crypto_generichash(&digest, 32, r, UInt64(r.count), nil, 0)
    return r + digest
  }

  static func boot(slotA: [UInt8]?, slotB: [UInt8]? = nil) -> Device {
    let ram = RAMStorage()
    if let slotA { ram.bytes.replaceSubrange(0..<96, with: slotA) }
    if let slotB { ram.bytes.replaceSubrange(128..<224, with: slotB) }
    return Device(ram: ram, provision: false)
  }

  @Test func checksummedRecordsBreakingAFieldRuleAreNotIntact() {
    #expect(Self.boot(slotA: Self.record(generation: 1)).boot() == OLIC_OK, "the control record")
    let bad: [(String, [UInt8])] = [
      ("magic OLSU", Self.record(magic: [0x4F, 0x4C, 0x53, 0x55], generation: 1)),
      ("magic of a license", Self.record(magic: [0x4F, 0x4C, 0x49, 0x43], generation: 1)),
      ("format 0", Self.record(format: 0, generation: 1)),
      ("format 2", Self.record(format: 2, generation: 1)),
      ("reserved 1", Self.record(generation: 1, reserved: 1)),
      ("reserved high bit", Self.record(generation: 1, reserved: 1 << 63)),
      ("generation 0", Self.record(generation: 0)),
    ]
    for (label, record) in bad {
      let d = Self.boot(slotA: record)
      #expect(d.boot() == OLIC_ERR_STATE, "\(label)")
      // Not intact means provisioning may write over it.
      var storage = d.ram.storage
      #expect(olic_provision(&storage) == OLIC_OK, "\(label)")
    }
  }

  @Test func aBrokenNewerRecordLosesToAnIntactOlderOne() {
    // Slot B has the higher generation and a good checksum but a bad field:
    // it is not a record, so slot A's state is the state.
    for newer in [
      Self.record(magic: [0x4F, 0x4C, 0x53, 0x00], generation: 9, state: [9, 9, 9, 9, 9]),
      Self.record(generation: 9, state: [9, 9, 9, 9, 9], reserved: 2),
      Self.record(format: 3, generation: 9, state: [9, 9, 9, 9, 9]),
    ] {
      let d = Self.boot(slotA: Self.record(generation: 4, state: [1, 2, 3, 4, 5]), slotB: newer)
      #expect(d.boot() == OLIC_OK)
      #expect(describe(d.state) == "lid=1 rem=2 used=3 seq=4 thw=5 fw=100")
    }
  }

  @Test func theNewerOfTwoRecordsWinsInEitherSlot() {
    let older = Self.record(generation: 6, state: [1, 1, 1, 1, 1])
    let newer = Self.record(generation: 7, state: [2, 2, 2, 2, 2])
    for (a, b) in [(older, newer), (newer, older)] {
      let d = Self.boot(slotA: a, slotB: b)
      #expect(d.boot() == OLIC_OK)
      #expect(describe(d.state) == "lid=2 rem=2 used=2 seq=2 thw=2 fw=100")
      // The next commit replaces the older record, wherever it is.
      #expect(d.reserve(1) == (OLIC_OK, 1))
      let expected = Self.record(generation: 8, state: [2, 1, 3, 2, 2])
      let olderAt = a == older ? 0 : 128
      #expect(Array(d.ram.bytes[olderAt..<olderAt + 96]) == expected)
      #expect(Array(d.ram.bytes[(128 - olderAt)..<(128 - olderAt) + 96]) == newer, "the newer record is untouched")
    }
  }

  @Test func onlySlotBIntactIsReadAndTheNextCommitGoesToA() {
    let d = Self.boot(slotA: nil, slotB: Self.record(generation: 3, state: [0, 50, 0, 0, 0]))
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == 50)
    #expect(d.reserve(20) == (OLIC_OK, 20))
    #expect(Array(d.ram.bytes[0..<96]) == Self.record(generation: 4, state: [0, 30, 20, 0, 0]))
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == 30 && d.state.consumed_total == 20)
  }

  @Test func generationAtItsEndRefusesEveryCommit() {
    let top = Self.record(generation: .max, state: [1, 100, 0, 0, 0])
    let d = Self.boot(slotA: top)
    #expect(d.boot() == OLIC_OK)
    #expect(d.reserve(10) == (OLIC_ERR_STATE, 0))
    #expect(d.install(LicenseSpec(licenseId: 2).bytes) == OLIC_ERR_STATE)
    #expect(d.request().0 == OLIC_ERR_STATE)
    #expect(d.ram.writes == 0, "nothing is written past generation 2^64 - 1")
    #expect(d.state.remaining == 100, "and the context keeps its state")
    #expect(d.check(LicenseSpec(licenseId: 2).bytes) == OLIC_OK, "checks still work")
  }

  @Test func oneBelowTheEndCommitsOnceMore() {
    let d = Self.boot(slotA: Self.record(generation: .max - 1, state: [1, 100, 0, 0, 0]))
    #expect(d.boot() == OLIC_OK)
    #expect(d.reserve(10) == (OLIC_OK, 10))
    #expect(Array(d.ram.bytes[128..<224]) == Self.record(generation: .max, state: [1, 90, 10, 0, 0]))
    #expect(d.reserve(10) == (OLIC_ERR_STATE, 0))
    #expect(d.ram.writes == 1)
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == 90)
  }

  // MARK: requests

  /// A request one byte longer than 184 whose header says so, correctly signed
  /// over its first 120 bytes: the fixed size alone refuses it.
  @Test func requestOfLength185IsMalformed() {
    var b = Device().request().1
    #expect(b.count == 184)
    b.replaceSubrange(6..<8, with: le16(185))
    b.replaceSubrange(120..<184, with: deviceKey.sign(Array(b[0..<120])))
    b.append(0x00)
    var out = olic_request()
    out.request_sequence = 3
    #expect(olic_verify_request(b, 185, &out) == OLIC_ERR_MALFORMED)
    #expect(out.request_sequence == 0)
    // The same bytes cut to 184 now disagree with their header.
    #expect(olic_verify_request(b, 184, nil) == OLIC_ERR_MALFORMED)
    // And a 183-byte one that says 183.
    var short = Device().request().1
    short.replaceSubrange(6..<8, with: le16(183))
    short.replaceSubrange(120..<184, with: deviceKey.sign(Array(short[0..<120])))
    #expect(olic_verify_request(Array(short[0..<183]), 183, nil) == OLIC_ERR_MALFORMED)
  }

  @Test func requestReportsEveryFieldFromItsOwnOffset() {
    // Distinct values in every field, so a field read from a neighbour's offset shows.
    let ram = RAMStorage()
    ram.bytes.replaceSubrange(0..<96, with: Self.record(generation: 1, state: [11, 22, 33, 44, 55]))
    let d = Device(ram: ram, provision: false)
    #expect(d.boot() == OLIC_OK)
    let (status, blob) = d.request()
    #expect(status == OLIC_OK)
    var r = olic_request()
    #expect(olic_verify_request(blob, blob.count, &r) == OLIC_OK)
    #expect(r.last_license_id == 11 && r.remaining == 22 && r.consumed_total == 33)
    #expect(r.request_sequence == 45 && r.time_high_water == 55 && r.firmware_version == 100)
    #expect(r.reserved == 0)
    #expect(withUnsafeBytes(of: r.signature) { Array($0) } == Array(blob[120..<184]))
    #expect(describe(d.state) == "lid=11 rem=22 used=33 seq=45 thw=55 fw=100")
  }

  // MARK: the encoder

  @Test func extensionWithALengthAndNoValueIsArgument() {
    var fields = olic_license()
    fields.license_id = 1
    fields.allowance = 1
    var out = [UInt8](repeating: 0xEE, count: 1024)
    var length = 77
    for (type, size) in [(UInt16(0x0042), UInt16(8)), (0x0042, 1), (0x8042, 3), (0x0001, 16)] {
      let list = [olic_extension(type: type, length: size, offset: 0, value: nil)]
      #expect(olic_encode_license(&fields, list, 1, &out, out.count, &length) == OLIC_ERR_ARGUMENT, "type \(type) length \(size)")
      #expect(length == 0)
    }
    // Length 0 with no value is fine.
    let empty = [olic_extension(type: 0x0042, length: 0, offset: 0, value: nil)]
    #expect(olic_encode_license(&fields, empty, 1, &out, out.count, &length) == OLIC_OK)
    #expect(length == 72 + 4 + 64)
  }

  // MARK: provisioning and init

  @Test func provisionWritesGenerationOneInSlotAOnly() {
    for fill: UInt8 in [0x00, 0xFF] {
      let ram = RAMStorage(fill: fill)
      var storage = ram.storage
      #expect(olic_provision(&storage) == OLIC_OK)
      #expect(Array(ram.bytes[0..<96]) == Self.record(generation: 1), "fill \(fill)")
      #expect(ram.bytes[96...].allSatisfy { $0 == fill }, "nothing else is written")
    }
  }

  @Test func provisionRefusesEitherSlotIntactAlone() {
    for (a, b) in [(Self.record(generation: 4), nil), (nil, Self.record(generation: 4))] as [([UInt8]?, [UInt8]?)] {
      let d = Self.boot(slotA: a, slotB: b)
      let image = d.ram.bytes
      var storage = d.ram.storage
      #expect(olic_provision(&storage) == OLIC_ERR_PROVISIONED, "slot \(a == nil ? "B" : "A") intact")
      #expect(d.ram.bytes == image && d.ram.writes == 0)
    }
  }

  @Test func initRefusesStorageWithoutAWriteCallback() {
    let d = Device()
    var noWrite = d.storage
    noWrite.write = nil
    var ctx = olic_context()
    let status = d.keys.withUnsafeBufferPointer { k -> olic_status in
      d.config.trusted_keys = k.baseAddress
      return olic_init(&ctx, &d.config, &noWrite)
    }
    #expect(status == OLIC_ERR_ARGUMENT)
    #expect(olic_check(&ctx, LicenseSpec().bytes, LicenseSpec().bytes.count, 0, nil) == OLIC_ERR_STATE)
  }

  @Test func failedInitLeavesAnAllZeroContext() {
    // Blank storage fails after the keys were copied in: none of them stay behind.
    let d = Device(trusted: [regulator, otherRegulator], provision: false)
    d.context.ready_ = 1
    #expect(d.boot() == OLIC_ERR_STATE)
    #expect(withUnsafeBytes(of: &d.context) { $0.allSatisfy { $0 == 0 } })
    d.ram.bytes.replaceSubrange(0..<96, with: Self.record(generation: 1))
    d.ram.failReads = true
    #expect(d.boot() == OLIC_ERR_STORAGE)
    #expect(withUnsafeBytes(of: &d.context) { $0.allSatisfy { $0 == 0 } })
  }

  // MARK: extensions and the encoder's arguments

  @Test func licenseExtensionRefusesAnUnknownCritical() {
    let blob = LicenseSpec(extra: [(0x0010, [1, 2]), (0x8100, [3])]).bytes
    var e = olic_extension()
    e.type = 9
    #expect(olic_license_extension(blob, blob.count, 0, &e) == OLIC_ERR_UNSUPPORTED_EXTENSION)
    #expect(e.type == 0 && e.length == 0 && e.offset == 0)
    let fine = LicenseSpec(extra: [(0x0010, [1, 2]), (0x0100, [3])]).bytes
    #expect(olic_license_extension(fine, fine.count, 1, &e) == OLIC_OK)
    #expect(e.type == 0x0100 && e.length == 1 && e.offset == 72 + 4 + 2 + 4)
    #expect(olic_license_extension(fine, fine.count, 2, &e) == OLIC_ERR_ARGUMENT)
    #expect(olic_license_extension(fine, fine.count, Int.max, &e) == OLIC_ERR_ARGUMENT)
    #expect(olic_license_extension(fine, fine.count, Int.min, &e) == OLIC_ERR_ARGUMENT)
  }

  @Test func encoderCapacityIsExact() {
    var fields = olic_license()
    fields.license_id = 1
    fields.allowance = 1
    var out = [UInt8](repeating: 0xEE, count: 200)
    var length = 5
    #expect(olic_encode_license(&fields, nil, 0, &out, 135, &length) == OLIC_ERR_BUFFER)
    #expect(length == 0 && out.allSatisfy { $0 == 0xEE }, "a refused encode writes nothing")
    #expect(olic_encode_license(&fields, nil, 0, &out, 136, &length) == OLIC_OK)
    #expect(length == 136 && out[136] == 0xEE)
    #expect(Array(out[72..<136]) == [UInt8](repeating: 0, count: 64), "the signature area is zero")
    #expect(olic_encode_license(&fields, nil, 0, &out, -1, &length) == OLIC_OK, "SIZE_MAX capacity")
  }

  @Test func absurdExtensionCountsAreRefusedBeforeAnyEntryIsRead() {
    var fields = olic_license()
    fields.license_id = 1
    fields.allowance = 1
    let one = [olic_extension(type: 0x0042, length: 0, offset: 0, value: nil)]
    var out = [UInt8](repeating: 0, count: 1024)
    var length = 5
    for count in [-1, Int.min, Int.max, Int.max - 1, 1 << 40] {
      #expect(olic_encode_license(&fields, one, count, &out, out.count, &length) == OLIC_ERR_MALFORMED, "count \(count)")
      #expect(length == 0)
    }
  }

  @Test func theMostExtensionsThatFitEncodeAndParse() {
    // 222 empty TLVs fill a license to exactly 1024 bytes; a 223rd does not fit.
    let most = LicenseSpec(extra: (0..<222).map { (type: UInt16(0x100 + $0), value: [UInt8]()) })
    let encoded = most.encoded()
    #expect(encoded.status == OLIC_OK)
    #expect(encoded.bytes.count == 1024)
    let blob = most.bytes
    var out = olic_license()
    #expect(olic_parse(blob, blob.count, &out) == OLIC_OK)
    #expect(out.extension_count == 222)
    let tooMany = LicenseSpec(extra: (0..<223).map { (type: UInt16(0x100 + $0), value: [UInt8]()) })
    #expect(tooMany.encoded().status == OLIC_ERR_MALFORMED)
  }
}
