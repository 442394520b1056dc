// File descriptor tables (open(2) "file descriptors", dup(2), fcntl(2) F_DUPFD/F_SETFD): slots
// of shared open file descriptions, each with its close-on-exec flag. New descriptors take the
// lowest free number at or above a minimum, within RLIMIT_NOFILE. Shared between threads (and
// CLONE_FILES children), copied by fork. Installing a descriptor first checks that the kernel
// heap has room above its reserve for it (and for the table's growth): every open file, pipe and
// socket passes here, so descriptors cannot exhaust the kernel — ENOMEM instead. Every slot counts
// as a reference to its description (OpenFile.descriptorOpened/descriptorClosed), so epoll
// registrations go with the last one. Dropping a slot also releases the table's POSIX record locks
// on the file's inode (FileLocks: the table is their owner, as Linux's files_struct).

import FileLocks
import FileSystem
import Framework
import LinuxABI

public final class FileTable {
    struct Slot {
        var file: OpenFile
        var closeOnExec: Bool
    }

    var slots: [Slot?] = []
    /// How many descriptors the table has room for, as Linux sizes its fd table (max_fds): 64 at
    /// first, then the next 128 × 2^k that covers a new descriptor; it never shrinks. select(2)
    /// looks at no descriptor at or above it (Linux clamps nfds to it).
    public private(set) var capacity = FileTable.initialCapacity

    static let initialCapacity = 64

    public init() {}

    deinit {
        for slot in slots { if let file = slot?.file { dropped(file) } }
    }

    /// A slot no longer refers to `file`: this table's POSIX locks on its inode go (fcntl(2):
    /// closing any descriptor of a file releases them all), and the description loses a reference.
    private func dropped(_ file: OpenFile) {
        FileLocks.descriptorClosed(file, fileTable: ObjectIdentifier(self))
        file.descriptorClosed()
    }

    /// Linux's alloc_fdtable: room for `descriptor`, in 128-slot units rounded up to a power of two.
    static func capacity(covering descriptor: Int) -> Int {
        guard descriptor >= initialCapacity else { return initialCapacity }
        var units = 1
        while units < descriptor / 128 + 1 { units <<= 1 }
        return units * 128
    }

    /// A copy for fork: the same open file descriptions, the same flags; sized, as Linux's
    /// dup_fd does, for the descriptors open now.
    public func copy() -> FileTable {
        let table = FileTable()
        table.slots = slots
        for slot in slots { slot?.file.descriptorOpened() }
        table.capacity = Self.capacity(covering: slots.count - 1)
        return table
    }

    private func grow(toCover descriptor: Int) {
        if descriptor >= capacity { capacity = Self.capacity(covering: descriptor) }
    }

    public func file(_ descriptor: Int32) throws(Errno) -> OpenFile {
        guard descriptor >= 0, Int(descriptor) < slots.count, let slot = slots[Int(descriptor)] else { throw .EBADF }
        return slot.file
    }

    public func isOpen(_ descriptor: Int32) -> Bool {
        guard descriptor >= 0, Int(descriptor) < slots.count else { return false }
        // A pattern without a binding looks at the slot in place (`!= nil` copied it out, a
        // retain and a release of its file per call).
        if case .some = slots[Int(descriptor)] { return true }
        return false
    }

    /// The poll events of the file at `descriptor`, nil if it is not open (select and poll ask
    /// this for every descriptor on every scan; an always-ready file answers without a call).
    public func pollEvents(_ descriptor: Int32) -> PollEvents? {
        guard descriptor >= 0, Int(descriptor) < slots.count else { return nil }
        switch slots[Int(descriptor)] {
        case .some(let slot): return slot.file.pollEvents()
        case .none: return nil
        }
    }

    /// Installs `file` at the lowest free descriptor >= `minimum` below `limit`.
    public func install(_ file: OpenFile, closeOnExec: Bool, minimum: Int32 = 0, limit: Int) throws(Errno) -> Int32 {
        guard minimum >= 0 else { throw .EINVAL }
        var index = Int(minimum)
        while index < slots.count && slots[index] != nil { index += 1 }
        guard index < limit else { throw minimum >= limit ? .EINVAL : .EMFILE }
        try requireRoom(forDescriptor: index)
        while slots.count <= index { slots.append(nil) }
        slots[index] = Slot(file: file, closeOnExec: closeOnExec)
        file.descriptorOpened()
        grow(toCover: index)
        return Int32(index)
    }

    /// Puts `file` at exactly `descriptor`, closing what was there (dup2/dup3).
    public func place(_ file: OpenFile, at descriptor: Int32, closeOnExec: Bool, limit: Int) throws(Errno) {
        guard descriptor >= 0, Int(descriptor) < limit else { throw .EBADF }
        try requireRoom(forDescriptor: Int(descriptor))
        while slots.count <= Int(descriptor) { slots.append(nil) }
        let replaced = slots[Int(descriptor)]?.file
        slots[Int(descriptor)] = Slot(file: file, closeOnExec: closeOnExec)
        file.descriptorOpened()
        if let replaced { dropped(replaced) }
        grow(toCover: Int(descriptor))
    }

    /// ENOMEM unless the heap can take one more open file and, if the table must grow to reach
    /// `descriptor`, its larger buffer (the array doubles).
    func requireRoom(forDescriptor descriptor: Int) throws(Errno) {
        var bytes = 1024
        if descriptor >= slots.capacity {
            bytes = max(bytes, max(descriptor + 1, slots.capacity * 2) * Swift.MemoryLayout<Slot?>.stride + 64)
        }
        do { try KernelMemory.requireHeadroom(forHeapBytes: bytes) } catch { throw .ENOMEM }
    }

    public func close(_ descriptor: Int32) throws(Errno) {
        guard descriptor >= 0, Int(descriptor) < slots.count, let closed = slots[Int(descriptor)]?.file else { throw .EBADF }
        slots[Int(descriptor)] = nil
        dropped(closed)
        while let last = slots.last, last == nil { slots.removeLast() }
    }

    public func closeOnExec(_ descriptor: Int32) throws(Errno) -> Bool {
        guard descriptor >= 0, Int(descriptor) < slots.count, let slot = slots[Int(descriptor)] else { throw .EBADF }
        return slot.closeOnExec
    }

    public func setCloseOnExec(_ descriptor: Int32, _ value: Bool) throws(Errno) {
        guard descriptor >= 0, Int(descriptor) < slots.count, slots[Int(descriptor)] != nil else { throw .EBADF }
        slots[Int(descriptor)]?.closeOnExec = value
    }

    /// execve: close every close-on-exec descriptor.
    public func closeOnExecDescriptors() {
        for index in slots.indices where slots[index]?.closeOnExec == true {
            let closed = slots[index]?.file
            slots[index] = nil
            if let closed { dropped(closed) }
        }
        while let last = slots.last, last == nil { slots.removeLast() }
    }

    public func closeAll() {
        let closed = slots
        slots.removeAll()
        for slot in closed { if let file = slot?.file { dropped(file) } }
    }

    public var openDescriptors: [Int32] {
        slots.indices.compactMap { slots[$0] == nil ? nil : Int32($0) }
    }

    public enum RangeAction: Sendable {
        case close
        case markCloseOnExec
    }

    /// close_range(2).
    public func closeRange(from first: Int32, to last: Int32, action: RangeAction) {
        guard first <= last else { return }
        var index = Int(max(first, 0))
        while index < slots.count && index <= Int(last) {
            switch action {
            case .markCloseOnExec: slots[index]?.closeOnExec = true
            case .close:
                let closed = slots[index]?.file
                slots[index] = nil
                if let closed { dropped(closed) }
            }
            index += 1
        }
        while let last = slots.last, last == nil { slots.removeLast() }
    }
}
