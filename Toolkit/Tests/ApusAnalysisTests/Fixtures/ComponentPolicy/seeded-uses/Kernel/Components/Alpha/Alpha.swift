@_exported import Framework

public enum Alpha {
    public static func start() {}

    public static func stop() -> Never { Power.off(exitStatus: 0) }

    public static func setUp(_ pages: Pages) {
        try? pages.map(1, at: 0x1000)
        try? pages.map(2, at: 0x2000, writable: true)
        _ = PortRange()
    }
}

/// A value named like a type: a granted module handing out the controlled type's metatype.
public let Gauge = Power.self
