import COlic
import OfflineLicensing

/// Signing a v2 (threshold) license with any key source: the core encodes the
/// license with n empty entries, this key signs its signed bytes [0, body_end),
/// and the core writes the entry. Every signer of one license signs the same
/// bytes, so the order in which the parties sign does not matter.
extension SigningKey {
  /// A proposal: a v2 license with `signers` entries, the first signed by this key.
  func thresholdLicense(
    _ fields: olic_license, extra: [HostLicense.Extension], signers: Int, worker: Int = 0,
    unencodable: (olic_status) -> Failure
  ) throws(Failure) -> [UInt8] {
    let draft: [UInt8]
    switch ThresholdLicense.draft(fields, extra: extra, signers: signers) {
    case .success(let blob): draft = blob
    case .failure(let status): throw unencodable(status)
    }
    return try cosign(draft, worker: worker, unencodable: unencodable).blob
  }

  /// Fills one empty entry of `blob` with this key's signature and re-sorts the
  /// entries (ascending key_id, empty ones last); the signed bytes do not change.
  /// The caller has checked that an entry is empty and that this key has not signed.
  func cosign(_ blob: [UInt8], worker: Int = 0, unencodable: (olic_status) -> Failure) throws(Failure) -> (blob: [UInt8], signature: [UInt8]) {
    let decoded: DecodedLicense
    switch ThresholdLicense.decode(blob) {
    case .success(let d): decoded = d
    case .failure(let status): throw unencodable(status)
    }
    guard let keyId = HostLicense.keyId(publicKey) else { throw Failure("--key: cannot compute the key_id") }
    let message = Array(blob[..<decoded.bodyEnd])
    let signature = try sign(message, worker: worker)
    // A token or libcrypto signs outside libsodium: check the signature before it
    // leaves, so a faulty signer is caught here and not by the device.
    guard HostCrypto.verify(signature, message: message, publicKey: publicKey) else {
      throw Failure("--key: the key's signature does not verify under its own public key")
    }
    switch ThresholdLicense.adding(blob, keyId: keyId, signature: signature) {
    case .success(let out): return (out, signature)
    case .failure(let status): throw unencodable(status)
    }
  }
}

extension RegulatorSigner {
  /// A license for `terms`: v1 as before, or a v2 proposal when terms.signers is set.
  func license(_ fields: olic_license, terms: LicenseTerms, worker: Int = 0) -> Result<[UInt8], Failure> {
    guard let signers = terms.signers else { return license(fields, extra: terms.extra, worker: worker) }
    do throws(Failure) {
      return .success(
        try key.thresholdLicense(fields, extra: terms.extra, signers: signers, worker: worker) {
          Failure("cannot encode the license: \(statusName($0))")
        })
    } catch {
      return .failure(error)
    }
  }
}
