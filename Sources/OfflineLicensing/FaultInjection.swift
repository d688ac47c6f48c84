// A test-only way to reach the fault paths on a host, where no glitch happens:
// `FaultInjection.$trip.withValue(n) { ... }` makes the n-th twin evaluated in
// that task disagree (0 = the first). Compiled only when OLIC_FAULT_TESTING is
// defined, which Package.swift does for debug builds (swift test); the
// Makefile's libolic.a, the cross objects and release tools never have it.
#if OLIC_FAULT_TESTING
  final class TwinCounter: @unchecked Sendable {
    let trip: Int
    var seen = 0
    /// Calls of olic_platform_fault, for tests that define the hook.
    var platformFaults = 0
    init(trip: Int) { self.trip = trip }
  }

  enum FaultInjection {
    @TaskLocal static var counter: TwinCounter?

    /// Runs `body` with the `trip`-th twin disagreeing; returns how many twins ran.
    static func withTrip<R>(_ trip: Int, _ body: () throws -> R) rethrows -> (result: R, twins: Int) {
      let counter = TwinCounter(trip: trip)
      let result = try $counter.withValue(counter) { try body() }
      return (result, counter.seen)
    }

    static func tripsHere() -> Bool {
      guard let counter else { return false }
      defer { counter.seen += 1 }
      return counter.seen == counter.trip
    }
  }
#endif
