// epoll_ctl(2): the interest list of an epoll instance, with Linux's rules (do_epoll_ctl):
// - A registration is keyed by (open file description, descriptor): a dup of a registered
//   descriptor may be added on its own; adding the same pair again is EEXIST; MOD and DEL of a
//   pair that is not registered are ENOENT.
// - Only files that can be waited for can be registered: a file that is always ready (a regular
//   file, a directory, /dev/null: no readiness queue) is EPERM. The epoll descriptor must be an
//   epoll instance and may not be added to itself: EINVAL.
// - EPOLLERR and EPOLLHUP are always part of the interest. EPOLLWAKEUP is dropped (Apus holds no
//   wake lock, as Linux does for a caller without CAP_BLOCK_SUSPEND). EPOLLEXCLUSIVE is for ADD
//   only, with no other flags than EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLWAKEUP and EPOLLET,
//   and not on an epoll descriptor; a registration made with it cannot be modified (EINVAL).
// - Nesting: adding an epoll instance is ELOOP if it contains (at any depth) the instance it is
//   added to, or if the chain of nested instances would then be more than five deep
//   (EP_MAX_NESTS + 1, counting both ends; Linux 6.x counts the instances above as well).
// - Registrations count against the owner's max_user_watches (ENOSPC past it): Linux's default,
//   4% of memory at about 200 bytes a registration.
// - A registration lives with the description: it is removed when the last descriptor referring
//   to the description is closed (OpenFileReferences.swift), so a dup keeps it alive (and events
//   are still reported under the old descriptor number); closing the epoll descriptor removes all.

import FileSystem
import Framework
import LinuxABI
import Scheduling

/// One (description, descriptor) registration.
final class EpollItem: WaitQueueWatcher, OpenFileCloseObserver {
    /// Flags that are not events (EP_PRIVATE_BITS): what a disarmed EPOLLONESHOT item keeps.
    static let privateBits: EpollEvents = [.EPOLLWAKEUP, .EPOLLONESHOT, .EPOLLET, .EPOLLEXCLUSIVE]

    let instance: EpollInstance
    let file: OpenFile
    let descriptor: Int32
    /// The queue this registration watches (the file's readiness queue when it was added).
    let queue: WaitQueue
    let watchMode: WatchMode
    /// The requested events plus EPOLLERR|EPOLLHUP, with the flags (EPOLLET, EPOLLONESHOT...).
    var interest: EpollEvents
    var data: UInt64
    var isQueued = false
    var isRegistered = true

    init(instance: EpollInstance, file: OpenFile, descriptor: Int32, queue: WaitQueue, interest: EpollEvents, data: UInt64) {
        self.instance = instance
        self.file = file
        self.descriptor = descriptor
        self.queue = queue
        self.watchMode = interest.contains(.EPOLLEXCLUSIVE) ? .exclusive : .everyWakeUp
        self.interest = interest
        self.data = data
    }

    /// Whether an event can be reported (a fired EPOLLONESHOT registration is not, until MOD).
    var isArmed: Bool { !interest.subtracting(Self.privateBits).isEmpty }

    /// What the file reports now, masked with the interest.
    var currentEvents: EpollEvents {
        EpollEvents(pollEvents: file.pollEvents()).intersection(interest.subtracting(Self.privateBits))
    }

    func queueWoken() -> Bool { instance.itemWoken(self) }

    func lastDescriptorClosed(_ file: OpenFile) { instance.remove(self) }
}

extension EpollEvents {
    /// The poll bits, widened to epoll's 32.
    init(pollEvents: PollEvents) {
        self.init(rawValue: UInt32(UInt16(bitPattern: pollEvents.rawValue)))
    }
}

/// epoll_ctl's operations on an instance.
public enum EpollControl: Sendable {
    case add(EpollEvent)
    case modify(EpollEvent)
    case delete
}

extension EpollInstance {
    /// Instances nested deeper than this (counting both ends) are ELOOP (EP_MAX_NESTS + 1).
    static let maximumNesting = 5
    /// Flags EPOLLEXCLUSIVE may come with (EPOLLEXCLUSIVE_OK_BITS).
    static let exclusiveCompatible: EpollEvents = [.EPOLLIN, .EPOLLOUT, .EPOLLERR, .EPOLLHUP, .EPOLLWAKEUP, .EPOLLET,
                                                   .EPOLLEXCLUSIVE]

    /// The instance behind an epoll descriptor, EINVAL for any other file.
    public static func of(_ file: OpenFile) throws(Errno) -> EpollInstance {
        guard let instance = AnonymousFiles.kind(of: file) as? EpollInstance else { throw .EINVAL }
        return instance
    }

    /// epoll_ctl(2) on `epollFile` for `target`, open as `descriptor`. The caller has copied in
    /// the event and looked up both descriptors (EFAULT, EBADF).
    public static func control(_ epollFile: OpenFile, _ operation: EpollControl, target: OpenFile, descriptor: Int32) throws(Errno) {
        guard let queue = target.readinessQueue else { throw .EPERM }
        guard epollFile !== target, let instance = AnonymousFiles.kind(of: epollFile) as? EpollInstance else { throw .EINVAL }
        let nested = AnonymousFiles.kind(of: target) as? EpollInstance
        switch operation {
        case .add(let event), .modify(let event):
            if event.events.contains(.EPOLLEXCLUSIVE) {
                guard case .add = operation, nested == nil,
                      event.events.subtracting(exclusiveCompatible).isEmpty else { throw .EINVAL }
            }
        case .delete: break
        }
        if case .add = operation, let nested { try instance.checkNesting(adding: nested) }
        let existing = instance.items.find(target, descriptor: descriptor)
        switch operation {
        case .add(let event):
            guard existing == nil else { throw .EEXIST }
            try instance.insert(target, descriptor: descriptor, queue: queue, event: event)
        case .modify(let event):
            guard let existing else { throw .ENOENT }
            guard existing.watchMode == .everyWakeUp else { throw .EINVAL }
            instance.modify(existing, event: event)
        case .delete:
            guard let existing else { throw .ENOENT }
            instance.remove(existing)
        }
    }

    /// The interest a request asks for: EPOLLERR and EPOLLHUP always, EPOLLWAKEUP never.
    static func interest(_ requested: EpollEvents) -> EpollEvents {
        requested.union([.EPOLLERR, .EPOLLHUP]).subtracting(.EPOLLWAKEUP)
    }

    func insert(_ file: OpenFile, descriptor: Int32, queue: WaitQueue, event: EpollEvent) throws(Errno) {
        guard EpollWatches.charge(owner) else { throw .ENOSPC }
        let item = EpollItem(instance: self, file: file, descriptor: descriptor, queue: queue,
                             interest: Self.interest(event.events), data: event.data)
        items.insert(item)
        queue.addWatcher(item, mode: item.watchMode)
        file.addCloseObserver(item)
        queueIfReporting(item)
    }

    func modify(_ item: EpollItem, event: EpollEvent) {
        item.interest = Self.interest(event.events)
        item.data = event.data
        queueIfReporting(item)
    }

    /// ep_insert/ep_modify: an item that has something to report now goes on the ready list.
    func queueIfReporting(_ item: EpollItem) {
        guard !item.currentEvents.isEmpty, !item.isQueued else { return }
        item.isQueued = true
        ready.append(item)
        sleepers.wakeAll()
        pollers.wakeAll()
    }

    /// EPOLL_CTL_DEL, or the item's description lost its last descriptor.
    func remove(_ item: EpollItem) {
        guard item.isRegistered else { return }
        let removed = items.remove(item)
        detach(item)
        _ = removed
    }

    /// Unhooks an item from its file and queue (the ready list drops it lazily).
    func detach(_ item: EpollItem) {
        guard item.isRegistered else { return }
        item.isRegistered = false
        item.queue.removeWatcher(item)
        item.file.removeCloseObserver(item)
        EpollWatches.release(owner)
    }

    /// ELOOP if `nested` contains this instance, or if the chain would be too deep.
    func checkNesting(adding nested: EpollInstance) throws(Errno) {
        guard let below = nested.levelsBelow(avoiding: self, depth: 1) else { throw .ELOOP }
        if below + levelsAbove(depth: 1) > Self.maximumNesting { throw .ELOOP }
    }

    /// The instances in the longest chain from this one down (itself included); nil if the
    /// chain reaches `avoided` (a loop) or runs past any limit that matters.
    func levelsBelow(avoiding avoided: EpollInstance, depth: Int) -> Int? {
        if self === avoided { return nil }
        if depth > Self.maximumNesting + 1 { return depth }
        var deepest = 1
        for item in items.all where item.isRegistered {
            guard let child = AnonymousFiles.kind(of: item.file) as? EpollInstance else { continue }
            guard let levels = child.levelsBelow(avoiding: avoided, depth: depth + 1) else { return nil }
            deepest = max(deepest, levels + 1)
        }
        return deepest
    }

    /// The instances in the longest chain from this one up (itself included): the instances
    /// watching this one's descriptor, and theirs.
    func levelsAbove(depth: Int) -> Int {
        if depth > Self.maximumNesting + 1 { return depth }
        var highest = 1
        for watcher in pollers.watchers {
            guard let item = watcher as? EpollItem else { continue }
            highest = max(highest, item.instance.levelsAbove(depth: depth + 1) + 1)
        }
        return highest
    }
}

/// max_user_watches: registrations per user (Linux: 4% of low memory, EP_ITEM_COST bytes each).
enum EpollWatches {
    static let counts = UserCounts()
    static let bytesPerWatch = 200

    static var limit: Int { PhysicalMemory.totalFrameCount * 4096 / 25 / bytesPerWatch }

    /// Counts one more registration for `user`; false past the limit.
    static func charge(_ user: UInt32) -> Bool { counts.add(1, for: user, limit: limit) }

    static func release(_ user: UInt32) { counts.add(-1, for: user) }
}
