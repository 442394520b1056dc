import Framework

func qualified() {
    Power.off(exitStatus: 1)
    Framework.Power.off(exitStatus: 2)
}
