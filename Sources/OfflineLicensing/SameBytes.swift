/// Equality of `count` bytes at `a` and `b`. It reads every byte (no early
/// exit), so how long a comparison takes says nothing about where it differs.
/// Eight bytes at a time when both are 8-aligned (the structs the twins
/// compare are): the check's comparisons are part of its budget over a bare
/// verification.
@inline(never)
func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
  let n = max(count, 0)
  var words = 0
  var wide: UInt64 = 0
  if (UInt(bitPattern: a) | UInt(bitPattern: b)) & 7 == 0 {
    words = n / 8
    for i in 0..<words {
      wide |= a.load(fromByteOffset: i &* 8, as: UInt64.self) ^ b.load(fromByteOffset: i &* 8, as: UInt64.self)
    }
  }
  var difference: UInt8 = 0
  for i in (words &* 8)..<n {
    difference |= a.load(fromByteOffset: i, as: UInt8.self) ^ b.load(fromByteOffset: i, as: UInt8.self)
  }
  return wide == 0 && difference == 0
}
