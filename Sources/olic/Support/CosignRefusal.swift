/// `olic cosign`'s refusals, each its own exit code so a script (or the person
/// carrying a proposal between machines) can tell "already done" from "forged"
/// without parsing the message. 1 stays every other bad input, 2 usage.
enum CosignRefusal: Int32 {
  /// --key already signed this license: in the file, or in --ledger's record of it.
  case alreadySigned = 3
  /// Every entry is filled: nothing left to sign.
  case noEmptyEntry = 4
  /// A filled entry does not verify under the --trusted-key with its key_id.
  case signatureFails = 5
  /// A filled entry's key_id is no --trusted-key's: it cannot be checked.
  case unknownSigner = 6

  func failure(_ message: String) -> Failure { Failure(message, exitCode: rawValue) }
}
