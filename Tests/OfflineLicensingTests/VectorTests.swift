import COlic
import CSodium
import OfflineLicensing
import Testing

/// The test vectors printed in docs/format.md, byte for byte.
@Suite struct VectorTests {
  static func hex(_ s: String) -> [UInt8] {
    let digits = Array(s.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
  }

  static let licenseHex = """
    4f4c49430101a800d3bd75fcd7676504d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1
    d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d10500000000000000e803000000000000
    07000000000000000180100000f153650000000000d2496b0000000002800800
    0300000000000000d794f758282feb3567f6e53e612397a8034dad7927296999
    4aecbf0cff664652559ea93b51d2317438f7e75f49e6d4eb0484b70cffd49e2b
    cc0ea348ed526b00
    """
  static let requestHex = """
    4f4c49430102b800646586f27e6c4e218183cde720931b35056d3857b52b8aa2
    8afbf0db110cac0317cb79fb2b4120f2b1ec65e4198d6e08b28e813feb01e4a4
    00839b85e18080ce000000000000000000000000000000000000000000000000
    01000000000000006400000000000000000000000000000001c7d7fe6efb0178
    0976ff44953fd2c5801df9083d3bbcbb220a90d48d692c72124df2751b88252e
    2883f7f6fec6a84b322f7861ca6fa1a8da0399f7022cd207
    """
  static let recordHex = """
    4f4c535401000000020000000000000000000000000000000000000000000000
    0000000000000000010000000000000000000000000000000000000000000000
    cafd0844f2d04a60e8637584bc83b762ee1cf41d33535b9c6637baeea1ad5783
    """

  @Test func regulatorKeyAndKeyId() {
    #expect(regulator.publicKey == Self.hex("d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737"))
    var id = [UInt8](repeating: 0, count: 8)
    #expect(olic_key_id(regulator.publicKey, &id) == OLIC_OK)
    #expect(id == Self.hex("d3bd75fcd7676504"))
  }

  @Test func licenseVector() {
    let spec = LicenseSpec(minFirmware: 7, validity: (1_700_000_000, 1_800_000_000), bindRequest: 3)
    #expect(spec.bytes == Self.hex(Self.licenseHex))
    var out = olic_license()
    let blob = Self.hex(Self.licenseHex)
    #expect(olic_parse(blob, blob.count, &out) == OLIC_OK)
    #expect(out.license_id == 5 && out.allowance == 1000 && out.bind_request == 3)
  }

  @Test func requestAndRecordVectors() {
    var deviceId = [UInt8](repeating: 0, count: 32)
    _ = crypto_generichash(&deviceId, 32, deviceKey.publicKey, 32, nil, 0)
    #expect(deviceId == Self.hex("646586f27e6c4e218183cde720931b35056d3857b52b8aa28afbf0db110cac03"))
    let ram = RAMStorage()
    var storage = ram.storage
    #expect(olic_provision(&storage) == OLIC_OK)
    var config = olic_config()
    config.trusted_key_count = 1
    config.firmware_version = 100
    withUnsafeMutableBytes(of: &config.device_id) { $0.copyBytes(from: deviceId) }
    var ctx = olic_context()
    let keys = regulator.publicKey
    let status = keys.withUnsafeBufferPointer { k -> olic_status in
      config.trusted_keys = k.baseAddress
      return olic_init(&ctx, &config, &storage)
    }
    #expect(status == OLIC_OK)
    var out = [UInt8](repeating: 0, count: 184)
    var length = 0
    #expect(olic_make_request(&ctx, deviceKey.secretKey, &out, out.count, &length) == OLIC_OK)
    #expect(out == Self.hex(Self.requestHex))
    #expect(Array(ram.bytes[128..<224]) == Self.hex(Self.recordHex))
  }
}
