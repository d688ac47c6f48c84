import COlic

// The exports that take a context: the only calls that can change state, grant
// allowance or vouch for a license. Each one is fault-hardened (Hardening.swift):
// the ready state is checked again by a twin, every decision that leads to a
// commit or to OLIC_OK is repeated by Twins.swift before the commit, and
// OLIC_OK is returned only when the proof's verdict and step count say every
// step ran, and every refusal goes through `refuse`, so that no register left
// at 0 by the decision (a ready_ of 0, say) can be returned as OLIC_OK.
// Statuses of a correct core are exactly those of docs/format.md.

@c @implementation
public func olic_check(
  _ ctx: UnsafePointer<olic_context>!, _ license: UnsafePointer<UInt8>!, _ len: Int, _ now: UInt64,
  _ out: UnsafeMutablePointer<olic_license>!
) -> olic_status {
  out?.pointee = olic_license()
  guard let ctx, let license else { return refuse(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return refuse(OLIC_ERR_STATE) }
  let length = givenLength(len)
  let copy = LicenseCopy(license, length: length)
  var proof = Proof()
  do throws(olic_status) {
    let checked = try checkLicense(
      ctx, copy.bytes.span.bytes.extracting(first: copy.count), length: length, now: now,
      proof: &proof, poison: nil)
    guard approved(&proof, steps: checkSteps) else { return faultDetected(nil) }
    out?.pointee = checked
    return OLIC_OK
  } catch {
    return refusal(error, nil)
  }
}

@c @implementation
public func olic_install(
  _ ctx: UnsafeMutablePointer<olic_context>!, _ license: UnsafePointer<UInt8>!, _ len: Int, _ now: UInt64
) -> olic_status {
  guard let ctx, let license else { return refuse(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return refuse(OLIC_ERR_STATE) }
  let length = givenLength(len)
  let copy = LicenseCopy(license, length: length)
  var proof = Proof()
  do throws(olic_status) {
    var checked = try checkLicense(
      UnsafePointer(ctx), copy.bytes.span.bytes.extracting(first: copy.count), length: length, now: now,
      proof: &proof, poison: ctx)
    var next = ctx.pointee.state_
    next.last_license_id = checked.license_id
    let (sum, overflow) = next.remaining.addingReportingOverflow(checked.allowance)
    next.remaining = overflow ? UInt64.max : sum
    next.time_high_water = max(next.time_high_water, now)
    try confirmInstall(ctx, &checked, &next, now: now, proof: &proof)
    try commit(ctx, next)
    proof.step()
    guard approved(&proof, steps: installSteps) else { return faultDetected(ctx) }
    return OLIC_OK
  } catch {
    return refusal(error, ctx)
  }
}

@c @implementation
public func olic_reserve(
  _ ctx: UnsafeMutablePointer<olic_context>!, _ want: UInt64, _ granted: UnsafeMutablePointer<UInt64>!
) -> olic_status {
  granted?.pointee = 0
  guard let ctx, let granted else { return refuse(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return refuse(OLIC_ERR_STATE) }
  var proof = Proof()
  proof.step()
  guard want != 0 else { return refuse(OLIC_ERR_ARGUMENT) }
  proof.step()
  var next = ctx.pointee.state_
  guard next.remaining != 0 else { return refuse(OLIC_ERR_EXHAUSTED) }
  proof.step()
  let g = min(want, next.remaining)
  next.remaining -= g
  let (sum, overflow) = next.consumed_total.addingReportingOverflow(g)
  next.consumed_total = overflow ? UInt64.max : sum
  do throws(olic_status) {
    try confirmReserve(ctx, want: want, granted: g, &next, proof: &proof)
    // Durable first: the compute this pays for may start only after the write.
    try commit(ctx, next)
  } catch {
    return refusal(error, ctx)
  }
  proof.step()
  guard approved(&proof, steps: reserveSteps) else { return faultDetected(ctx) }
  granted.pointee = g
  return OLIC_OK
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
  guard let ctx, let device_secret_key, let out else { return refuse(OLIC_ERR_ARGUMENT) }
  guard ctx.pointee.isReady else { return refuse(OLIC_ERR_STATE) }
  var proof = Proof()
  proof.step()
  guard givenLength(capacity) >= RequestLayout.size else { return refuse(OLIC_ERR_BUFFER) }
  proof.step()
  do throws(olic_status) {
    try makeRequest(ctx, secretKey: device_secret_key, into: out, capacity: capacity, proof: &proof)
  } catch {
    return refusal(error, ctx)
  }
  guard approved(&proof, steps: requestSteps) else { return faultDetected(ctx) }
  out_len?.pointee = RequestLayout.size
  return OLIC_OK
}
