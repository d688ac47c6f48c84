import COlic
import CSodium
import OfflineLicensing
import Testing

let thirdRegulator = TestKey(seedByte: 0x44)
let strangerKey = TestKey(seedByte: 0x55)

/// A v2 license: the core encodes the body, the entries are laid out and
/// signed here (libsodium, sorted by hand), not by olic_add_signature.
struct LicenseV2 {
  var count = 2
  var signers: [TestKey] = [regulator, otherRegulator]
  var deviceId = thisDevice
  var licenseId: UInt64 = 6
  var allowance: UInt64 = 5000
  var validity: (UInt64, UInt64)? = nil
  /// Leave the entries in the signers' order instead of sorting them.
  var unsorted = false

  var body: [UInt8] {
    var fields = olic_license()
    fields.version = 2
    fields.signature_count = UInt32(count)
    withUnsafeMutableBytes(of: &fields.device_id) { $0.copyBytes(from: deviceId) }
    fields.license_id = licenseId
    fields.allowance = allowance
    if let validity {
      fields.has_validity = true
      fields.not_before = validity.0
      fields.not_after = validity.1
    }
    var out = [UInt8](repeating: 0xEE, count: 1100)
    var length = 0
    let status = olic_encode_license(&fields, nil, 0, &out, out.count, &length)
    precondition(status == OLIC_OK, "v2 spec does not encode")
    return Array(out[0..<(length - 72 * count)])
  }

  var bytes: [UInt8] {
    let b = body
    var chosen = signers
    if !unsorted { chosen.sort { $0.keyId.lexicographicallyPrecedes($1.keyId) } }
    var entries = chosen.flatMap { $0.keyId + $0.sign(b) }
    entries += [UInt8](repeating: 0, count: 72 * (count - chosen.count))
    return b + entries
  }
}

func thresholdDevice(_ keys: [TestKey], k: UInt32) -> Device {
  let d = Device(trusted: keys)
  d.config.signature_threshold = k
  _ = d.boot()
  return d
}

@Suite struct ThresholdTests {
  let three = [regulator, otherRegulator, thirdRegulator]

  // The worked cases, in table order.
  @Test func workedCases() {
    let v1 = LicenseSpec().bytes
    #expect(thresholdDevice(three, k: 1).check(v1) == OLIC_OK)
    #expect(thresholdDevice(three, k: 2).check(v1) == OLIC_ERR_THRESHOLD)
    #expect(thresholdDevice(three, k: 1).check(LicenseV2(count: 1, signers: [regulator]).bytes) == OLIC_OK)
    let two = LicenseV2().bytes
    #expect(thresholdDevice(three, k: 2).check(two) == OLIC_OK)
    #expect(thresholdDevice(three, k: 3).check(two) == OLIC_ERR_THRESHOLD)
    #expect(thresholdDevice(three, k: 2).check(LicenseV2(count: 3, signers: three).bytes) == OLIC_OK)
    let untrusted = LicenseV2(signers: [regulator, strangerKey]).bytes
    #expect(thresholdDevice(three, k: 1).check(untrusted) == OLIC_ERR_UNKNOWN_KEY)
    var secondBad = two
    secondBad[secondBad.count - 1] ^= 0x01
    #expect(thresholdDevice(three, k: 2).check(secondBad) == OLIC_ERR_SIGNATURE)
    var same = two
    let end = same.count - 144
    same.replaceSubrange((end + 72)..<(end + 80), with: same[end..<(end + 8)])
    for k: UInt32 in [1, 2, 3] { #expect(thresholdDevice(three, k: k).check(same) == OLIC_ERR_MALFORMED) }
    let sorted = [regulator, otherRegulator].sorted { $0.keyId.lexicographicallyPrecedes($1.keyId) }
    let descending = LicenseV2(signers: sorted.reversed(), unsorted: true).bytes
    for k: UInt32 in [1, 2, 3] { #expect(thresholdDevice(three, k: k).check(descending) == OLIC_ERR_MALFORMED) }
    var otherBad = LicenseV2(deviceId: otherDevice).bytes
    otherBad[otherBad.count - 1] ^= 0x01
    #expect(thresholdDevice(three, k: 2).check(otherBad) == OLIC_ERR_DEVICE)
    var v3 = two
    v3[4] = 3
    #expect(thresholdDevice(three, k: 1).check(v3) == OLIC_ERR_VERSION)
  }

  @Test func requestVersion2IsVersion() {
    let d = thresholdDevice(three, k: 2)
    let (status, request) = d.request()
    #expect(status == OLIC_OK)
    var r = request
    r[4] = 2
    #expect(olic_verify_request(r, r.count, nil) == OLIC_ERR_VERSION)
  }

  // Each step-4 rule of v2 at its boundary, with the exact status.
  @Test func layoutRules() {
    let two = LicenseV2().bytes
    #expect(two.count == 216)
    func parse(_ b: [UInt8], _ len: Int? = nil) -> olic_status { olic_parse(b, len ?? b.count, nil) }
    #expect(parse(two) == OLIC_OK)
    for n: UInt8 in [0, 9, 3] {
      var b = two
      b[8] = n  // 3: body_end = 0 < 72
      #expect(parse(b) == OLIC_ERR_MALFORMED, "n = \(n)")
    }
    for r in 9..<16 {
      var b = two
      b[r] = 0x80
      #expect(parse(b) == OLIC_ERR_MALFORMED, "reserved byte \(r)")
    }
    let smallest = LicenseV2(count: 1, signers: [regulator]).bytes
    #expect(smallest.count == 144 && parse(smallest) == OLIC_OK)
    var short = Array(smallest[0..<143])
    short[6] = 143
    #expect(parse(short) == OLIC_ERR_MALFORMED)
    #expect(parse(smallest, 145) == OLIC_ERR_MALFORMED)
    // A header claiming 1025 bytes.
    var long = smallest + [UInt8](repeating: 0, count: 881)
    long[6] = 0x01
    long[7] = 0x04
    #expect(parse(long) == OLIC_ERR_MALFORMED)
    // Partly signed: n = 1 parses (and is an unknown key), n >= 2 does not.
    let empty1 = LicenseV2(count: 1, signers: []).bytes
    #expect(parse(empty1) == OLIC_OK)
    #expect(thresholdDevice(three, k: 1).check(empty1) == OLIC_ERR_UNKNOWN_KEY)
    let half = LicenseV2(count: 2, signers: [regulator]).bytes
    #expect(parse(half) == OLIC_ERR_MALFORMED)
    #expect(thresholdDevice(three, k: 1).check(half) == OLIC_ERR_MALFORMED)
    let twoOfThree = LicenseV2(count: 3, signers: [regulator, otherRegulator]).bytes
    #expect(thresholdDevice(three, k: 2).check(twoOfThree) == OLIC_ERR_MALFORMED)
  }

  @Test func initRefusals() {
    #expect(thresholdDevice(three, k: 4).boot() == OLIC_ERR_ARGUMENT)
    #expect(thresholdDevice(three, k: 3).boot() == OLIC_OK)
    #expect(thresholdDevice([regulator, regulator], k: 1).boot() == OLIC_ERR_ARGUMENT)
    #expect(thresholdDevice([regulator, otherRegulator, regulator], k: 1).boot() == OLIC_ERR_ARGUMENT)
    let d = thresholdDevice([regulator], k: 0)
    #expect(d.boot() == OLIC_OK)
    #expect(d.check(LicenseSpec().bytes) == OLIC_OK)
  }

  @Test func installCommitsOnceAndReplaysEveryAssembly() {
    let d = thresholdDevice(three, k: 2)
    let a = LicenseV2(signers: [regulator, otherRegulator]).bytes
    let b = LicenseV2(signers: [otherRegulator, thirdRegulator]).bytes
    #expect(a != b && Array(a[0..<72]) == Array(b[0..<72]))
    #expect(d.install(a) == OLIC_OK)
    var state = olic_state_info()
    #expect(olic_state(&d.context, &state) == OLIC_OK)
    #expect(state.last_license_id == 6 && state.remaining == 5000)
    #expect(d.install(b) == OLIC_ERR_REPLAY)
    #expect(d.ram.writes == 2, "provision and one install")
  }

  @Test func reporting() {
    let blob = LicenseV2(count: 3, signers: three).bytes
    var out = olic_license()
    #expect(thresholdDevice(three, k: 3).check(blob) == OLIC_OK)
    #expect(olic_parse(blob, blob.count, &out) == OLIC_OK)
    #expect(out.version == 2 && out.signature_count == 3)
    let ids = withUnsafeBytes(of: out.key_ids) { Array($0) }
    let end = blob.count - 216
    var wantIds = [UInt8]()
    for i in 0..<3 {
      let at: Int = end + 72 * i
      wantIds += Array(blob[at..<(at + 8)])
    }
    wantIds += [UInt8](repeating: 0, count: 40)
    #expect(ids == wantIds)
    #expect(withUnsafeBytes(of: out.key_id) { Array($0) } == Array(blob[end..<(end + 8)]))
    #expect(withUnsafeBytes(of: out.signature) { Array($0) } == Array(blob[(end + 8)..<(end + 72)]))
  }

  @Test func proposalDecoder() {
    let part = LicenseV2(count: 3, signers: [thirdRegulator]).bytes
    var p = olic_proposal()
    #expect(olic_parse_proposal(part, part.count, &p) == OLIC_OK)
    #expect(p.signed_count == 1 && p.body_end == UInt32(part.count - 216) && p.license.signature_count == 3)
    var bad = part
    bad[bad.count - 1] = 1  // an empty entry with a signature byte
    #expect(olic_parse_proposal(bad, bad.count, &p) == OLIC_ERR_MALFORMED)
    #expect(p.signed_count == 0)
  }
}

/// The v2 vector printed in docs/format.md, computed by an independent
/// implementation (Python's cryptography and hashlib) and checked here byte
/// for byte against what the core encodes and accepts.
@Suite struct ThresholdVectorTests {
  static let licenseHex = """
    4f4c49430201ec000200000000000000d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1
    d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d106000000000000008813000000000000
    00000000000000000180100000f153650000000000d2496b00000000d3bd75fc
    d7676504ad125627209a734cfbc2e46c1fbe12c9deb2a889548be7096691ba8f
    10859147f6856854a4e54c89084db81fd6effcc877871f6568105982ce06c42a
    46ffb500fc8c895fc144884e76472ade715f34ba679b3fb53fa2816e1c4a4c83
    2e53ee63200d488f6f899814deac22eafd7c33cbcdf61cfdf71be1cdab0513c2
    338e03cae508b00b77570504
    """
  static let digestHex = "f122d4a9691fe789e9a552f3b8abf042591daf8e907ad94336fed9911594a9f8"

  @Test func v2LicenseVector() {
    let want = VectorTests.hex(Self.licenseHex)
    #expect(LicenseV2(validity: (1_700_000_000, 1_800_000_000)).bytes == want)
    #expect(otherRegulator.keyId == VectorTests.hex("fc8c895fc144884e"))
    var digest = [UInt8](repeating: 0, count: 32)
    #expect(olic_license_digest(want, want.count, &digest) == OLIC_OK)
    #expect(digest == VectorTests.hex(Self.digestHex))
    let d = thresholdDevice([regulator, otherRegulator, thirdRegulator], k: 2)
    #expect(d.check(want, now: 1_750_000_000) == OLIC_OK)
    // olic_add_signature builds the same blob from the encoder's empty entries.
    var fields = olic_license()
    #expect(olic_parse(want, want.count, &fields) == OLIC_OK)
    var blob = [UInt8](repeating: 0, count: 1024)
    var length = 0
    #expect(olic_encode_license(&fields, nil, 0, &blob, blob.count, &length) == OLIC_OK)
    blob.removeSubrange(length...)
    let end = length - 144
    for signer in [otherRegulator, regulator] {
      #expect(olic_add_signature(&blob, blob.count, signer.keyId, signer.sign(Array(blob[0..<end]))) == OLIC_OK)
    }
    #expect(blob == want)
  }
}
