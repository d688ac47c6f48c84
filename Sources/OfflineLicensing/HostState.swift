#if !hasFeature(Embedded)
  import COlic

  /// Host-only: a simulated device in RAM, so that tools can run the firmware's own
  /// olic_check against a device state they describe (`olic verify`).
  ///
  /// The public API reaches a given last_license_id or request_sequence only by
  /// installing licenses and making requests, which needs the regulator's secret
  /// key or billions of requests. So the state is written as one NVM record by the
  /// core's own record writer, over a freshly provisioned storage, and then loaded
  /// by olic_init exactly as a chip would load it after a reboot.
  public final class HostDevice {
    /// The device state to simulate; firmware_version comes from the config.
    public struct State: Sendable {
      public var lastLicenseId: UInt64 = 0
      public var requestSequence: UInt64 = 0
      public var timeHighWater: UInt64 = 0
      public init(lastLicenseId: UInt64 = 0, requestSequence: UInt64 = 0, timeHighWater: UInt64 = 0) {
        self.lastLicenseId = lastLicenseId
        self.requestSequence = requestSequence
        self.timeHighWater = timeHighWater
      }
    }

    private static let nvmSize = Int(OLIC_STORAGE_MIN_SIZE)
    private let nvm: UnsafeMutableRawPointer
    private let context: UnsafeMutablePointer<olic_context>

    /// Provisions RAM storage, writes `state`, and runs olic_init with `trustedKeys`
    /// (each 32 bytes, 1 to 8 of them) and `signatureThreshold` (k; 0 reads as 1).
    /// Fails with the first status that is not OK.
    public init(
      trustedKeys: [[UInt8]], deviceId: [UInt8], firmwareVersion: UInt32, state: State, signatureThreshold: UInt32 = 0
    ) throws(olic_status) {
      nvm = UnsafeMutableRawPointer.allocate(byteCount: Self.nvmSize, alignment: 16)
      nvm.initializeMemory(as: UInt8.self, repeating: 0, count: Self.nvmSize)
      context = UnsafeMutablePointer<olic_context>.allocate(capacity: 1)
      context.initialize(to: olic_context())

      guard deviceId.count == Int(OLIC_DEVICE_ID_SIZE),
        trustedKeys.allSatisfy({ $0.count == Int(OLIC_PUBLIC_KEY_SIZE) })
      else { throw OLIC_ERR_ARGUMENT }

      var storage = olic_storage(
        ctx: nvm, size: UInt32(Self.nvmSize), read: HostDevice.read, write: HostDevice.write)
      let provisioned = olic_provision(&storage)
      guard provisioned == OLIC_OK else { throw provisioned }

      // Generation 2 in slot 1 is newer than the provisioned record: it is the one loaded.
      var info = olic_state_info()
      info.last_license_id = state.lastLicenseId
      info.request_sequence = state.requestSequence
      info.time_high_water = state.timeHighWater
      try writeRecord(storage, slot: 1, generation: 2, state: info)

      var config = olic_config()
      config.trusted_key_count = trustedKeys.count
      config.firmware_version = firmwareVersion
      config.signature_threshold = signatureThreshold
      withUnsafeMutableBytes(of: &config.device_id) { $0.copyBytes(from: deviceId) }
      let table = trustedKeys.flatMap { $0 }
      let initialised = table.withUnsafeBufferPointer { keys -> olic_status in
        config.trusted_keys = keys.baseAddress
        return olic_init(context, &config, &storage)
      }
      guard initialised == OLIC_OK else { throw initialised }
    }

    deinit {
      context.deinitialize(count: 1)
      context.deallocate()
      nvm.deallocate()
    }

    /// The firmware's olic_check: every check, in docs/format.md's order; changes nothing.
    public func check(_ license: [UInt8], now: UInt64) -> (status: olic_status, license: olic_license) {
      var out = olic_license()
      let status = olic_check(context, license, license.count, now, &out)
      return (status, out)
    }

    /// The state the device loaded, as olic_state reports it.
    public func state() -> olic_state_info {
      var info = olic_state_info()
      _ = olic_state(context, &info)
      return info
    }

    private static let read: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafeMutableRawPointer?, UInt32)
      -> Int32 = { ctx, offset, buffer, length in
        guard let ctx, let buffer, Int(offset) + Int(length) <= HostDevice.nvmSize else { return -1 }
        buffer.copyMemory(from: ctx + Int(offset), byteCount: Int(length))
        return 0
      }

    private static let write: @convention(c) (UnsafeMutableRawPointer?, UInt32, UnsafeRawPointer?, UInt32)
      -> Int32 = { ctx, offset, buffer, length in
        guard let ctx, let buffer, Int(offset) + Int(length) <= HostDevice.nvmSize else { return -1 }
        (ctx + Int(offset)).copyMemory(from: buffer, byteCount: Int(length))
        return 0
      }
  }
#endif
