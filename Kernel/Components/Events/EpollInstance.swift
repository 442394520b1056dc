// An epoll instance (epoll(7)): an interest list of (open file description, descriptor) pairs and
// a ready list, as Linux's fs/eventpoll.c keeps them.
//
// How readiness arrives: each registration (EpollItem) watches the wait queue its file wakes on
// readiness changes (WaitQueue watchers, the role of ep_poll_callback). A wake-up puts the item on
// the ready list (once) and wakes the tasks sleeping in epoll_wait and whoever polls this epoll's
// own descriptor (a nested epoll watching it, poll(2), select(2)). Nothing polls in a loop: a
// sleeper sleeps until a watched file's queue is woken, the timeout passes or a signal comes.
// Which events are reported is decided when epoll_wait takes the ready list (ep_send_events):
// each item's file is asked for its readiness now and that is masked with the item's interest;
// an item with nothing to report leaves the list. A level-triggered item that reported goes back
// to the tail of the list (so the next call sees it again while it stays ready, and items take
// turns when maxevents is small); an edge-triggered one (EPOLLET) waits for its next wake-up; an
// EPOLLONESHOT one is disarmed until EPOLL_CTL_MOD. So edge-triggered reporting means "the file
// woke its queue since the last report", which is what Linux reports too (every pipe write is
// an event, even into a pipe that held data).
// Registration rules, errors and nesting are in EpollInterest.swift.

import FileSystem
import Framework
import LinuxABI
import Scheduling

public final class EpollInstance: AnonymousFileKind {
    /// The interest list.
    var items = InterestList()
    /// Items woken since they last reported, oldest first; each at most once (`isQueued`).
    /// Removed items stay until the next harvest drops them (`isRegistered` is false).
    var ready: [EpollItem] = []
    /// The reports buffer epoll_wait reuses (see harvest).
    var spareReports: [Report] = []
    /// Tasks in epoll_wait on this instance.
    let sleepers = WaitQueue()
    /// The readiness queue of the epoll descriptor itself.
    let pollers = WaitQueue()
    /// Whose max_user_watches the registrations count against (the creator's real user).
    let owner: UInt32

    public init(owner: UInt32) {
        self.owner = owner
    }

    public override var name: String { "[eventpoll]" }
    public override var readinessQueue: WaitQueue? { pollers }

    /// ep_eventpoll_poll: readable while some item on the ready list has an event to report.
    public override func pollEvents(file: OpenFile) -> PollEvents {
        for item in ready where item.isRegistered && !item.currentEvents.isEmpty { return [.POLLIN, .POLLRDNORM] }
        return []
    }

    /// The epoll descriptor's last reference went: every registration goes with it.
    public override func release(file: OpenFile) {
        let registered = items.all
        for item in registered { detach(item) }
        items = InterestList()
        ready = []
    }

    /// A watched queue was woken: `item` may have something to report.
    func itemWoken(_ item: EpollItem) -> Bool {
        guard item.isRegistered, item.isArmed else { return false }
        if !item.isQueued {
            item.isQueued = true
            ready.append(item)
        }
        let hadSleepers = !sleepers.isEmpty
        sleepers.wakeAll()
        pollers.wakeAll()
        // An exclusive registration counts as having woken someone only if a task was waiting.
        return item.watchMode == .everyWakeUp || hadSleepers
    }

    /// epoll_wait's core: waits until some item reports, `deadline` (monotonic ns; nil: no
    /// timeout) passes, or a signal arrives (EINTR). `deliver` copies one event out to the
    /// given index; returns how many were delivered (0 on timeout).
    public func wait(maximumEvents: Int, deadline: UInt64?,
                     deliver: (EpollEvent, Int) throws(Errno) -> Void) throws(Errno) -> Int {
        while true {
            let reported = try harvest(maximumEvents: maximumEvents, deliver: deliver)
            if reported > 0 { return reported }
            if let deadline, Clock.monotonicNanoseconds() >= deadline { return 0 }
            if Interruption.isPending { throw .EINTR }
            sleepers.enqueueCurrent()
            let hasWork = { !self.ready.isEmpty || Interruption.isPending }
            if let deadline {
                Timers.shared.sleep(Scheduler.current, until: deadline, wakeEarly: hasWork)
            } else {
                Interrupts.withDisabled { if !hasWork() { Scheduler.block() } }
            }
            sleepers.removeCurrent()
        }
    }

    /// ep_send_events: takes up to `maximumEvents` reports from the ready list and hands each to
    /// `deliver` with its index. The list is updated before anything is delivered (delivering may
    /// fault and sleep); if delivering one fails (EFAULT), it and the ones after it are put back
    /// as they were, at the head of the list, and the call returns how many were delivered, or
    /// the error if none was (as Linux does). Steady state allocates nothing: the reports go into
    /// a buffer the instance keeps, and the ready list keeps its capacity.
    func harvest(maximumEvents: Int, deliver: (EpollEvent, Int) throws(Errno) -> Void) throws(Errno) -> Int {
        guard !ready.isEmpty else { return 0 }
        var reports: [Report] = []
        swap(&reports, &spareReports)       // another task harvesting meanwhile gets its own
        defer {
            reports.removeAll(keepingCapacity: true)
            swap(&reports, &spareReports)
        }
        // Items woken while scanning are appended after `scanned`.
        let initialCount = ready.count
        var scanned = 0
        var levelTriggeredReports = 0
        while scanned < initialCount && reports.count < maximumEvents {
            let item = ready[scanned]
            scanned += 1
            item.isQueued = false
            guard item.isRegistered else { continue }
            let found = item.currentEvents
            if found.isEmpty { continue }
            reports.append(Report(item: item, event: EpollEvent(events: found, data: item.data), interest: item.interest))
            if item.interest.contains(.EPOLLONESHOT) {
                item.interest = item.interest.intersection(EpollItem.privateBits)
            } else if !item.interest.contains(.EPOLLET) {
                levelTriggeredReports += 1
            }
        }
        requeueLevelTriggered(reports, scanned: scanned, allLevelTriggered: levelTriggeredReports == scanned
                                  && scanned == initialCount && ready.count == initialCount)
        for index in reports.indices {
            do throws(Errno) {
                try deliver(reports[index].event, index)
            } catch {
                putBack(reports[index...])
                if index == 0 { throw error }
                return index
            }
        }
        return reports.count
    }

    /// Drops the `scanned` head of the ready list and puts the level-triggered reporters back at
    /// its tail, so that they are reported again while they stay ready and items take turns.
    /// When every item of the list reported level-triggered and nothing came meanwhile, that is
    /// the list as it was: it is left alone.
    func requeueLevelTriggered(_ reports: [Report], scanned: Int, allLevelTriggered: Bool) {
        if allLevelTriggered {
            for report in reports { report.item.isQueued = true }
            return
        }
        ready.removeFirst(scanned)
        for report in reports where !report.interest.contains(.EPOLLET) && !report.interest.contains(.EPOLLONESHOT)
            && !report.item.isQueued {
            report.item.isQueued = true
            ready.append(report.item)
        }
    }

    /// One event taken from the ready list, with the interest to restore if it is not delivered.
    struct Report {
        let item: EpollItem
        let event: EpollEvent
        let interest: EpollEvents
    }

    /// Undoes the harvest of `reports`: interests restored, items at the head of the list.
    func putBack(_ reports: ArraySlice<Report>) {
        var restored: [EpollItem] = []
        for report in reports {
            report.item.interest = report.interest
            if report.item.isQueued { ready.removeAll { $0 === report.item } }
            report.item.isQueued = true
            restored.append(report.item)
        }
        ready.insert(contentsOf: restored, at: 0)
    }
}

/// The registrations of an instance, sorted by (descriptor, description) for lookups by binary
/// search (the kernel has no Dictionary).
struct InterestList {
    private(set) var all: [EpollItem] = []

    static func key(_ file: OpenFile, _ descriptor: Int32) -> (Int32, UInt) {
        (descriptor, UInt(bitPattern: ObjectIdentifier(file)))
    }

    func position(of key: (Int32, UInt)) -> Int {
        var low = 0, high = all.count
        while low < high {
            let middle = (low + high) / 2
            if Self.key(all[middle].file, all[middle].descriptor) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func find(_ file: OpenFile, descriptor: Int32) -> EpollItem? {
        let index = position(of: Self.key(file, descriptor))
        guard index < all.count, all[index].file === file, all[index].descriptor == descriptor else { return nil }
        return all[index]
    }

    mutating func insert(_ item: EpollItem) {
        all.insert(item, at: position(of: Self.key(item.file, item.descriptor)))
    }

    /// Removes `item`; returns it so that it is released after the list is consistent.
    @discardableResult
    mutating func remove(_ item: EpollItem) -> EpollItem? {
        let index = position(of: Self.key(item.file, item.descriptor))
        guard index < all.count, all[index] === item else { return nil }
        return all.remove(at: index)
    }
}
