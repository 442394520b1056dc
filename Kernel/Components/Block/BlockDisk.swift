// One disk's request queue: requests wait in `pending` as commands, a request adjacent to the
// newest pending command of the same kind is merged into it (up to the driver's segment limit),
// and commands go to the driver while it has room (`queueDepth` in flight). Completions are
// harvested in task context: the driver's interrupt handler only calls `deviceSignalled`, which
// marks the disk and wakes its waiters; a waiting (or submitting) task then reaps the finished
// commands, finishes their requests, starts what was pending and runs completion callbacks.
// Merging only with the newest pending command keeps the order of writes and flushes as they
// were submitted: nothing is ever reordered around a flush.

import Framework
import LinuxABI
import Scheduling
import Synchronization

public struct BlockQueueStatistics: Sendable {
    public var commandsStarted = 0
    public var requestsSubmitted = 0
    public var requestsMerged = 0
    public var mostInFlight = 0
    public var deviceErrors = 0
}

public final class BlockDisk: Sendable {
    public let geometry: BlockGeometry
    let driver: SpinLock<any BlockDriver>
    let state = SpinLock(QueueState())
    let completions = WaitQueue()
    private let isSignalled = Atomic<Bool>(false)

    struct QueueState {
        var pending: [BlockCommand] = []
        var inFlight = 0
        var statistics = BlockQueueStatistics()
    }

    public init(geometry: BlockGeometry, driver: any BlockDriver) {
        self.geometry = geometry
        self.driver = SpinLock(driver)
    }

    public var statistics: BlockQueueStatistics { state.withLock { $0.statistics } }
    /// Commands the driver holds now.
    public var inFlightCount: Int { state.withLock { $0.inFlight } }

    /// The driver's interrupt handler calls this (interrupt context): wake whoever waits.
    public func deviceSignalled() {
        isSignalled.store(true, ordering: .releasing)
        completions.wakeAll()
    }

    /// Queues checked requests (absolute disk sectors) and starts what the driver can take.
    /// All of `requests` are queued before any is started, so adjacent ones merge (a plug).
    func enqueue(_ requests: [(request: BlockRequest, diskSector: UInt64)]) {
        state.withLock { state in
            for (request, diskSector) in requests {
                state.statistics.requestsSubmitted += 1
                if merge(request, diskSector: diskSector, into: state.pending.last) {
                    state.statistics.requestsMerged += 1
                } else {
                    state.pending.append(BlockCommand(request, diskSector: diskSector))
                }
            }
            dispatch(&state)
        }
        service()
    }

    func merge(_ request: BlockRequest, diskSector: UInt64, into command: BlockCommand?) -> Bool {
        guard let command, command.operation == request.operation, request.operation != .flush,
              command.segments.count + request.segments.count <= geometry.maximumSegments else { return false }
        if command.sector &+ command.sectorCount == diskSector {
            command.append(request)
            return true
        }
        if diskSector &+ request.sectorCount == command.sector {
            command.prepend(request, diskSector: diskSector)
            return true
        }
        return false
    }

    /// Starts pending commands while the driver has room (queue lock held).
    func dispatch(_ state: inout QueueState) {
        var started = 0
        driver.withLock { driver in
            while state.inFlight < geometry.queueDepth, let command = state.pending.first, driver.start(command) {
                state.pending.removeFirst()
                state.inFlight += 1
                started += 1
            }
            if started > 0 { driver.commit() }
        }
        state.statistics.commandsStarted += started
        state.statistics.mostInFlight = max(state.statistics.mostInFlight, state.inFlight)
    }

    /// Harvests finished commands, starts pending ones, then runs the finished requests'
    /// callbacks and wakes their waiters.
    public func service() {
        isSignalled.store(false, ordering: .releasing)
        var finished: [BlockRequest] = []
        state.withLock { state in
            driver.withLock { driver in
                driver.reap { command, result in
                    state.inFlight -= 1
                    if case .failure = result { state.statistics.deviceErrors += 1 }
                    for request in command.requests {
                        request.finish(result)
                        finished.append(request)
                    }
                }
            }
            dispatch(&state)
        }
        guard !finished.isEmpty else { return }
        for request in finished { request.onCompletion?(request) }
        completions.wakeAll()
    }

    /// Sleeps until `request` is finished and returns its result.
    func wait(for request: BlockRequest) throws(Errno) {
        while true {
            service()
            if let result = request.result { return try result.get() }
            completions.wait(until: { isSignalled.load(ordering: .acquiring) || request.isFinished })
        }
    }
}
