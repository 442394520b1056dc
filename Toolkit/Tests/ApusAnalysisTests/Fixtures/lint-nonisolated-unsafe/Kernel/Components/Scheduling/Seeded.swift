// Seeded: shared mutable state without race checking.
struct Counter {
    nonisolated(unsafe) static var total = 0
}
