// Shared memory segments (shmget(2), shmat(2), shmdt(2); Linux's ipc/shm.c). A segment's pages
// are a memory object made as MAP_SHARED anonymous memory makes its own, so an attachment is an
// ordinary shared mapping of it: the pages come on first touch, copy-on-write never applies,
// futexes in it are keyed by the object and offset (shared between processes), and a mapping
// keeps the pages alive by itself.
// Attachments are recorded per process: shmat adds one, fork copies the parent's (atime and lpid
// change as Linux's shm_open), shmdt, exec and exit drop them (dtime, lpid). A recorded
// attachment whose mapping the process has since unmapped or replaced no longer counts: the
// records are checked against the address spaces before shm_nattch is used. A segment marked
// for removal (IPC_RMID, SHM_DEST, its key now IPC_PRIVATE) goes when no attachment is left.
// Limits are Linux's defaults: shmmin 1, shmmax and shmall ULONG_MAX - 2^24 (bytes, pages),
// shmmni 4096 segments. Pages are frames like any user memory (the OOM killer's concern); the
// kernel heap a segment and its records take is checked first (ENOMEM).

import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory
import Process

final class SharedMemorySegment: IPCObject {
    var permission: IPCPermission
    var slot = 0
    let memory: MemoryObjectHandle<MapReadWrite>
    /// The size asked for (shm_segsz); mappings are whole pages.
    let size: UInt64
    var attachTime: Int64 = 0
    var detachTime: Int64 = 0
    var changeTime: Int64
    let creatorID: Int32
    var lastProcessID: Int32 = 0

    init(permission: IPCPermission, size: UInt64, creatorID: Int32) {
        self.permission = permission
        self.size = size
        self.creatorID = creatorID
        memory = makeSharedAnonymousMemory(size: SharedMemory.pageCount(size) * 4096)
        changeTime = IPCWaiting.nowSeconds
    }

    var mappedLength: UInt64 { SharedMemory.pageCount(size) * 4096 }
    var isMarkedForRemoval: Bool { permission.mode & IPCFlag.SHM_DEST != 0 }
}

struct SharedMemoryAttachment {
    let number: UInt64
    let processID: Int32
    let address: UInt64
    let segment: SharedMemorySegment
}

/// How shmat maps a segment (SHM_RDONLY, SHM_EXEC).
public struct SharedMemoryAccess: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let write = SharedMemoryAccess(rawValue: 1)
    public static let execute = SharedMemoryAccess(rawValue: 2)
}

/// Where shmat puts the segment.
public enum SharedMemoryPlacement: Sendable {
    case anywhere
    /// At this page-aligned address, which must be free (EINVAL otherwise).
    case fixed(UInt64)
    /// SHM_REMAP: at this address, replacing what is there.
    case replacing(UInt64)
}

public enum SharedMemory {
    static let minimumSegmentBytes: UInt64 = 1
    static let maximumSegmentBytes: UInt64 = UInt64.max - (1 << 24)
    static let maximumTotalPages: UInt64 = UInt64.max - (1 << 24)
    static let maximumSegments = 4096

    struct State {
        var table = IPCObjectTable<SharedMemorySegment>(maximumCount: SharedMemory.maximumSegments)
        var totalPages: UInt64 = 0
        var attachments: [SharedMemoryAttachment] = []
        var nextAttachmentNumber: UInt64 = 0
    }

    static let state = SpinLock(State())

    static func pageCount(_ size: UInt64) -> UInt64 { size / 4096 + (size % 4096 == 0 ? 0 : 1) }

    /// shmget(2).
    public static func get(key: Int32, size: UInt64, flags: Int32, caller: IPCCaller) throws(Errno) -> Int32 {
        try IPCMemory.requireHeadroom(bytes: 1024)
        pruneUnmappedAttachments()
        return try state.withLock { state throws(Errno) -> Int32 in
            let request = IPCGetRequest(key: key, flags: flags)
            if let existing = try request.existing(in: state.table, caller: caller, moreChecks: { (segment: SharedMemorySegment) throws(Errno) in
                if segment.size < size { throw .EINVAL }
            }) {
                return IPCObjectTable<SharedMemorySegment>.id(of: existing)
            }
            guard size >= minimumSegmentBytes, size <= maximumSegmentBytes else { throw .EINVAL }
            let pages = pageCount(size)
            guard state.totalPages <= maximumTotalPages, pages <= maximumTotalPages - state.totalPages else { throw .ENOSPC }
            guard state.table.count < state.table.maximumCount else { throw .ENOSPC }
            let segment = SharedMemorySegment(permission: IPCPermissions.newPermission(key: key, flags: flags, caller: caller),
                                              size: size, creatorID: caller.processID)
            let id = try state.table.insert(segment)
            state.totalPages += pages
            return id
        }
    }

    /// shmat(2): maps segment `id` into `space` and records the attachment; returns the address.
    public static func attach(_ id: Int32, placement: SharedMemoryPlacement, access: SharedMemoryAccess,
                              caller: IPCCaller, space: AddressSpace) throws(Errno) -> UInt64 {
        try IPCMemory.requireHeadroom(bytes: 256)
        let segment = try state.withLock { state throws(Errno) -> SharedMemorySegment in
            let segment = try state.table.object(id)
            let requested: UInt32 = (access.contains(.write) ? 6 : 4) | (access.contains(.execute) ? 1 : 0)
            try IPCPermissions.check(segment.permission, requestedBits: requested, by: caller)
            return segment
        }
        var permissions: PagePermissions = [.read]
        if access.contains(.write) { permissions.insert(.write) }
        if access.contains(.execute) { permissions.insert(.execute) }
        let mapped = access.contains(.write) ? MappedObject(readWrite: segment.memory) : MappedObject(readOnly: segment.memory.readOnly)
        let region = Region(permissions: permissions, maximumRights: access.contains(.write) ? [.read, .write, .execute] : [.read, .execute],
                            sharing: .shared, backing: .object(mapped, offset: 0))
        let address: UInt64
        switch placement {
        case .anywhere:
            address = try space.map(length: segment.mappedLength, placement: .anywhere(hint: 0), region: region)
        case .fixed(let start):
            do { address = try space.map(length: segment.mappedLength, placement: .fixedNoReplace(start), region: region) } catch {
                throw error == .EEXIST ? .EINVAL : error
            }
        case .replacing(let start):
            address = try space.map(length: segment.mappedLength, placement: .fixedReplacing(start), region: region)
        }
        state.withLock { state in
            // SHM_REMAP may have replaced an earlier attachment at this address.
            state.attachments.removeAll { $0.processID == caller.processID && $0.address == address }
            state.attachments.append(SharedMemoryAttachment(number: state.nextAttachmentNumber, processID: caller.processID,
                                                            address: address, segment: segment))
            state.nextAttachmentNumber &+= 1
            segment.attachTime = IPCWaiting.nowSeconds
            segment.lastProcessID = caller.processID
        }
        return address
    }

    /// shmdt(2): unmaps the attachment that starts at `address` (EINVAL if there is none).
    public static func detach(at address: UInt64, caller: IPCCaller, space: AddressSpace) throws(Errno) {
        guard address & 0xFFF == 0 else { throw .EINVAL }
        pruneUnmappedAttachments()
        let attachment = state.withLock { state in
            state.attachments.first { $0.processID == caller.processID && $0.address == address }
        }
        guard let attachment else { throw .EINVAL }
        try space.unmap(address: address, length: attachment.segment.mappedLength)
        state.withLock { state in
            state.attachments.removeAll { $0.number == attachment.number }
            attachment.segment.detachTime = IPCWaiting.nowSeconds
            attachment.segment.lastProcessID = caller.processID
            destroyUnused(in: &state)
        }
    }

    /// fork: the child's copy of the address space maps what the parent's did.
    public static func processForked(parent: Int32, child: Int32) {
        state.withLock { state in
            for attachment in state.attachments where attachment.processID == parent {
                state.attachments.append(SharedMemoryAttachment(number: state.nextAttachmentNumber, processID: child,
                                                                address: attachment.address, segment: attachment.segment))
                state.nextAttachmentNumber &+= 1
                attachment.segment.attachTime = IPCWaiting.nowSeconds
                attachment.segment.lastProcessID = parent
            }
        }
    }

    /// exec and exit: the process's address space is gone, and its attachments with it.
    public static func processLeftAddressSpace(_ processID: Int32) {
        state.withLock { state in
            for attachment in state.attachments where attachment.processID == processID {
                attachment.segment.detachTime = IPCWaiting.nowSeconds
                attachment.segment.lastProcessID = processID
            }
            state.attachments.removeAll { $0.processID == processID }
            destroyUnused(in: &state)
        }
    }

    /// Whether `attachment`'s process still maps the segment at the address it was attached at.
    static func isStillMapped(_ attachment: SharedMemoryAttachment) -> Bool {
        guard let process = ProcessTable.shared.process(attachment.processID) else { return false }
        guard case let .sharedObject(object, offset) = process.addressSpace.wordBacking(at: attachment.address) else { return false }
        return offset == 0 && object.refersToSameObject(as: attachment.segment.memory)
    }

    /// Forgets attachments whose mapping is gone (munmap, mmap over it), then removes the segments
    /// marked for removal that nothing attaches any more.
    static func pruneUnmappedAttachments() {
        let recorded = state.withLock { $0.attachments }
        let gone = recorded.filter { !isStillMapped($0) }.map { $0.number }
        guard !gone.isEmpty else { return }
        state.withLock { state in
            for attachment in state.attachments where gone.contains(attachment.number) {
                attachment.segment.detachTime = IPCWaiting.nowSeconds
            }
            state.attachments.removeAll { gone.contains($0.number) }
            destroyUnused(in: &state)
        }
    }

    static func attachCount(_ segment: SharedMemorySegment, in state: State) -> Int {
        state.attachments.reduce(0) { $0 + ($1.segment === segment ? 1 : 0) }
    }

    static func destroyUnused(in state: inout State) {
        for segment in state.table.objects where segment.isMarkedForRemoval && attachCount(segment, in: state) == 0 {
            destroy(segment, in: &state)
        }
    }

    static func destroy(_ segment: SharedMemorySegment, in state: inout State) {
        state.table.remove(segment)
        state.totalPages -= pageCount(segment.size)
    }
}
