public enum Power {
    /// Powers off.
    /// - Controlled: power
    public static func off(exitStatus: Int32) -> Never { while true {} }
}

public final class Pages {
    public init() {}
    /// - Controlled: pages
    public func map(_ frame: Int, at address: Int, writable: Bool = false) throws {}
    public func query(_ address: Int) -> Int? { nil }
}

/// A range of I/O ports.
/// - Controlled: ports
public struct PortRange {
    public init() {}
}

public func helper() -> Int { 1 }

public enum Gauge {}
