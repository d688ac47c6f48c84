import COlic
import COlicHarden

// Fault hardening (docs/fault-hardening.md).
//
// A glitch can skip an instruction, flip a bit of the value it produced, or turn
// a branch the other way. So every decision that leads to a state change or to
// OLIC_OK is taken twice, the second time (its twin) on values reloaded through
// a launder, far from the first; a twin that disagrees is a detected fault. The
// outcome of a check is a token that starts as a refusal and far (in Hamming
// distance) from both 0 and every other value, and a counter proves every step
// ran. Nothing here changes a status that a correct core returns.

enum Verdict {
  /// Written only by the last twin, after every step agreed.
  static let passed: UInt32 = 0xA5C3_5A3C
  /// Every proof starts here; any value but `passed` refuses.
  static let refused: UInt32 = 0x5A3C_A5C3
}

/// olic_init's `contextReadyMagic` is replaced by this when a fault is detected,
/// so every later call is OLIC_ERR_STATE until olic_init succeeds ("OLIC_FLT").
let contextPoisonedMagic: UInt64 = 0x544C_465F_4349_4C4F

/// What a hardened call has proved so far, on the caller's stack.
struct Proof {
  var verdict: UInt32 = Verdict.refused
  /// Steps that ran, each counted after its decision passed.
  var steps: UInt32 = 0
  /// libsodium's verification results, OR-ed: 0 only after every entry passed.
  var signature: Int32 = -1
  /// Entries whose verification passed: n on a passing license.
  var verified: UInt32 = 0
  // Kept to four words, so that an export sets it up with a few stores and
  // no call: a call (memset) in the wrapper would make it keep the caller's
  // arguments in saved registers across it, and a skipped move of one of
  // them is a stale argument that both a check and its twin then read. The
  // per-entry results of a license live in checkLicense's frame.
}

/// Steps counted by a passing check: parse, keys, threshold, device, replay,
/// binding, firmware, time, signatures, and the twins.
let checkSteps: UInt32 = 10
/// A passing install: the check, the commit's twins, the commit itself.
let installSteps: UInt32 = checkSteps + 2
/// A passing reserve: ready, want, remaining, the commit's twins, the commit.
let reserveSteps: UInt32 = 5
/// A passing make_request: ready, capacity, key pair, sequence, twins, commit.
let requestSteps: UInt32 = 6

@inline(__always) func launder(_ v: UInt64) -> UInt64 { olic_launder_u64(v) }
@inline(__always) func launder(_ v: UInt32) -> UInt32 { olic_launder_u32(v) }
@inline(__always) func launder(_ v: Int32) -> Int32 { Int32(bitPattern: olic_launder_u32(UInt32(bitPattern: v))) }
@inline(__always) func launder(_ v: Int) -> Int { Int(bitPattern: UInt(olic_launder_u64(UInt64(UInt(bitPattern: v))))) }

/// The same pointer, as far as the optimiser knows another one: every load
/// through it is done again.
@inline(__always) func launder<T>(_ p: UnsafePointer<T>) -> UnsafePointer<T> {
  olic_launder_ptr(UnsafeRawPointer(p)).unsafelyUnwrapped.assumingMemoryBound(to: T.self)
}

@inline(__always) func launderRaw(_ p: UnsafeRawPointer) -> UnsafeRawPointer {
  olic_launder_ptr(p).unsafelyUnwrapped
}

@inline(__always) func launder<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
  olic_launder_mut_ptr(UnsafeMutableRawPointer(p)).unsafelyUnwrapped.assumingMemoryBound(to: T.self)
}

extension Proof {
  /// A step passed. The increment is laundered so the count cannot be folded.
  @inline(__always) mutating func step() { steps &+= launder(UInt32(1)) }
}

/// The twin of a decision: `agrees` is its second evaluation. A test build may
/// make one twin disagree, to reach the fault paths on a host.
@inline(__always) func twin(_ agrees: Bool) -> Bool {
  #if OLIC_FAULT_TESTING
    return agrees && !FaultInjection.tripsHere()
  #else
    return agrees
  #endif
}

/// The twin of `olic_context.isReady`, reloaded.
@inline(__always) func stillReady(_ ctx: UnsafePointer<olic_context>) -> Bool {
  launder(launder(ctx).pointee.ready_) == contextReadyMagic
}

/// A twin disagreed: fail closed. The mutable context (nil for olic_check,
/// whose context is const) is made unusable before anything else happens.
/// Never inlined, so the status comes from one place the fault paths jump to.
@inline(never)
func faultDetected(_ poison: UnsafeMutablePointer<olic_context>?) -> olic_status {
  poisonContext(poison)
  olic_call_platform_fault()
  return OLIC_ERR_FAULT
}

/// Makes a ready context unusable. One that is not ready already is, and is
/// left as it was (a call on a failed init writes nothing anywhere).
@inline(__always)
func poisonContext(_ poison: UnsafeMutablePointer<olic_context>?) {
  guard let poison else { return }
  let ctx = launder(poison)
  if ctx.pointee.ready_ == contextReadyMagic { ctx.pointee.ready_ = contextPoisonedMagic }
}

/// Every status of the list fits in a byte.
let statusMask: UInt32 = 0xFF

/// The status of a refused call. A refusal is never OLIC_OK: an error whose
/// code was lost on its way here (skipped load, zeroed register) is a fault.
/// The mask matters to the object code: with it the compiler knows that every
/// status reaching the shared return path has its upper bits clear, so it needs
/// no zero-extension there, and a skipped extension (shift left, shift right)
/// is what turned any refusal into 0 = OLIC_OK.
/// A fault detected where no context is at hand (the record encoder) is
/// reported and poisons here.
@inline(__always)
func refusal(_ error: olic_status, _ poison: UnsafeMutablePointer<olic_context>?) -> olic_status {
  let code = launder(error.rawValue) & statusMask
  guard code != OLIC_OK.rawValue else { return faultDetected(poison) }
  if code == OLIC_ERR_FAULT.rawValue { poisonContext(poison) }
  return olic_status(rawValue: code)
}

/// A refusal by a hardened export's own checks. The status is laundered, so it
/// is materialised on this path and checked again: a skipped load of the
/// constant leaves whatever the failed decision left in the register (the
/// ready_ of a zeroed context is 0), and that is a detected fault, never
/// OLIC_OK. Nothing is poisoned: the context was not usable, or not changed.
@inline(__always)
func refuse(_ status: olic_status) -> olic_status { refusal(status, nil) }

/// What a hardened export returns: the status of its body (a function of its
/// own, never inlined), sealed by the proof the export keeps on its own
/// stack. A refusal passes through (never as 0); a 0 from the body is OLIC_OK
/// only if the proof's verdict and step count agree. So whatever the body's
/// return path leaves in the register (a skipped load of a status, a stale 0
/// that a skipped run of instructions lets through), OLIC_OK needs the proof.
/// A body returns its status as 64 bits (`outcome`): an olic_status coming
/// back from a call is zero-extended by the caller, and a glitch that skips the
/// right shift of that extension leaves the status in the upper half, where the
/// C caller, which reads 32 bits, sees 0.
@inline(__always)
func outcome(_ status: olic_status) -> UInt64 { UInt64(status.rawValue) }

@inline(__always)
func sealed(
  _ status: UInt64, _ proof: UnsafePointer<Proof>, steps: UInt32, poison: UnsafeMutablePointer<olic_context>?
) -> olic_status {
  let code = UInt32(truncatingIfNeeded: launder(status) & UInt64(statusMask))
  if code != OLIC_OK.rawValue {
    if code == OLIC_ERR_FAULT.rawValue { poisonContext(poison) }
    return olic_status(rawValue: code)
  }
  guard approved(proof, steps: steps) else { return faultDetected(poison) }
  return OLIC_OK
}

/// The proof is not inside the context (see checkLicense).
@inline(__always)
func proofOutside(_ proof: UnsafeMutablePointer<Proof>, _ context: UnsafePointer<olic_context>) -> Bool {
  let p = UInt(bitPattern: launder(proof)), c = UInt(bitPattern: launder(context))
  return p &- c >= UInt(MemoryLayout<olic_context>.size)
}

/// The last decision before OLIC_OK: the verdict token and the step count,
/// read back through a launder.
@inline(__always)
func approved(_ proof: UnsafePointer<Proof>, steps: UInt32) -> Bool {
  let p = launder(proof)
  return launder(p.pointee.verdict) == Verdict.passed && launder(p.pointee.steps) == steps
}
