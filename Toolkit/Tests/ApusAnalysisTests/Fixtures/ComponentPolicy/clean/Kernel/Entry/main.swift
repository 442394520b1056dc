import Framework

ComponentStartup.startAll()
Power.off(exitStatus: 0)
