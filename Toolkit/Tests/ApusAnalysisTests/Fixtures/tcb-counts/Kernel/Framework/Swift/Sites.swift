// SAFETY: the boot CPU is the only writer before interrupts are enabled.
nonisolated(unsafe) var bootFlag = false

func read(_ p: UnsafePointer<Int>) -> Int {
    unsafe p.pointee // SAFETY: callers pass a live pointer.
}
