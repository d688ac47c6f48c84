import COlic
import OfflineLicensing
import Testing

/// Section 4: each step on its own, then each pair of neighbouring steps failing
/// together, where the earlier step must win.
@Suite struct CheckOrderTests {
  @Test func validLicensePassesAndReportsFields() {
    let d = Device()
    let blob = LicenseSpec(validity: (1000, 2000)).bytes
    var out = olic_license()
    #expect(olic_check(&d.context, blob, blob.count, 1500, &out) == OLIC_OK)
    #expect(out.license_id == 5 && out.allowance == 1000 && out.has_validity)
    #expect(d.ram.writes == 1, "only provisioning wrote")
  }

  @Test func step1NullPointers() {
    let d = Device()
    let blob = LicenseSpec().bytes
    #expect(olic_check(nil, blob, blob.count, 0, nil) == OLIC_ERR_ARGUMENT)
    #expect(olic_check(&d.context, nil, blob.count, 0, nil) == OLIC_ERR_ARGUMENT)
    #expect(olic_install(nil, blob, blob.count, 0) == OLIC_ERR_ARGUMENT)
    #expect(olic_install(&d.context, nil, blob.count, 0) == OLIC_ERR_ARGUMENT)
    // Step 1 before step 2: a NULL context with junk is still ARGUMENT.
    #expect(olic_check(nil, [1, 2, 3], 3, 0, nil) == OLIC_ERR_ARGUMENT)
  }

  @Test func step6UnknownKey() {
    let d = Device()
    #expect(d.check(LicenseSpec(keyId: otherRegulator.keyId, signer: otherRegulator).bytes) == OLIC_ERR_UNKNOWN_KEY)
  }

  @Test func step7Device() {
    #expect(Device().check(LicenseSpec(deviceId: otherDevice).bytes) == OLIC_ERR_DEVICE)
  }

  @Test func step8Replay() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 5).bytes) == OLIC_OK)
    #expect(d.check(LicenseSpec(licenseId: 5).bytes) == OLIC_ERR_REPLAY)
    #expect(d.check(LicenseSpec(licenseId: 4).bytes) == OLIC_ERR_REPLAY)
    #expect(d.check(LicenseSpec(licenseId: 6).bytes) == OLIC_OK)
  }

  @Test func step9Binding() {
    let d = Device()
    #expect(d.check(LicenseSpec(bindRequest: 1).bytes) == OLIC_ERR_BINDING, "no request made yet")
    #expect(d.request().0 == OLIC_OK)
    #expect(d.check(LicenseSpec(bindRequest: 2).bytes) == OLIC_ERR_BINDING)
    #expect(d.check(LicenseSpec(bindRequest: 1).bytes) == OLIC_OK)
    #expect(d.request().0 == OLIC_OK)
    #expect(d.check(LicenseSpec(bindRequest: 1).bytes) == OLIC_ERR_BINDING, "answers a superseded request")
  }

  @Test func step10Firmware() {
    let d = Device()
    #expect(d.check(LicenseSpec(minFirmware: 101).bytes) == OLIC_ERR_FIRMWARE)
    #expect(d.check(LicenseSpec(minFirmware: 100).bytes) == OLIC_OK)
    #expect(d.check(LicenseSpec(minFirmware: .max).bytes) == OLIC_ERR_FIRMWARE)
  }

  @Test func step11NoTime() {
    let d = Device()
    #expect(d.check(LicenseSpec(validity: (0, .max)).bytes, now: 0) == OLIC_ERR_NO_TIME)
    #expect(d.check(LicenseSpec(validity: (0, .max)).bytes, now: 1) == OLIC_OK)
    // Without VALIDITY, no time is needed.
    #expect(d.check(LicenseSpec().bytes, now: 0) == OLIC_OK)
  }

  @Test func step12InclusiveValidityEnds() {
    let d = Device()
    let blob = LicenseSpec(validity: (1000, 2000)).bytes
    #expect(d.check(blob, now: 999) == OLIC_ERR_NOT_YET_VALID)
    #expect(d.check(blob, now: 1000) == OLIC_OK)
    #expect(d.check(blob, now: 2000) == OLIC_OK)
    #expect(d.check(blob, now: 2001) == OLIC_ERR_EXPIRED)
    #expect(d.check(blob, now: .max) == OLIC_ERR_EXPIRED)
    let instant = LicenseSpec(validity: (.max, .max)).bytes
    #expect(d.check(instant, now: .max) == OLIC_OK)
    #expect(d.check(instant, now: .max - 1) == OLIC_ERR_NOT_YET_VALID)
  }

  @Test func step12ClockSetBackBelowHighWater() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 1).bytes, now: 1500) == OLIC_OK)
    #expect(d.state.time_high_water == 1500)
    // The clock now says 1200, but the device has seen 1500: a window that
    // closed at 1400 stays closed.
    #expect(d.check(LicenseSpec(licenseId: 2, validity: (1000, 1400)).bytes, now: 1200) == OLIC_ERR_EXPIRED)
    #expect(d.check(LicenseSpec(licenseId: 2, validity: (1000, 1500)).bytes, now: 1200) == OLIC_OK)
    // A window not yet open at the clock can be open at the high-water mark.
    #expect(d.check(LicenseSpec(licenseId: 2, validity: (1400, 1600)).bytes, now: 1200) == OLIC_OK)
    // High water never moves back.
    #expect(d.install(LicenseSpec(licenseId: 3).bytes, now: 10) == OLIC_OK)
    #expect(d.state.time_high_water == 1500)
    #expect(d.install(LicenseSpec(licenseId: 4).bytes, now: 0) == OLIC_OK)
    #expect(d.state.time_high_water == 1500)
  }

  @Test func step13Signature() {
    let d = Device()
    // key_id says "regulator", but another key signed it.
    #expect(d.check(LicenseSpec(signer: otherRegulator).bytes) == OLIC_ERR_SIGNATURE)
    var blob = LicenseSpec().bytes
    blob[blob.count - 1] ^= 0x01
    #expect(d.check(blob) == OLIC_ERR_SIGNATURE)
    // A non-canonical S (S + L) is refused, as libsodium's strict rules require.
    var s = LicenseSpec().bytes
    let l: [UInt8] = [0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]
    var carry = 0
    for i in 0..<32 {
      let sum = Int(s[s.count - 32 + i]) + Int(l[i]) + carry
      s[s.count - 32 + i] = UInt8(sum & 0xFF)
      carry = sum >> 8
    }
    #expect(d.check(s) == OLIC_ERR_SIGNATURE)
  }

  @Test func firstMatchingKeyOfEightVerifies() {
    var keys = (1...7).map { TestKey(seedByte: UInt8(0x40 + $0)) }
    keys.append(regulator)
    let d = Device(trusted: keys)
    #expect(d.check(LicenseSpec().bytes) == OLIC_OK)
    let signedBySecond = LicenseSpec(keyId: keys[1].keyId, signer: keys[1]).bytes
    #expect(d.check(signedBySecond) == OLIC_OK)
  }

  // Neighbouring steps failing together: the earlier one wins.
  @Test func precedence5Over6() {
    let blob = LicenseSpec(keyId: otherRegulator.keyId, extra: [(0x8123, [])]).bytes
    #expect(Device().check(blob) == OLIC_ERR_UNSUPPORTED_EXTENSION)
  }

  @Test func precedence6Over7() {
    #expect(Device().check(LicenseSpec(keyId: otherRegulator.keyId, deviceId: otherDevice).bytes) == OLIC_ERR_UNKNOWN_KEY)
  }

  @Test func precedence7Over8() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 9).bytes) == OLIC_OK)
    #expect(d.check(LicenseSpec(deviceId: otherDevice, licenseId: 3).bytes) == OLIC_ERR_DEVICE)
  }

  @Test func precedence8Over9() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 9).bytes) == OLIC_OK)
    #expect(d.check(LicenseSpec(licenseId: 3, bindRequest: 5).bytes) == OLIC_ERR_REPLAY)
  }

  @Test func precedence9Over10() {
    #expect(Device().check(LicenseSpec(minFirmware: 999, bindRequest: 5).bytes) == OLIC_ERR_BINDING)
  }

  @Test func precedence10Over11() {
    #expect(Device().check(LicenseSpec(minFirmware: 999, validity: (1, 2)).bytes, now: 0) == OLIC_ERR_FIRMWARE)
  }

  @Test func precedence11Over12() {
    let d = Device()
    #expect(d.install(LicenseSpec(licenseId: 1).bytes, now: 5000) == OLIC_OK)
    // thw = 5000 is past not_after, but with no clock NO_TIME comes first.
    #expect(d.check(LicenseSpec(licenseId: 2, validity: (1, 2)).bytes, now: 0) == OLIC_ERR_NO_TIME)
  }

  @Test func precedence12Over13() {
    let d = Device()
    let expired = LicenseSpec(validity: (1, 2), signer: otherRegulator).bytes
    #expect(d.check(expired, now: 3) == OLIC_ERR_EXPIRED)
    let early = LicenseSpec(validity: (10, 20), signer: otherRegulator).bytes
    #expect(d.check(early, now: 3) == OLIC_ERR_NOT_YET_VALID)
  }

  @Test func cheapChecksComeBeforeTheSignature() {
    // Every check before 13 fails on bytes whose signature is garbage: the
    // status names the cheap failure, so no verification decided it.
    let d = Device()
    var junk = LicenseSpec(deviceId: otherDevice).bytes
    for i in (junk.count - 64)..<junk.count { junk[i] = 0xFF }
    #expect(d.check(junk) == OLIC_ERR_DEVICE)
  }

  @Test func unusableContextIsState() {
    let d = Device(provision: false)
    #expect(d.boot() == OLIC_ERR_STATE)
    let blob = LicenseSpec().bytes
    #expect(d.check(blob) == OLIC_ERR_STATE)
    #expect(d.install(blob) == OLIC_ERR_STATE)
    #expect(d.reserve(1) == (OLIC_ERR_STATE, 0))
    #expect(d.reserve(0) == (OLIC_ERR_STATE, 0), "STATE comes right after the NULL checks")
    #expect(d.request().0 == OLIC_ERR_STATE)
    var info = olic_state_info()
    info.remaining = 5
    #expect(olic_state(&d.context, &info) == OLIC_ERR_STATE)
    #expect(info.remaining == 0)
    // A zeroed context that never saw olic_init is just as unusable.
    var blank = olic_context()
    #expect(olic_check(&blank, blob, blob.count, 0, nil) == OLIC_ERR_STATE)
    #expect(d.ram.writes == 0)
  }

  @Test func checkZeroesOutOnEveryFailure() {
    let d = Device()
    let blob = LicenseSpec(deviceId: otherDevice).bytes
    var out = olic_license()
    out.license_id = 42
    #expect(olic_check(&d.context, blob, blob.count, 0, &out) == OLIC_ERR_DEVICE)
    #expect(withUnsafeBytes(of: &out) { $0.allSatisfy { $0 == 0 } })
  }
}
