import Framework
import Parsing
import Synchronization
@preconcurrency import Framework
public import Parsing
import struct Parsing.Parser

/// Plain `unowned` and checked exclusivity are allowed: only the unchecked forms are rejected.
final class Task {
    unowned let scheduler: Scheduler
    @exclusivity(checked) var state = 0
    init(scheduler: Scheduler) { self.scheduler = scheduler }
}

final class Scheduler: Sendable {
    func run() {
        let unsafe = 1
        _ = unsafe
    }
}
