#if !hasFeature(Embedded)
  import COlic

  /// Host-only decoding help for `olic inspect`, on top of the core's own parsers.
  public enum HostBlob {
    public enum Kind: Sendable { case license, request, unknown }

    /// What a blob claims to be, from its magic and type byte alone (nothing is
    /// validated): it picks which parser, olic_parse or olic_verify_request, judges it.
    public static func kind(of blob: [UInt8]) -> Kind {
      let span = blob.span.bytes
      do throws(olic_status) {
        guard try span.le32(at: Wire.magicOffset) == Wire.magic else { return .unknown }
        switch Int32(try span.u8(at: Wire.typeOffset)) {
        case Int32(OLIC_TYPE_LICENSE): return .license
        case Int32(OLIC_TYPE_REQUEST): return .request
        default: return .unknown
        }
      } catch {
        return .unknown
      }
    }

    /// The fields and extension table of a license whose layout is sound but which
    /// carries an unknown critical extension: olic_parse rightly refuses it
    /// (OLIC_ERR_UNSUPPORTED_EXTENSION) and zeroes its output, while an inspector
    /// still wants to show what is in it. Same layout walk as olic_parse; nil when
    /// the layout itself fails.
    public static func layoutDespiteUnknownCritical(_ blob: [UInt8]) -> (olic_license, [olic_extension])? {
      guard blob.count <= LicenseLayout.maxSize else { return nil }
      let span = blob.span.bytes
      do throws(olic_status) {
        let walk = try parseLicenseLayout(span, length: blob.count, proposal: true)
        var extensions: [olic_extension] = []
        for index in 0..<Int(walk.license.extension_count) {
          extensions.append(try parseLicenseLayout(span, length: blob.count, select: index, proposal: true).selected)
        }
        return (walk.license, extensions)
      } catch {
        return nil
      }
    }
  }
#endif
