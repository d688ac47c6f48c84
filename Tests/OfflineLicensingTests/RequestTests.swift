import COlic
import CSodium
import OfflineLicensing
import Testing

@Suite struct RequestTests {
  @Test func requestVerifiesAndMatchesState() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 3, allowance: 900).bytes, now: 77) == OLIC_OK)
    #expect(d.reserve(100) == (OLIC_OK, 100))
    let (status, blob) = d.request()
    #expect(status == OLIC_OK)
    #expect(blob.count == 184)
    var r = olic_request()
    #expect(olic_verify_request(blob, blob.count, &r) == OLIC_OK)
    let s = d.state
    #expect(r.last_license_id == s.last_license_id && r.remaining == s.remaining)
    #expect(r.consumed_total == s.consumed_total && r.request_sequence == s.request_sequence)
    #expect(r.firmware_version == s.firmware_version && r.time_high_water == s.time_high_water)
    #expect(describe(s) == "lid=3 rem=800 used=100 seq=1 thw=77 fw=100")
    #expect(withUnsafeBytes(of: r.device_id) { Array($0) } == thisDevice)
    #expect(withUnsafeBytes(of: r.device_public_key) { Array($0) } == deviceKey.publicKey)
    // Hand-written expectation of the 120 signed bytes, and libsodium's verdict.
    var expected: [UInt8] = [0x4F, 0x4C, 0x49, 0x43, 1, 2] + le16(184) + thisDevice + deviceKey.publicKey
    expected += le64(3) + le64(800) + le64(100) + le64(1) + le32(100) + le32(0) + le64(77)
    #expect(Array(blob[0..<120]) == expected)
    #expect(crypto_sign_verify_detached(Array(blob[120...]), expected, 120, deviceKey.publicKey) == 0)
    #expect(Array(blob[120...]) == deviceKey.sign(expected), "Ed25519 is deterministic")
    #expect(d.request().1[96] == 2, "sequence goes up by one per request")
  }

  @Test func makeRequestArgumentOrder() {
    let d = Device()
    var out = [UInt8](repeating: 0, count: 184)
    var length = 9
    #expect(olic_make_request(nil, deviceKey.secretKey, &out, 184, &length) == OLIC_ERR_ARGUMENT)
    #expect(length == 0)
    #expect(olic_make_request(&d.context, nil, &out, 184, &length) == OLIC_ERR_ARGUMENT)
    #expect(olic_make_request(&d.context, deviceKey.secretKey, nil, 184, &length) == OLIC_ERR_ARGUMENT)
    // Capacity before the key check.
    var mismatched = deviceKey.secretKey
    mismatched[40] ^= 1
    #expect(olic_make_request(&d.context, mismatched, &out, 183, &length) == OLIC_ERR_BUFFER)
    #expect(olic_make_request(&d.context, mismatched, &out, 184, &length) == OLIC_ERR_ARGUMENT)
    #expect(d.ram.writes == 1, "nothing written by refused requests")
    #expect(out.allSatisfy { $0 == 0 })
    #expect(olic_make_request(&d.context, deviceKey.secretKey, &out, 184, nil) == OLIC_OK, "out_len may be NULL")
    #expect(olic_make_request(&d.context, deviceKey.secretKey, &out, -1, &length) == OLIC_OK, "SIZE_MAX capacity")
    #expect(length == 184)
  }

  @Test func sequenceAtItsEndIsExhausted() {
    let ram = RAMStorage()
    ram.bytes.replaceSubrange(0..<96, with: StateTests.handWrittenRecord(generation: 1, state: [0, 0, 0, .max, 0]))
    let d = Device(ram: ram, provision: false)
    #expect(d.boot() == OLIC_OK)
    #expect(d.request().0 == OLIC_ERR_EXHAUSTED)
    #expect(ram.writes == 0)
    var mismatched = deviceKey.secretKey
    mismatched[63] ^= 1
    #expect(d.request(key: mismatched).0 == OLIC_ERR_ARGUMENT, "key check before the sequence check")
  }

  @Test func boundLicenseRoundTrip() {
    let d = Device()
    let (_, request) = d.request()
    var r = olic_request()
    #expect(olic_verify_request(request, request.count, &r) == OLIC_OK)
    let renewal = LicenseSpec(licenseId: r.last_license_id + 1, allowance: 50, bindRequest: r.request_sequence).bytes
    #expect(d.install(renewal) == OLIC_OK)
    #expect(d.state.remaining == 50)
  }

  private func signedRequest(_ patch: (inout [UInt8]) -> Void) -> [UInt8] {
    var b = Device().request().1
    patch(&b)
    b.replaceSubrange(120..<184, with: deviceKey.sign(Array(b[0..<120])))
    return b
  }

  @Test func verifyRequestRules() {
    let good = Device().request().1
    var out = olic_request()
    out.remaining = 5
    #expect(olic_verify_request(nil, 184, &out) == OLIC_ERR_ARGUMENT)
    #expect(out.remaining == 0)
    for n in 0..<184 {
      #expect(olic_verify_request(Array(good[0..<n]), n, nil) == OLIC_ERR_MALFORMED, "truncated to \(n)")
    }
    #expect(olic_verify_request(good + [0], 185, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(good, -1, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(signedRequest { $0[0] = 0x50 }, 184, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(signedRequest { $0[4] = 2 }, 184, nil) == OLIC_ERR_VERSION)
    #expect(olic_verify_request(signedRequest { $0[4] = 2; $0[5] = 9 }, 184, nil) == OLIC_ERR_VERSION)
    #expect(olic_verify_request(signedRequest { $0[5] = 1 }, 184, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(signedRequest { $0[6] = 183 }, 184, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(signedRequest { $0[108] = 1 }, 184, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(signedRequest { $0.replaceSubrange(96..<104, with: le64(0)) }, 184, nil) == OLIC_ERR_MALFORMED)
    #expect(olic_verify_request(signedRequest { $0[80] ^= 1 }, 184, nil) == OLIC_OK)
    var forged = good
    forged[80] ^= 1
    #expect(olic_verify_request(forged, 184, &out) == OLIC_ERR_SIGNATURE)
    #expect(withUnsafeBytes(of: &out) { $0.allSatisfy { $0 == 0 } }, "no unverified field is handed out")
  }

  @Test func everyBitFlipOfARequestIsRefused() {
    let good = Device().request().1
    for bit in 0..<(184 * 8) {
      var b = good
      b[bit / 8] ^= UInt8(1 << (bit % 8))
      let byte = bit / 8
      let expected: olic_status
      switch byte {
      case 0..<4, 5, 6, 7: expected = OLIC_ERR_MALFORMED
      case 4: expected = OLIC_ERR_VERSION
      case 108..<112: expected = OLIC_ERR_MALFORMED  // reserved
      case 96: expected = b[96] == 0 ? OLIC_ERR_MALFORMED : OLIC_ERR_SIGNATURE  // sequence 1 -> 0
      default: expected = OLIC_ERR_SIGNATURE
      }
      #expect(olic_verify_request(b, 184, nil) == expected, "bit \(bit)")
    }
  }
}
