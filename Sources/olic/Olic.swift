import ArgumentParser

/// The root command: only help text and the list of subcommands.
struct Olic: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "olic",
    abstract: "Issue, cosign, inspect and check olic offline compute licenses.",
    discussion: """
      A chip runs at full speed only while it holds allowance from an unused license that a \
      regulator signed for it. olic is the regulator's and the vendor's tool: it makes \
      Ed25519 keys, signs licenses, reads device requests, and runs the firmware's own \
      license check (libolic's olic_check) against a device state you describe.

      The formats, one rule each (docs/format.md has the byte tables):

      license: a little-endian blob of 136 to 1024 bytes (header, key_id, device_id, \
      license_id, allowance, min_firmware_version, flags, extensions), ending in the \
      Ed25519 signature over every byte before it.

      threshold license (wire v2): the same fields, then n signature entries (key_id, \
      Ed25519 signature), each over the same bytes [0, body_end); a device with threshold \
      k needs k distinct trusted signers. `olic issue --signers N` proposes one, `olic \
      cosign` adds a party's signature; its identity is its digest, BLAKE2b-256 of \
      [0, body_end).

      request: a fixed 184-byte blob that a device signs with its own key, reporting its \
      state and asking for the license that answers its request_sequence.

      key_id: the first 8 bytes of BLAKE2b-256 of the 32-byte public key; a device finds \
      the trusted key that signed a license by it.

      extensions: TLVs in strictly ascending type order; bit 15 of the type marks one \
      critical, and a device that does not know a critical type refuses the license. \
      VALIDITY (0x8001) bounds installation in Unix seconds, BIND_REQUEST (0x8002) ties \
      a license to one request of the device.

      keys: PEM as openssl writes it, private keys PKCS#8 and public keys SPKI.

      times: Unix seconds, or RFC 3339 (2026-01-31T12:00:00Z).

      numbers: decimal, or hex with 0x; ids and keys: hex.

      device keys: a device's id is BLAKE2b-256 of its public key (`olic pubkey --device-id`); \
      `olic secret-key` writes its 64-byte secret key for the provisioning station.

      Exit status: 0 success; 1 bad input, a failed operation, or a check that did not \
      pass (one line on stderr says which file or argument and why); 2 usage error: an \
      unknown option or subcommand (one line, with the closest real name), or a missing or \
      conflicting one (with the usage); 3 to 6: cosign's refusals (olic help cosign).
      """,
    subcommands: [
      Keygen.self, Pubkey.self, SecretKey.self, Issue.self, Cosign.self, Inspect.self, Verify.self, VerifyRequest.self, Batch.self,
      LedgerCommand.self,
    ])
}
