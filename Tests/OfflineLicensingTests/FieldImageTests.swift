import COlic
import CSodium
import Foundation
import OfflineLicensing
import Testing

/// Devices already in the field: NVM images written by the two-slot release
/// (Tests/fixtures/gen_nvm_v1.c linked with that release's libolic.a) boot on this
/// one with their exact state, on every storage size, and go on committing.
@Suite struct FieldImageTests {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures/nvm-v1")

  struct Image {
    let name: String
    let size: Int
    let generation: UInt64
    let slot: Int
    let state: olic_state_info
  }

  static func manifest() -> [Image] {
    let text = (try? String(contentsOf: directory.appendingPathComponent("manifest.txt"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
      let f = line.split(separator: " ").map(String.init)
      guard f.count == 10, let n = f[1...].map({ UInt64($0) }) as [UInt64?]?, !n.contains(nil) else { return nil }
      let v = n.map { $0! }
      var state = olic_state_info()
      state.last_license_id = v[3]
      state.remaining = v[4]
      state.consumed_total = v[5]
      state.request_sequence = v[6]
      state.time_high_water = v[7]
      state.firmware_version = UInt32(v[8])
      return Image(name: f[0], size: Int(v[0]), generation: v[1], slot: Int(v[2]), state: state)
    }
  }

  static func bytes(_ image: Image) -> [UInt8] {
    [UInt8]((try? Data(contentsOf: directory.appendingPathComponent("\(image.name).nvm"))) ?? Data())
  }

  /// The generator's identity: regulator seed 11, device seed 22, device_id =
  /// BLAKE2b-256 of the device's public key, firmware version 3.
  static let deviceSeed = TestKey(seedByte: 0x22)
  static func device(_ ram: RAMStorage) -> Device {
    let d = Device(firmware: 3, ram: ram, provision: false)
    var id = [UInt8](repeating: 0, count: 32)
    _ = crypto_generichash(&id, 32, deviceSeed.publicKey, 32, nil, 0)
    withUnsafeMutableBytes(of: &d.config.device_id) { $0.copyBytes(from: id) }
    return d
  }

  @Test func manifestListsEveryImage() {
    let images = Self.manifest()
    #expect(images.count == 16)
    for image in images { #expect(Self.bytes(image).count == image.size, "\(image.name)") }
    #expect(Set(images.map(\.size)) == [256, 1000, 4096, 65536])
  }

  @Test(arguments: manifest().map(\.name))
  func bootsWithExactStateAndGoesOnCommitting(name: String) throws {
    let image = try #require(Self.manifest().first { $0.name == name })
    let original = Self.bytes(image)
    let ram = RAMStorage(bytes: original)
    let d = Self.device(ram)
    #expect(d.boot() == OLIC_OK)
    #expect(same(d.state, image.state), "\(describe(d.state))")
    #expect(ram.writes == 0, "boot writes nothing")
    #expect(ram.bytes == original)

    // Round the whole ring twice and then some: every commit is one write into the
    // slot after the current one, and a reboot finds exactly the state committed.
    let slots = Ring.slots(image.size)
    var slot = image.slot
    var expected = image.state
    for step in 0..<(2 * slots + 3) {
      let before = ram.bytes
      let writes = ram.writes
      if expected.remaining > 0 {
        #expect(d.reserve(1) == (OLIC_OK, 1))
        expected.remaining -= 1
        expected.consumed_total += 1
      } else {
        #expect(d.request().0 == OLIC_OK)
        expected.request_sequence += 1
      }
      slot = (slot + 1) % slots
      #expect(ram.writes == writes + 1)
      #expect(ram.lastWriteOffset == slot * Ring.stride && ram.lastWriteLength == Ring.record, "step \(step)")
      var outside = before
      outside.replaceSubrange(slot * Ring.stride..<slot * Ring.stride + Ring.record,
                              with: ram.bytes[slot * Ring.stride..<slot * Ring.stride + Ring.record])
      #expect(ram.bytes == outside, "step \(step): nothing outside the target slot changed")
      #expect(Ring.generation(ram.bytes, slot: slot) == image.generation + UInt64(step) + 1)
      #expect(d.boot() == OLIC_OK)
      #expect(same(d.state, expected), "step \(step): \(describe(d.state))")
    }
  }

  @Test(arguments: manifest().filter { $0.size > 256 }.map(\.name))
  func cutDuringTheFirstCommitOverOldBytes(name: String) throws {
    // The first commit after the update lands on bytes the old release never
    // wrote (or on its older record): a cut at any byte is the before or after state.
    let image = try #require(Self.manifest().first { $0.name == name })
    for keep in 0...Ring.record {
      let ram = RAMStorage(bytes: Self.bytes(image))
      let d = Self.device(ram)
      #expect(d.boot() == OLIC_OK)
      ram.cut = (write: 1, keep: keep, reportFailure: false)
      _ = d.request()
      ram.cut = nil
      #expect(d.boot() == OLIC_OK, "keep \(keep)")
      var after = image.state
      after.request_sequence += 1
      if keep == Ring.record { #expect(same(d.state, after), "keep \(keep)") }
      if keep < Ring.record { #expect(same(d.state, image.state), "keep \(keep)") }
    }
  }

  /// At the minimum size the ring is the old A/B layout: the same operations write
  /// the same bytes at the same offsets as the old release did.
  @Test func minimumSizeIsByteForByteTheOldRelease() throws {
    let text = try String(contentsOf: Self.directory.appendingPathComponent("trace-256.txt"), encoding: .utf8)
    let ram = RAMStorage(size: 256, fill: 0xFF)
    let d = Self.device(ram)
    var storage = ram.storage
    var steps = 0
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let f = line.split(separator: " ").map(String.init)
      let writes = ram.writes
      switch f[0] {
      case "provision":
        #expect(olic_provision(&storage) == OLIC_OK)
        #expect(d.boot() == OLIC_OK)
      case "install":
        #expect(d.install(hexBytes(f[1]), now: UInt64(f[2])!) == OLIC_OK)
      case "reserve":
        #expect(d.reserve(UInt64(f[1])!).0 == OLIC_OK)
      case "request":
        #expect(d.request(key: Self.deviceSeed.secretKey).0 == OLIC_OK)
      default:
        Issue.record("unknown step \(f[0])")
      }
      #expect(ram.writes == writes + 1)
      #expect(ram.bytes == hexBytes(f.last!), "after \(f[0]) (line \(steps + 2))")
      steps += 1
    }
    #expect(steps == 16)
  }
}

func hexBytes(_ s: String) -> [UInt8] {
  var out = [UInt8]()
  var high: UInt8? = nil
  for c in s.utf8 {
    let v: UInt8 = c <= 0x39 ? c - 0x30 : c - 0x57
    if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
  }
  return out
}
