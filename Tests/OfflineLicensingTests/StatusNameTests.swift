import COlic
import OfflineLicensing
import Testing

@Suite struct StatusNameTests {
  @Test func namesFollowTheTable() {
    let names = [
      "OLIC_OK", "OLIC_ERR_ARGUMENT", "OLIC_ERR_MALFORMED", "OLIC_ERR_VERSION", "OLIC_ERR_UNSUPPORTED_EXTENSION",
      "OLIC_ERR_UNKNOWN_KEY", "OLIC_ERR_DEVICE", "OLIC_ERR_REPLAY", "OLIC_ERR_BINDING", "OLIC_ERR_FIRMWARE",
      "OLIC_ERR_NO_TIME", "OLIC_ERR_NOT_YET_VALID", "OLIC_ERR_EXPIRED", "OLIC_ERR_SIGNATURE", "OLIC_ERR_STORAGE",
      "OLIC_ERR_STATE", "OLIC_ERR_PROVISIONED", "OLIC_ERR_EXHAUSTED", "OLIC_ERR_BUFFER", "OLIC_ERR_CRYPTO",
      "OLIC_ERR_FAULT", "OLIC_ERR_THRESHOLD",
    ]
    for (value, expected) in names.enumerated() {
      #expect(name(olic_status(rawValue: UInt32(value))) == expected)
    }
    #expect(OLIC_ERR_FAULT.rawValue == 20)
    #expect(OLIC_ERR_THRESHOLD.rawValue == 21)
    #expect(name(olic_status(rawValue: 22)) == "OLIC_STATUS_UNKNOWN")
    #expect(name(olic_status(rawValue: .max)) == "OLIC_STATUS_UNKNOWN")
  }

  @Test func keyIdIsBlake2bPrefix() {
    var out = [UInt8](repeating: 0, count: 8)
    #expect(olic_key_id(regulator.publicKey, &out) == OLIC_OK)
    #expect(out == regulator.keyId)
    #expect(olic_key_id(nil, &out) == OLIC_ERR_ARGUMENT)
    #expect(olic_key_id(regulator.publicKey, nil) == OLIC_ERR_ARGUMENT)
  }
}
