#if !hasFeature(Embedded)
  import COlic

  extension HostBlob {
    /// What an inspector can still say about a license that olic_parse refused
    /// for its layout: the reason in words and each fixed field whose bytes are
    /// present. Nothing here is a verdict (olic_parse gives that); it is read
    /// only to explain one, so that `olic inspect` never reads a wire offset itself.
    public struct LicenseDiagnosis: Sendable {
      public var reason = ""
      public var totalLength: UInt16?
      public var keyId: [UInt8]?
      public var deviceId: [UInt8]?
      public var licenseId: UInt64?
      public var allowance: UInt64?
      public var minFirmwareVersion: UInt32?
      public var flags: UInt32?
    }

    /// The fields of a request whose header and size are right, whatever its
    /// field rules and signature say: what an inspector shows of a refused
    /// (say, forged) request. nil when even the layout is wrong.
    public static func requestFields(_ blob: [UInt8]) -> olic_request? {
      do throws(olic_status) {
        return try readRequestFields(blob.span.bytes, length: blob.count, fieldRules: false)
      } catch {
        return nil
      }
    }

    public static func diagnoseLicense(_ blob: [UInt8]) -> LicenseDiagnosis {
      var d = LicenseDiagnosis()
      let span = blob.span.bytes
      let size = blob.count
      func bytes(_ offset: Int, _ count: Int) -> [UInt8]? {
        span.has(count, at: offset) ? Array(blob[offset..<(offset + count)]) : nil
      }
      d.totalLength = try? span.le16(at: Wire.totalLengthOffset)
      d.keyId = bytes(LicenseLayout.keyIdOffset, Wire.keyIdSize)
      d.deviceId = bytes(LicenseLayout.deviceIdOffset, Wire.deviceIdSize)
      d.licenseId = try? span.le64(at: LicenseLayout.licenseIdOffset)
      d.allowance = try? span.le64(at: LicenseLayout.allowanceOffset)
      d.minFirmwareVersion = try? span.le32(at: LicenseLayout.minFirmwareOffset)
      d.flags = try? span.le32(at: LicenseLayout.flagsOffset)

      let minimum = LicenseLayout.minSize
      if size < Wire.headerSize {
        d.reason = "\(size) bytes, shorter than the \(Wire.headerSize)-byte header"
      } else if (try? span.le32(at: Wire.magicOffset)) != Wire.magic {
        d.reason = "no OLIC magic in the first 4 bytes"
      } else if let version = try? span.u8(at: Wire.versionOffset), version != UInt8(OLIC_VERSION),
        version != UInt8(OLIC_VERSION_THRESHOLD)
      {
        d.reason = "wire version \(version); this build reads versions \(OLIC_VERSION) and \(OLIC_VERSION_THRESHOLD)"
      } else if (try? span.u8(at: Wire.versionOffset)) == UInt8(OLIC_VERSION_THRESHOLD) {
        // The v1 offsets above mean other things in a v2 header: key_id is not at 8.
        d.keyId = nil
        d.reason = "a threshold license (wire version 2) whose layout is refused: it needs 1 to 8 signature "
          + "entries after whole extensions, zero reserved bytes, and filled entries in strictly ascending key_id order"
      } else if let type = try? span.u8(at: Wire.typeOffset), Int32(type) != Int32(OLIC_TYPE_LICENSE) {
        d.reason = "type \(type) in the header, not a license (\(OLIC_TYPE_LICENSE))"
      } else if let declared = d.totalLength, Int(declared) > size {
        d.reason = "truncated license, \(size) bytes of the \(declared) its header gives"
      } else if let declared = d.totalLength, Int(declared) < size {
        d.reason = "\(size) bytes, but its header gives total_length \(declared) (bytes appended?)"
      } else if size < minimum {
        d.reason = "\(size) bytes, a license is at least \(minimum)"
      } else if size > LicenseLayout.maxSize {
        d.reason = "\(size) bytes, a license is at most \(LicenseLayout.maxSize)"
      } else if let flags = d.flags, flags != 0 {
        d.reason = "flags is \(flags); a v1 license has 0"
      } else if d.licenseId == 0 {
        d.reason = "license_id is 0; license ids start at 1"
      } else if d.allowance == 0 {
        d.reason = "allowance is 0; a license grants at least 1"
      } else {
        d.reason = "the extensions do not tile the bytes before the signature in strictly ascending "
          + "type order, or a VALIDITY (16 bytes, not_before <= not_after) or BIND_REQUEST "
          + "(8 bytes, not 0) is malformed"
      }
      return d
    }
  }
#endif
