import enum Framework.Power

typealias Switch = Framework.Power
typealias Relay = Switch
typealias Ports = PortRange

func aliased() {
    Switch.off(exitStatus: 4)
    Relay.off(exitStatus: 5)
    let meta = Power.self
    meta.off(exitStatus: 6)
    let unapplied = Power.off
    _ = Ports()
}
