import Framework

extension Power {
    static func shutdown() -> Never {
        off(exitStatus: 3)
    }
}
