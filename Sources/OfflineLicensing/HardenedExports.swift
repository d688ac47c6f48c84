import COlic

// The exports that take a context: the only calls that can change state, grant
// allowance or vouch for a license. Each one is fault-hardened (Hardening.swift):
// the ready state is checked again by a twin, every decision that leads to a
// commit or to OLIC_OK is repeated by Twins.swift before the commit, and the
// export itself is a thin wrapper that keeps the Proof on its own stack, runs
// its body (never inlined) and seals the body's status with the proof. Outputs
// that grant (*granted, *out_len) are written last by the body, after the
// commit; the wrapper writes nothing after its body returns, except the poison
// of a detected fault.
// Statuses of a correct core are exactly those of docs/format.md.

@c @implementation
public func olic_check(
  _ ctx: UnsafePointer<olic_context>!, _ license: UnsafePointer<UInt8>!, _ len: Int, _ now: UInt64,
  _ out: UnsafeMutablePointer<olic_license>!
) -> olic_status {
  var proof = Proof()
  let status = checkBody(ctx, license, len, now, out, proof: &proof)
  return sealed(status, &proof, steps: checkSteps, poison: nil)
}

@inline(never)
func checkBody(
  _ ctx: UnsafePointer<olic_context>?, _ license: UnsafePointer<UInt8>?, _ len: Int, _ now: UInt64,
  _ out: UnsafeMutablePointer<olic_license>?, proof: UnsafeMutablePointer<Proof>
) -> UInt64 {
  out?.pointee = olic_license()
  guard let ctx, let license else { return outcome(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return outcome(OLIC_ERR_STATE) }
  let length = givenLength(len)
  let copy = LicenseCopy(license, length: length)
  do throws(olic_status) {
    let checked = try checkLicense(
      ctx, copy.bytes.span.bytes.extracting(first: copy.count), length: length, now: now, proof: proof)
    // *out is filled only on OLIC_OK: the seal's decision, taken here first.
    guard approved(proof, steps: checkSteps) else { return outcome(faultDetected(nil)) }
    out?.pointee = checked
    return outcome(OLIC_OK)
  } catch {
    return outcome(refusal(error, nil))
  }
}

@c @implementation
public func olic_install(
  _ ctx: UnsafeMutablePointer<olic_context>!, _ license: UnsafePointer<UInt8>!, _ len: Int, _ now: UInt64
) -> olic_status {
  var proof = Proof()
  let status = installBody(ctx, license, len, now, proof: &proof)
  return sealed(status, &proof, steps: installSteps, poison: ctx)
}

@inline(never)
func installBody(
  _ ctx: UnsafeMutablePointer<olic_context>?, _ license: UnsafePointer<UInt8>?, _ len: Int, _ now: UInt64,
  proof: UnsafeMutablePointer<Proof>
) -> UInt64 {
  guard let ctx, let license else { return outcome(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return outcome(OLIC_ERR_STATE) }
  let length = givenLength(len)
  let copy = LicenseCopy(license, length: length)
  do throws(olic_status) {
    var checked = try checkLicense(
      UnsafePointer(ctx), copy.bytes.span.bytes.extracting(first: copy.count), length: length, now: now,
      proof: proof)
    var next = ctx.pointee.state_
    next.last_license_id = checked.license_id
    let (sum, overflow) = next.remaining.addingReportingOverflow(checked.allowance)
    next.remaining = overflow ? UInt64.max : sum
    next.time_high_water = max(next.time_high_water, now)
    try confirmInstall(ctx, &checked, &next, now: now, proof: proof)
    try commit(ctx, next)
    proof.pointee.step()
    return outcome(OLIC_OK)
  } catch {
    return outcome(refusal(error, ctx))
  }
}

@c @implementation
public func olic_reserve(
  _ ctx: UnsafeMutablePointer<olic_context>!, _ want: UInt64, _ granted: UnsafeMutablePointer<UInt64>!
) -> olic_status {
  granted?.pointee = 0
  var proof = Proof()
  // Nothing is written here after the body returns: a glitch in the body's
  // epilogue can leave one of its registers in ours, and a write through it
  // may land anywhere (the context included). The body writes *granted last,
  // after the commit, so only a passing reserve ever grants.
  return sealed(reserveBody(ctx, want, granted, proof: &proof), &proof, steps: reserveSteps, poison: ctx)
}

/// *granted is written last, after the commit, on the way to OLIC_OK only.
@inline(never)
func reserveBody(
  _ ctx: UnsafeMutablePointer<olic_context>?, _ want: UInt64, _ granted: UnsafeMutablePointer<UInt64>?,
  proof: UnsafeMutablePointer<Proof>
) -> UInt64 {
  guard let ctx, let granted else { return outcome(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return outcome(OLIC_ERR_STATE) }
  proof.pointee.step()
  guard want != 0 else { return outcome(OLIC_ERR_ARGUMENT) }
  proof.pointee.step()
  var next = ctx.pointee.state_
  guard next.remaining != 0 else { return outcome(OLIC_ERR_EXHAUSTED) }
  proof.pointee.step()
  let grant = min(want, next.remaining)
  next.remaining -= grant
  let (sum, overflow) = next.consumed_total.addingReportingOverflow(grant)
  next.consumed_total = overflow ? UInt64.max : sum
  do throws(olic_status) {
    try confirmReserve(ctx, want: want, granted: grant, &next, proof: proof)
    // Durable first: the compute this pays for may start only after the write.
    try commit(ctx, next)
  } catch {
    return outcome(refusal(error, ctx))
  }
  proof.pointee.step()
  // The seal's decision, taken here first: a glitch that falls from a refusal
  // into this block finds no passing proof, and grants nothing.
  guard approved(proof, steps: reserveSteps) else { return outcome(faultDetected(ctx)) }
  granted.pointee = grant
  return outcome(OLIC_OK)
}

@c @implementation
public func olic_state(_ ctx: UnsafePointer<olic_context>!, _ out: UnsafeMutablePointer<olic_state_info>!)
  -> olic_status
{
  out?.pointee = olic_state_info()
  guard let ctx, let out else { return refuse(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return refuse(OLIC_ERR_STATE) }
  let info = ctx.pointee.stateInfo
  guard twin(stillReady(ctx)) else { return faultDetected(nil) }
  out.pointee = info
  return OLIC_OK
}

@c @implementation
public func olic_make_request(
  _ ctx: UnsafeMutablePointer<olic_context>!, _ device_secret_key: UnsafePointer<UInt8>!,
  _ out: UnsafeMutablePointer<UInt8>!, _ capacity: Int, _ out_len: UnsafeMutablePointer<Int>!
) -> olic_status {
  out_len?.pointee = 0
  var proof = Proof()
  return sealed(
    requestBody(ctx, device_secret_key, out, capacity, out_len, proof: &proof), &proof, steps: requestSteps,
    poison: ctx)
}

@inline(never)
func requestBody(
  _ ctx: UnsafeMutablePointer<olic_context>?, _ device_secret_key: UnsafePointer<UInt8>?,
  _ out: UnsafeMutablePointer<UInt8>?, _ capacity: Int, _ out_len: UnsafeMutablePointer<Int>?,
  proof: UnsafeMutablePointer<Proof>
) -> UInt64 {
  guard let ctx, let device_secret_key, let out else { return outcome(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return outcome(OLIC_ERR_STATE) }
  proof.pointee.step()
  guard givenLength(capacity) >= RequestLayout.size else { return outcome(OLIC_ERR_BUFFER) }
  proof.pointee.step()
  do throws(olic_status) {
    try makeRequest(ctx, secretKey: device_secret_key, into: out, capacity: capacity, proof: proof)
  } catch {
    return outcome(refusal(error, ctx))
  }
  guard approved(proof, steps: requestSteps) else { return outcome(faultDetected(ctx)) }
  out_len?.pointee = RequestLayout.size
  return outcome(OLIC_OK)
}
