import Foundation
import Synchronization

/// A clock that stands still until a test moves it. Read it from an `EngineClock { clock.now }`.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at `start` (a fixed instant by default, so timestamps in a test are reproducible).
    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        self.current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(interval) }
    }
}
