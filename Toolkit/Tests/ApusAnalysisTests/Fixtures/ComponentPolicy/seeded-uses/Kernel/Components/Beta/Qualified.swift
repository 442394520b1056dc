import Framework

func qualified() {
    Power.off(exitStatus: 1)
    Framework.Power.off(exitStatus: 2)
    Power.`off`(exitStatus: 9)
    let named = Power.off(exitStatus:)
    Power.self.off(exitStatus: 10)
}
