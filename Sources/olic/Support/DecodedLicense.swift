import COlic

/// A license as the threshold commands read it, from the core's tool-support
/// decoder (ThresholdLicense.decode): its fields, its wire version, where the
/// signed bytes end, and every signature entry, filled or empty. A v1 license
/// reads as one entry.
struct DecodedLicense {
  struct Entry {
    let keyId: [UInt8]
    let signature: [UInt8]

    /// An entry a tool left for a later signer: all-zero key_id and signature.
    var empty: Bool { keyId.allSatisfy { $0 == 0 } && signature.allSatisfy { $0 == 0 } }

  }

  let fields: olic_license
  let version: Int
  let bodyEnd: Int
  let entries: [Entry]

  var complete: Bool { !entries.contains(where: \.empty) }
}
