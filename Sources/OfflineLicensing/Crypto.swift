import CSodium

/// The only file that calls libsodium, so another crypto backend is a one-file
/// change. Every function reports failure as `false`; none traps.
enum Crypto {
  /// Hosted builds initialise libsodium (it picks its fastest code paths).
  /// Bare-metal builds skip it: libsodium 1.0.18's Ed25519 and BLAKE2b work
  /// uninitialised, and skipping keeps about 44 KB of tables out of the image.
  static func initialise() -> Bool {
    #if OLIC_BARE_METAL
      return true
    #else
      return sodium_init() >= 0
    #endif
  }

  /// Ed25519 verification, RFC 8032 with libsodium's strict rules
  /// (canonical S, no small-order R or public key). libsodium's result as it
  /// is: 0 passes, anything else (-1) fails. The fault-hardened check keeps
  /// this value rather than a Bool, which one flipped bit would turn.
  static func verify(
    signature: UnsafeRawPointer, message: UnsafeRawPointer, length: Int,
    publicKey: UnsafeRawPointer
  ) -> Int32 {
    // Clamped, not refused: an early "return -1" here is hoisted above the
    // call, where a glitch that skips past it leaves a stale 0 as the result.
    crypto_sign_verify_detached(
      signature.assumingMemoryBound(to: UInt8.self),
      message.assumingMemoryBound(to: UInt8.self), UInt64(clamping: length),
      publicKey.assumingMemoryBound(to: UInt8.self))
  }

  static func sign(
    message: UnsafeRawPointer, length: Int, secretKey: UnsafeRawPointer,
    into signature: UnsafeMutableRawPointer
  ) -> Bool {
    guard length >= 0 else { return false }
    return crypto_sign_detached(
      signature.assumingMemoryBound(to: UInt8.self), nil,
      message.assumingMemoryBound(to: UInt8.self), UInt64(length),
      secretKey.assumingMemoryBound(to: UInt8.self)) == 0
  }

  /// The public key of a 32-byte seed. The expanded secret key that libsodium
  /// produces on the way is wiped before returning.
  static func publicKey(seed: UnsafeRawPointer, into publicKey: UnsafeMutableRawPointer) -> Bool {
    var secret = InlineArray<64, UInt8>(repeating: 0)
    let ok = withUnsafeMutableBytes(of: &secret) { sk -> Bool in
      guard let skBase = sk.baseAddress else { return false }
      let r = crypto_sign_seed_keypair(
        publicKey.assumingMemoryBound(to: UInt8.self),
        skBase.assumingMemoryBound(to: UInt8.self),
        seed.assumingMemoryBound(to: UInt8.self))
      sodium_memzero(skBase, sk.count)
      return r == 0
    }
    return ok
  }

  /// BLAKE2b with a 32-byte output and no key.
  static func blake2b256(_ input: UnsafeRawPointer, length: Int, into out: UnsafeMutableRawPointer) -> Bool {
    guard length >= 0 else { return false }
    return crypto_generichash(
      out.assumingMemoryBound(to: UInt8.self), 32,
      input.assumingMemoryBound(to: UInt8.self), UInt64(length), nil, 0) == 0
  }

  /// Clears secret material in a way the optimiser may not remove.
  static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
    guard let base = buffer.baseAddress else { return }
    sodium_memzero(base, buffer.count)
  }
}

#if !hasFeature(Embedded)
  /// Host-side crypto for the tools (keygen, issuing, tests). Never in libolic.a:
  /// the firmware verifies and signs requests, it never issues licenses.
  public enum HostCrypto {
    public static let seedSize = 32

    /// A fresh 32-byte seed from the operating system's CSPRNG.
    public static func randomSeed() -> [UInt8]? {
      guard Crypto.initialise() else { return nil }
      var seed = [UInt8](repeating: 0, count: seedSize)
      let filled = seed.withUnsafeMutableBytes { buffer -> Bool in
        guard let base = buffer.baseAddress else { return false }
        randombytes_buf(base, buffer.count)
        return true
      }
      return filled ? seed : nil
    }

    /// libsodium's 64-byte secret key (seed || public key) and the public key.
    public static func keypair(seed: [UInt8]) -> (publicKey: [UInt8], secretKey: [UInt8])? {
      guard seed.count == seedSize, Crypto.initialise() else { return nil }
      var pk = [UInt8](repeating: 0, count: 32)
      var sk = [UInt8](repeating: 0, count: 64)
      let r = crypto_sign_seed_keypair(&pk, &sk, seed)
      return r == 0 ? (pk, sk) : nil
    }

    /// A detached Ed25519 signature over `message` with a 64-byte secret key.
    public static func sign(_ message: [UInt8], secretKey: [UInt8]) -> [UInt8]? {
      guard secretKey.count == 64, Crypto.initialise() else { return nil }
      var sig = [UInt8](repeating: 0, count: 64)
      let r = crypto_sign_detached(&sig, nil, message, UInt64(message.count), secretKey)
      return r == 0 ? sig : nil
    }

    public static func verify(_ signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
      guard signature.count == 64, publicKey.count == 32, Crypto.initialise() else { return false }
      return crypto_sign_verify_detached(signature, message, UInt64(message.count), publicKey) == 0
    }

    public static func blake2b256(_ input: [UInt8]) -> [UInt8]? {
      guard Crypto.initialise() else { return nil }
      var out = [UInt8](repeating: 0, count: 32)
      let r = crypto_generichash(&out, 32, input, UInt64(input.count), nil, 0)
      return r == 0 ? out : nil
    }
  }
#endif
