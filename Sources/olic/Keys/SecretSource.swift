import CCrypto
import Glibc

/// Where a passphrase or PIN comes from: a file named by an option, else a file
/// named by an environment variable, else a prompt when stdin is a terminal.
/// Never argv, where every user of the machine can read it in /proc.
struct SecretSource {
  /// The option's value and its name ("--passphrase-file").
  var file: String?
  var option: String
  /// The environment variable naming a file ("OLIC_PASSPHRASE_FILE").
  var environment: String
  /// What the secret is, for prompts and errors ("passphrase", "PIN").
  var noun: String

  /// A file given in another way that ranks between the option and the
  /// environment (a PKCS#11 URI's pin-source), with how to name it.
  var named: (path: String, what: String)?

  /// The secret, or nil when no source is given and stdin is no terminal.
  /// `confirm` asks twice at a prompt (a new passphrase).
  func read(prompt: String, confirm: Bool = false) throws(Failure) -> SecretBytes? {
    if let file { return try Self.fromFile(file, what: "\(option) \(printable(file))") }
    if let named { return try Self.fromFile(named.path, what: named.what) }
    if let path = getenv(environment).map({ String(cString: $0) }), !path.isEmpty {
      return try Self.fromFile(path, what: "\(environment) \(printable(path))")
    }
    guard isatty(0) == 1 else { return nil }
    let secret = SecretBytes(capacity: 1024)
    // libcrypto's UI reads the terminal with echo off and restores it on a signal.
    let r = prompt.withCString { p in
      EVP_read_pw_string(UnsafeMutableRawPointer(secret.base).assumingMemoryBound(to: CChar.self), Int32(secret.capacity - 1), p, confirm ? 1 : 0)
    }
    guard r == 0 else {
      throw Failure(confirm ? "the two \(noun)s typed do not match" : "no \(noun) was read from the terminal")
    }
    secret.count = strlen(UnsafeRawPointer(secret.base).assumingMemoryBound(to: CChar.self))
    return secret
  }

  /// How to give the secret, for the error line when none was found.
  var hint: String { "give it with \(option) FILE or \(environment), or run on a terminal to be asked" }

  private static func fromFile(_ path: String, what: String) throws(Failure) -> SecretBytes {
    let (secret, _) = try SecretBytes.read(path, what: what, limit: 4096)
    secret.keepFirstLine()
    return secret
  }
}
