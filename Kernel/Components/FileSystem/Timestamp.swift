// File timestamps (seconds and nanoseconds since the epoch), as stat(2) reports them.

import Framework

public struct Timestamp: Sendable, Equatable, Comparable {
    public var seconds: Int64
    public var nanoseconds: Int64

    public init(seconds: Int64, nanoseconds: Int64) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func now() -> Timestamp {
        let total = Clock.realtimeNanoseconds()
        return Timestamp(seconds: Int64(total / 1_000_000_000), nanoseconds: Int64(total % 1_000_000_000))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}
