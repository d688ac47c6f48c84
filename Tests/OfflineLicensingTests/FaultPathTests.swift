import COlic
import Testing

@testable import OfflineLicensing

/// The fail-closed helpers of Hardening.swift, called directly. On a host no
/// glitch loses a status or gets past a twin, so the paths that handle those
/// (a refusal whose code became 0, a FAULT reaching the seal) are never taken
/// by the ABI tests; each is held here to what docs/fault-hardening.md says.
/// Poisoning happens in three places on purpose (faultDetected, refusal,
/// sealed): each is tested on its own, so deleting any one of them fails.
@Suite struct FaultPathTests {
  @Test func aLostCodeIsAFaultNeverOK() {
    #expect(refusal(OLIC_OK, nil) == OLIC_ERR_FAULT)
    #expect(refuse(OLIC_OK) == OLIC_ERR_FAULT)
    let d = Device()
    #expect(refusal(OLIC_OK, &d.context) == OLIC_ERR_FAULT)
    #expect(d.context.ready_ == contextPoisonedMagic)
  }

  @Test func faultDetectedPoisonsAReadyContextOnly() {
    let d = Device()
    #expect(d.context.ready_ == contextReadyMagic)
    #expect(faultDetected(&d.context) == OLIC_ERR_FAULT)
    #expect(d.context.ready_ == contextPoisonedMagic)
    var blank = olic_context()
    #expect(faultDetected(&blank) == OLIC_ERR_FAULT)
    #expect(blank.ready_ == 0, "a context that was not ready is left as it was")
  }

  @Test func aFaultRefusalPoisonsAndOtherRefusalsDoNot() {
    let d = Device()
    #expect(refusal(OLIC_ERR_REPLAY, &d.context) == OLIC_ERR_REPLAY)
    #expect(d.context.ready_ == contextReadyMagic)
    #expect(refusal(OLIC_ERR_FAULT, &d.context) == OLIC_ERR_FAULT)
    #expect(d.context.ready_ == contextPoisonedMagic)
  }

  @Test func theSealPoisonsOnAFaultAndNeedsTheProofForOK() {
    var proof = Proof()
    let d = Device()
    #expect(sealed(outcome(OLIC_ERR_REPLAY), &proof, steps: 0, poison: &d.context) == OLIC_ERR_REPLAY)
    #expect(d.context.ready_ == contextReadyMagic)
    #expect(sealed(outcome(OLIC_ERR_FAULT), &proof, steps: 0, poison: &d.context) == OLIC_ERR_FAULT)
    #expect(d.context.ready_ == contextPoisonedMagic)

    // OLIC_OK from a body is OLIC_OK only with the passing verdict and the
    // exact step count; otherwise a fault, and the context poisoned.
    let e = Device()
    #expect(sealed(outcome(OLIC_OK), &proof, steps: 0, poison: &e.context) == OLIC_ERR_FAULT)
    #expect(e.context.ready_ == contextPoisonedMagic)
    var passed = Proof()
    passed.verdict = Verdict.passed
    passed.steps = 3
    let f = Device()
    #expect(sealed(outcome(OLIC_OK), &passed, steps: 4, poison: &f.context) == OLIC_ERR_FAULT)
    #expect(!approved(&passed, steps: 4) && !approved(&passed, steps: 2) && approved(&passed, steps: 3))
    let g = Device()
    #expect(sealed(outcome(OLIC_OK), &passed, steps: 3, poison: &g.context) == OLIC_OK)
    #expect(g.context.ready_ == contextReadyMagic)
  }
  /// The ready twin accepts the ready marker only: not a poisoned context, not
  /// a zeroed one.
  @Test func stillReadyIsTheReadyMarkerOnly() {
    let d = Device()
    #expect(stillReady(&d.context))
    _ = faultDetected(&d.context)
    #expect(!stillReady(&d.context))
    var blank = olic_context()
    #expect(!stillReady(&blank))
  }
}
