import COlic
import CSodium
import OfflineLicensing
import Testing

/// Provisioning, init, install, reserve, and the NVM record itself.
@Suite struct StateTests {
  @Test func provisionWritesOnceAndRefusesASecondTime() {
    let ram = RAMStorage()
    var storage = ram.storage
    #expect(olic_provision(&storage) == OLIC_OK)
    #expect(ram.writes == 1)
    #expect(olic_provision(&storage) == OLIC_ERR_PROVISIONED)
    #expect(ram.writes == 1)
    let d = Device(ram: ram, provision: false)
    #expect(d.boot() == OLIC_OK)
    #expect(same(d.state, olic_state_info(last_license_id: 0, remaining: 0, consumed_total: 0, request_sequence: 0,
                                          time_high_water: 0, firmware_version: firmwareVersion, reserved: 0)))
  }

  @Test func provisionArguments() {
    #expect(olic_provision(nil) == OLIC_ERR_ARGUMENT)
    let ram = RAMStorage(size: Int(OLIC_STORAGE_MIN_SIZE) - 1)
    var small = ram.storage
    #expect(olic_provision(&small) == OLIC_ERR_ARGUMENT)
    var noRead = RAMStorage().storage
    noRead.read = nil
    #expect(olic_provision(&noRead) == OLIC_ERR_ARGUMENT)
    var noWrite = RAMStorage().storage
    noWrite.write = nil
    #expect(olic_provision(&noWrite) == OLIC_ERR_ARGUMENT)
    #expect(ram.writes == 0)
  }

  @Test func provisionStorageFailures() {
    let ram = RAMStorage()
    var storage = ram.storage
    ram.failReads = true
    #expect(olic_provision(&storage) == OLIC_ERR_STORAGE)
    #expect(ram.writes == 0)
    ram.failReads = false
    ram.failWrites = true
    #expect(olic_provision(&storage) == OLIC_ERR_STORAGE)
    ram.failWrites = false
    #expect(Device(ram: ram, provision: false).boot() == OLIC_ERR_STATE)
  }

  @Test func blankErasedOrCorruptStorageIsNeverAFreshDevice() {
    for fill: UInt8 in [0x00, 0xFF, 0xA5] {
      let d = Device(ram: RAMStorage(fill: fill), provision: false)
      #expect(d.boot() == OLIC_ERR_STATE, "fill \(fill)")
      #expect(d.reserve(1) == (OLIC_ERR_STATE, 0))
    }
    // One flipped bit anywhere in the only record.
    for bit in 0..<(96 * 8) {
      let d = Device()
      d.ram.bytes[bit / 8] ^= UInt8(1 << (bit % 8))
      #expect(d.boot() == OLIC_ERR_STATE, "bit \(bit)")
    }
  }

  @Test func initArguments() {
    let d = Device()
    var ctx = olic_context()
    var config = d.config
    var storage = d.storage
    let keys = regulator.publicKey
    keys.withUnsafeBufferPointer { k in
      config.trusted_keys = k.baseAddress
      #expect(olic_init(nil, &config, &storage) == OLIC_ERR_ARGUMENT)
      #expect(olic_init(&ctx, nil, &storage) == OLIC_ERR_ARGUMENT)
      #expect(olic_init(&ctx, &config, nil) == OLIC_ERR_ARGUMENT)
      for count in [0, 9, -1] {
        config.trusted_key_count = count
        #expect(olic_init(&ctx, &config, &storage) == OLIC_ERR_ARGUMENT, "count \(count)")
      }
      config.trusted_key_count = 1
      var small = storage
      small.size = UInt32(OLIC_STORAGE_MIN_SIZE) - 1
      #expect(olic_init(&ctx, &config, &small) == OLIC_ERR_ARGUMENT)
      var noRead = storage
      noRead.read = nil
      #expect(olic_init(&ctx, &config, &noRead) == OLIC_ERR_ARGUMENT)
      #expect(olic_init(&ctx, &config, &storage) == OLIC_OK)
    }
    config.trusted_keys = nil
    #expect(olic_init(&ctx, &config, &storage) == OLIC_ERR_ARGUMENT)
    // The failed init left a context that refuses everything.
    var granted: UInt64 = 9
    #expect(olic_reserve(&ctx, 1, &granted) == OLIC_ERR_STATE)
    #expect(granted == 0)
  }

  @Test func initReadFailureIsStorage() {
    let d = Device()
    d.ram.failReads = true
    #expect(d.boot() == OLIC_ERR_STORAGE)
    #expect(d.check(LicenseSpec().bytes) == OLIC_ERR_STATE)
  }

  @Test func initCopiesTheKeyTable() {
    // The table is read once at init: changing it afterwards changes nothing.
    let d = Device()
    d.keys = otherRegulator.publicKey
    #expect(d.check(LicenseSpec().bytes) == OLIC_OK)
  }

  @Test func installCommitsInOneWrite() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 7, allowance: 500).bytes, now: 1234) == OLIC_OK)
    #expect(d.ram.writes == 2)
    #expect(same(d.state, olic_state_info(last_license_id: 7, remaining: 500, consumed_total: 0, request_sequence: 0,
                                          time_high_water: 1234, firmware_version: firmwareVersion, reserved: 0)))
    #expect(d.install(LicenseSpec(licenseId: 9, allowance: 25).bytes) == OLIC_OK)
    #expect(d.state.remaining == 525 && d.state.last_license_id == 9)
    // Refused installs and checks write nothing.
    #expect(d.install(LicenseSpec(licenseId: 9).bytes) == OLIC_ERR_REPLAY)
    #expect(d.check(LicenseSpec(licenseId: 10).bytes) == OLIC_OK)
    #expect(d.ram.writes == 3)
    // The state survives a reboot.
    #expect(d.boot() == OLIC_OK)
    #expect(d.state.remaining == 525 && d.state.last_license_id == 9 && d.state.time_high_water == 1234)
  }

  @Test func maximumLicenseIdLocksOutEveryLaterLicense() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: .max).bytes) == OLIC_OK)
    #expect(d.state.last_license_id == .max)
    #expect(d.check(LicenseSpec(licenseId: .max).bytes) == OLIC_ERR_REPLAY)
  }

  @Test func allowanceSaturates() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: .max - 5).bytes) == OLIC_OK)
    #expect(d.install(LicenseSpec(licenseId: 2, allowance: 5).bytes) == OLIC_OK)
    #expect(d.state.remaining == .max)
    #expect(d.install(LicenseSpec(licenseId: 3, allowance: .max).bytes) == OLIC_OK)
    #expect(d.state.remaining == .max)
    #expect(d.reserve(.max) == (OLIC_OK, .max))
    #expect(d.state.consumed_total == .max && d.state.remaining == 0)
    #expect(d.install(LicenseSpec(licenseId: 4, allowance: 10).bytes) == OLIC_OK)
    #expect(d.reserve(3) == (OLIC_OK, 3))
    #expect(d.state.consumed_total == .max, "consumed_total saturates too")
    #expect(d.state.remaining == 7)
  }

  @Test func reserveSemantics() {
    let d = Device()
    #expect(d.reserve(1) == (OLIC_ERR_EXHAUSTED, 0))
    #expect(d.ram.writes == 1)
    #expect(d.install(LicenseSpec(allowance: 100).bytes) == OLIC_OK)
    #expect(d.reserve(0) == (OLIC_ERR_ARGUMENT, 0))
    #expect(d.reserve(30) == (OLIC_OK, 30))
    #expect(d.reserve(100) == (OLIC_OK, 70))
    #expect(d.reserve(1) == (OLIC_ERR_EXHAUSTED, 0))
    #expect(d.state.remaining == 0 && d.state.consumed_total == 100)
    #expect(d.ram.writes == 4, "provision, install, two reservations")
    #expect(olic_reserve(&d.context, 1, nil) == OLIC_ERR_ARGUMENT)
    var granted: UInt64 = 5
    #expect(olic_reserve(nil, 1, &granted) == OLIC_ERR_ARGUMENT)
    #expect(granted == 0)
  }

  @Test func storageWriteFailureChangesNothing() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 1, allowance: 100).bytes) == OLIC_OK)
    let before = d.state
    let image = d.ram.bytes
    d.ram.failWrites = true
    #expect(d.install(LicenseSpec(licenseId: 2).bytes) == OLIC_ERR_STORAGE)
    #expect(d.reserve(10) == (OLIC_ERR_STORAGE, 0))
    #expect(d.request().0 == OLIC_ERR_STORAGE)
    #expect(same(d.state, before))
    #expect(d.ram.bytes == image)
    d.ram.failWrites = false
    #expect(d.boot() == OLIC_OK)
    #expect(same(d.state, before))
  }

  @Test func stateArguments() {
    let d = Device()
    #expect(olic_state(&d.context, nil) == OLIC_ERR_ARGUMENT)
    var info = olic_state_info()
    #expect(olic_state(nil, &info) == OLIC_ERR_ARGUMENT)
  }

  /// A record written by hand from docs/format.md, checksummed with libsodium.
  static func handWrittenRecord(generation: UInt64, state: [UInt64]) -> [UInt8] {
    var r: [UInt8] = [0x4F, 0x4C, 0x53, 0x54] + le32(1) + le64(generation)
    for v in state { r += le64(v) }
    r += le64(0)
    var digest = [UInt8](repeating: 0, count: 32)
    _ = crypto_generichash(&digest, 32, r, UInt64(r.count), nil, 0)
    return r + digest
  }

  @Test func handWrittenRecordsAreRead() {
    let ram = RAMStorage()
    let a = Self.handWrittenRecord(generation: 7, state: [3, 40, 60, 2, 999])
    let b = Self.handWrittenRecord(generation: 8, state: [4, 30, 70, 2, 1000])
    ram.bytes.replaceSubrange(0..<96, with: a)
    ram.bytes.replaceSubrange(128..<224, with: b)
    let d = Device(ram: ram, provision: false)
    #expect(d.boot() == OLIC_OK)
    #expect(describe(d.state) == "lid=4 rem=30 used=70 seq=2 thw=1000 fw=100")
    // The next commit goes to slot A (the older one) with generation 9.
    #expect(d.reserve(5) == (OLIC_OK, 5))
    #expect(Array(ram.bytes[0..<96]) == Self.handWrittenRecord(generation: 9, state: [4, 25, 75, 2, 1000]))
    #expect(Array(ram.bytes[128..<224]) == b)
    // Provisioning refuses intact storage.
    var storage = ram.storage
    #expect(olic_provision(&storage) == OLIC_ERR_PROVISIONED)
  }

  @Test func recordRulesAreEnforced() {
    func boots(_ record: [UInt8]) -> olic_status {
      let ram = RAMStorage()
      ram.bytes.replaceSubrange(0..<96, with: record)
      return Device(ram: ram, provision: false).boot()
    }
    #expect(boots(Self.handWrittenRecord(generation: 1, state: [0, 0, 0, 0, 0])) == OLIC_OK)
    #expect(boots(Self.handWrittenRecord(generation: 0, state: [0, 0, 0, 0, 0])) == OLIC_ERR_STATE)
    var wrongMagic = Self.handWrittenRecord(generation: 1, state: [0, 0, 0, 0, 0])
    wrongMagic[0] = 0
    #expect(boots(wrongMagic) == OLIC_ERR_STATE)
    // Two intact records of the same generation are refused, not guessed between.
    let ram = RAMStorage()
    ram.bytes.replaceSubrange(0..<96, with: Self.handWrittenRecord(generation: 5, state: [1, 1, 1, 1, 1]))
    ram.bytes.replaceSubrange(128..<224, with: Self.handWrittenRecord(generation: 5, state: [2, 2, 2, 2, 2]))
    #expect(Device(ram: ram, provision: false).boot() == OLIC_ERR_STATE)
  }
}
