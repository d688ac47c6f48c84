import COlic

// Byte offsets of every wire field (docs/format.md). Sizes that the ABI exposes
// come from olic.h; offsets inside a blob are the core's business and live here only.

enum Wire {
  /// "OLIC" read as a little-endian u32.
  static let magic: UInt32 = 0x4349_4C4F

  static let magicOffset = 0
  static let versionOffset = 4
  static let typeOffset = 5
  static let totalLengthOffset = 6

  static let headerSize = Int(OLIC_HEADER_SIZE)
  static let signatureSize = Int(OLIC_SIGNATURE_SIZE)
  static let publicKeySize = Int(OLIC_PUBLIC_KEY_SIZE)
  static let keyIdSize = Int(OLIC_KEY_ID_SIZE)
  static let deviceIdSize = Int(OLIC_DEVICE_ID_SIZE)
}

enum LicenseLayout {
  static let keyIdOffset = 8
  static let deviceIdOffset = 16
  static let licenseIdOffset = 48
  static let allowanceOffset = 56
  static let minFirmwareOffset = 64
  static let flagsOffset = 68
  static let extensionsOffset = Int(OLIC_LICENSE_FIXED_SIZE)

  static let minSize = Int(OLIC_LICENSE_MIN_SIZE)
  static let maxSize = Int(OLIC_LICENSE_MAX_SIZE)

  // Version 2: the key_id field of v1 becomes signature_count and 7 reserved
  // bytes; the signature becomes n entries of key_id || signature at body_end.
  static let signatureCountOffset = 8
  static let reservedOffset = 9
  static let reservedSize = 7
  static let v2MinSize = Int(OLIC_LICENSE_V2_MIN_SIZE)
  static let entrySize = Int(OLIC_SIGNATURE_ENTRY_SIZE)
  static let entrySignatureOffset = Int(OLIC_KEY_ID_SIZE)
  static let maxSigners = Int(OLIC_MAX_SIGNERS)

  static let extensionHeaderSize = Int(OLIC_EXTENSION_HEADER_SIZE)
  static let criticalBit = UInt16(OLIC_EXTENSION_CRITICAL)
  static let validityType = UInt16(OLIC_EXTENSION_VALIDITY)
  static let validitySize = Int(OLIC_EXTENSION_VALIDITY_SIZE)
  static let bindRequestType = UInt16(OLIC_EXTENSION_BIND_REQUEST)
  static let bindRequestSize = Int(OLIC_EXTENSION_BIND_REQUEST_SIZE)
  /// The most TLVs that fit: every one takes at least its 4-byte header.
  static let maxExtensions = (maxSize - minSize) / extensionHeaderSize
  static let v1 = UInt8(OLIC_VERSION)
  static let v2 = UInt8(OLIC_VERSION_THRESHOLD)
}

enum RequestLayout {
  static let deviceIdOffset = 8
  static let publicKeyOffset = 40
  static let lastLicenseIdOffset = 72
  static let remainingOffset = 80
  static let consumedTotalOffset = 88
  static let sequenceOffset = 96
  static let firmwareVersionOffset = 104
  static let reservedOffset = 108
  static let timeHighWaterOffset = 112
  static let signatureOffset = Int(OLIC_REQUEST_SIGNED_SIZE)
  static let size = Int(OLIC_REQUEST_SIZE)
}
