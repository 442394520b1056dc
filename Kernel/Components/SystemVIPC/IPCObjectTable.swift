// The ID table of one IPC kind (Linux's struct ipc_ids): slots up to the kind's maximum count
// (shmmni, semmni, msgmni), keys for the *get calls, and IDs built as sequence * 32768 + slot
// (ipc_buildid with IPCMNI 32768): each new object takes the next sequence number (wrapping at
// 65535), so an ID of a removed object names nothing (EINVAL) until the number comes round.
// The table lives inside its kind's lock; it holds objects, never user memory.

import LinuxABI

/// What every IPC object has: its ipc_perm, its slot once it is in a table, and the time of its
/// last change by a control command.
protocol IPCObject: AnyObject {
    var permission: IPCPermission { get set }
    var slot: Int { get set }
    var changeTime: Int64 { get set }
}

struct IPCObjectTable<Object: IPCObject> {
    static var slotsPerSequence: Int { 32768 }
    static var largestSequence: UInt16 { 65535 }

    let maximumCount: Int
    private(set) var slots: [Object?] = []
    private(set) var count = 0
    private var nextSequence: UInt16 = 0

    init(maximumCount: Int) { self.maximumCount = min(maximumCount, Self.slotsPerSequence) }

    /// The object of `id`; EINVAL for a negative, unused or stale ID.
    func object(_ id: Int32) throws(Errno) -> Object {
        guard id >= 0 else { throw .EINVAL }
        let slot = Int(id) % Self.slotsPerSequence
        guard slot < slots.count, let object = slots[slot],
              Int(object.permission.sequence) == Int(id) / Self.slotsPerSequence else { throw .EINVAL }
        return object
    }

    /// The object in slot `index` (the *_STAT commands take a slot, not an ID); EINVAL if empty.
    func object(atSlot index: Int32) throws(Errno) -> Object {
        guard index >= 0, Int(index) < slots.count, let object = slots[Int(index)] else { throw .EINVAL }
        return object
    }

    /// The object a non-private key names.
    func object(forKey key: Int32) -> Object? {
        guard key != IPCFlag.IPC_PRIVATE else { return nil }
        for case let object? in slots where object.permission.key == key { return object }
        return nil
    }

    /// IPC_SET and IPC_RMID: the object of `id` if the caller owns or created it, or is
    /// privileged (else EPERM).
    func ownedObject(_ id: Int32, by caller: IPCCaller) throws(Errno) -> Object {
        let object = try object(id)
        try IPCPermissions.requireOwnership(object.permission, by: caller)
        return object
    }

    /// IPC_SET's common part: the new owner, group and mode bits, and the change time.
    func setPermission(of id: Int32, to requested: IPCPermission, by caller: IPCCaller) throws(Errno) -> Object {
        let object = try ownedObject(id, by: caller)
        IPCPermissions.apply(requested, to: &object.permission)
        object.changeTime = IPCWaiting.nowSeconds
        return object
    }

    /// The object a *_STAT command reports and what the command returns: IPC_STAT names it by ID
    /// and returns 0; SHM_STAT, SEM_STAT and MSG_STAT name a slot and return the ID. Every one
    /// but the *_STAT_ANY commands needs read permission.
    func objectToReport(_ idOrSlot: Int32, _ command: IPCCommand, caller: IPCCaller) throws(Errno) -> (result: Int32, object: Object) {
        let isByID = command == .IPC_STAT
        let object = isByID ? try object(idOrSlot) : try object(atSlot: idOrSlot)
        switch command {
        case .SHM_STAT_ANY, .SEM_STAT_ANY, .MSG_STAT_ANY: break
        default: try IPCPermissions.check(object.permission, .read, by: caller)
        }
        return (isByID ? 0 : Self.id(of: object), object)
    }

    static func id(of object: Object) -> Int32 {
        Int32(object.permission.sequence) * Int32(slotsPerSequence) + Int32(object.slot)
    }

    /// The highest slot in use, or 0 with none (what IPC_INFO and the *_INFO commands return).
    var highestSlot: Int32 {
        guard let last = slots.lastIndex(where: { $0 != nil }) else { return 0 }
        return Int32(last)
    }

    /// Puts `object` in the lowest free slot with the next sequence number; returns its ID, or
    /// ENOSPC when the kind's limit is reached.
    mutating func insert(_ object: Object) throws(Errno) -> Int32 {
        guard count < maximumCount else { throw .ENOSPC }
        let slot = slots.firstIndex(where: { $0 == nil }) ?? slots.count
        object.slot = slot
        object.permission.sequence = nextSequence
        nextSequence = nextSequence == Self.largestSequence ? 0 : nextSequence + 1
        if slot == slots.count { slots.append(object) } else { slots[slot] = object }
        count += 1
        return Self.id(of: object)
    }

    mutating func remove(_ object: Object) {
        guard object.slot < slots.count, slots[object.slot] === object else { return }
        slots[object.slot] = nil
        count -= 1
        while let last = slots.last, last == nil { slots.removeLast() }
    }

    /// Every object, in slot order (/proc/sysvipc, exit-time walks).
    var objects: [Object] { slots.compactMap { $0 } }
}

/// What a *get call asks for.
struct IPCGetRequest {
    let key: Int32
    let flags: Int32

    var wantsCreation: Bool { flags & IPCFlag.IPC_CREAT != 0 }
    var wantsExclusive: Bool { flags & IPCFlag.IPC_EXCL != 0 }

    /// ipcget: a private key always makes a new object; a key in use is EEXIST with
    /// IPC_CREAT|IPC_EXCL, else the kind's own checks (`moreChecks`), then the permissions; a
    /// key not in use without IPC_CREAT is ENOENT. Returns the existing object, or nil to create.
    func existing<Object: IPCObject>(in table: IPCObjectTable<Object>, caller: IPCCaller,
                                     moreChecks: (Object) throws(Errno) -> Void) throws(Errno) -> Object? {
        guard key != IPCFlag.IPC_PRIVATE else { return nil }
        guard let object = table.object(forKey: key) else {
            if !wantsCreation { throw .ENOENT }
            return nil
        }
        if wantsCreation && wantsExclusive { throw .EEXIST }
        try moreChecks(object)
        try IPCPermissions.check(object.permission, getFlags: flags, by: caller)
        return object
    }
}
