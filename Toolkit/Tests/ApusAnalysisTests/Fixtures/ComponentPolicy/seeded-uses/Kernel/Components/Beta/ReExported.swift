// No `import Framework`: Alpha re-exports it.
import Alpha

func reExported(_ pages: Pages) {
    try? pages.map(7, at: 0x7000)
    try? (pages).map(8, at: 0x8000, writable: true)
    let port = PortRange()
    _ = port
}

func throughAValueNamedLikeAType() {
    Alpha.Gauge.off(exitStatus: 11)
}
