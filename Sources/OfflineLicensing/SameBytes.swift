/// Equality of `count` bytes at `a` and `b`. It reads every byte (no early
/// exit), so how long a comparison takes says nothing about where it differs.
func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
  var difference: UInt8 = 0
  for i in 0..<max(count, 0) {
    difference |= a.load(fromByteOffset: i, as: UInt8.self) ^ b.load(fromByteOffset: i, as: UInt8.self)
  }
  return difference == 0
}
