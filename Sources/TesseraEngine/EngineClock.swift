import Foundation

/// Where the engine reads the time; tests substitute a fixed or stepping clock.
public struct EngineClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    public var now: Date { read() }

    /// The wall clock.
    public static let system = EngineClock { Date() }
}
