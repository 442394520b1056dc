// Checked access to user memory: the only way kernel code reads or writes user pages.
// User pointers are allegations: every range is first checked to lie inside user space
// (no wrap, below the ceiling); then the copy runs with SMAP opened only inside the assembly
// routines (Asm/usercopy.S), whose faults are recovered through the fixup table. A fault is
// handed to the kernel's resolver (demand paging, copy-on-write, stack growth) and the copy
// resumes where it stopped; if the resolver cannot make the page accessible, the call fails
// with `.fault`, which the kernel reports as EFAULT. Always acts on the active address space.

import FrameworkAsm

public enum UserMemoryError: Error, Sendable, Equatable {
    /// Some byte was not accessible (EFAULT).
    case fault
    /// A string had no NUL within the allowed length (ENAMETOOLONG / E2BIG, caller's choice).
    case tooLong
}

public enum MemoryAccess: Sendable {
    case read, write, execute
}

/// Makes a user page accessible after a fault, if the address space allows it (implemented by
/// the kernel's memory manager and injected at boot).
public protocol UserFaultResolver: AnyObject, Sendable {
    func resolveFault(at address: UInt64, access: MemoryAccess) -> Bool
}

public enum UserMemory {
    // SAFETY: set once by the kernel during boot, before any user program runs.
    nonisolated(unsafe) static var resolverStorage: (any UserFaultResolver)? = nil
    static var resolver: (any UserFaultResolver)? { _read { yield unsafe resolverStorage } }

    /// - Controlled: fault-resolver
    public static func setFaultResolver(_ resolver: any UserFaultResolver) {
        // SAFETY: called once by the kernel at boot, before user programs run.
        unsafe resolverStorage = resolver
    }

    /// Runs a user-copy routine until done, resolving faults; `copy(done)` returns the number of
    /// bytes it did NOT process, starting from byte `done`.
    static func transfer(count: Int, access: MemoryAccess, _ copy: (Int) -> Int) throws(UserMemoryError) {
        var done = 0
        var lastFault: UInt64 = UInt64.max
        while done < count {
            let remaining = copy(done)
            let progressed = (count - done) - remaining
            done += progressed
            if remaining == 0 { return }
            let fault = PerCPU.userCopyFaultAddress
            if fault == lastFault && progressed == 0 { throw .fault }
            lastFault = fault
            guard let resolver, resolver.resolveFault(at: fault & ~0xFFF, access: access) else { throw .fault }
        }
    }

    static func checkRange(_ address: UInt64, _ count: Int) throws(UserMemoryError) {
        guard count >= 0, MemoryLayout.isUserRange(address, length: UInt64(count)) || count == 0 else { throw .fault }
    }

    /// Copies `count` bytes from user `address` to kernel memory at `destination`; the error, if any.
    /// The first attempt is inline (every page present: the common case); a fault goes to the
    /// resolving loop, which goes on from where the copy stopped.
    @inline(__always)
    static func copyFromUser(_ address: UInt64, to destination: UnsafeMutableRawPointer, count: Int) -> UserMemoryError? {
        // SAFETY: callers pass a destination with at least `count` writable bytes and a user
        // range already checked by checkRange.
        let remaining = unsafe user_copy_bytes(destination, UnsafeRawPointer(bitPattern: UInt(address))!, UInt64(count))
        if remaining == 0 { return nil }
        return unsafe copyFromUserResolvingFaults(address, to: destination, count: count)
    }

    @inline(never)
    static func copyFromUserResolvingFaults(_ address: UInt64, to destination: UnsafeMutableRawPointer, count: Int) -> UserMemoryError? {
        do throws(UserMemoryError) {
            // SAFETY: as for copyFromUser.
            try transfer(count: count, access: .read) { done in
                Int(unsafe user_copy_bytes(destination + done, UnsafeRawPointer(bitPattern: UInt(address) + UInt(done))!,
                                           UInt64(count - done)))
            }
            return nil
        } catch {
            return error
        }
    }

    /// Copies `count` bytes from kernel memory at `source` to user `address`; the error, if any.
    /// Inline first attempt, as copyFromUser.
    @inline(__always)
    static func copyToUser(_ address: UInt64, from source: UnsafeRawPointer, count: Int) -> UserMemoryError? {
        // SAFETY: callers pass a source with at least `count` readable bytes and a user range
        // already checked by checkRange.
        let remaining = unsafe user_copy_bytes(UnsafeMutableRawPointer(bitPattern: UInt(address))!, source, UInt64(count))
        if remaining == 0 { return nil }
        return unsafe copyToUserResolvingFaults(address, from: source, count: count)
    }

    @inline(never)
    static func copyToUserResolvingFaults(_ address: UInt64, from source: UnsafeRawPointer, count: Int) -> UserMemoryError? {
        do throws(UserMemoryError) {
            // SAFETY: as for copyToUser.
            try transfer(count: count, access: .write) { done in
                Int(unsafe user_copy_bytes(UnsafeMutableRawPointer(bitPattern: UInt(address) + UInt(done))!,
                                           source + done, UInt64(count - done)))
            }
            return nil
        } catch {
            return error
        }
    }

    /// Copies `destination.count` bytes from user address `address`.
    public static func copyIn(from address: UInt64, into destination: inout [UInt8]) throws(UserMemoryError) {
        let count = destination.count
        try checkRange(address, count)
        if count == 0 { return }
        // SAFETY: the buffer has `count` bytes; its pointer is used only inside the closure.
        let failure = unsafe destination.withUnsafeMutableBytes { buffer in unsafe copyFromUser(address, to: buffer.baseAddress!, count: count) }
        if let failure { throw failure }
    }

    /// Reads `count` bytes from user memory into `destination`'s words (little-endian), for a
    /// fixed-size struct image kept in an InlineArray. Inlined: with the size known, its checks
    /// fold into the caller's.
    @inline(__always)
    public static func copyIn(from address: UInt64, words destination: inout MutableSpan<UInt64>, count: Int) throws(UserMemoryError) {
        guard count >= 0, count <= destination.count &* 8 else { throw .fault }
        try checkRange(address, count)
        if count == 0 { return }
        // SAFETY: the span has at least `count` bytes (checked above); its pointer is used only
        // inside the closure.
        let failure = unsafe destination.withUnsafeMutableBufferPointer { buffer in
            unsafe copyFromUser(address, to: UnsafeMutableRawPointer(buffer.baseAddress!), count: count)
        }
        if let failure { throw failure }
    }

    /// Reads `count` bytes from user memory.
    public static func read(from address: UInt64, count: Int) throws(UserMemoryError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try copyIn(from: address, into: &bytes)
        return bytes
    }

    /// Writes `bytes` to user address `address`.
    public static func copyOut(to address: UInt64, from bytes: Span<UInt8>) throws(UserMemoryError) {
        let count = bytes.count
        try checkRange(address, count)
        if count == 0 { return }
        // SAFETY: the buffer has `count` bytes; its pointer is used only inside the closure.
        let failure = unsafe bytes.withUnsafeBufferPointer { buffer in
            unsafe copyToUser(address, from: UnsafeRawPointer(buffer.baseAddress!), count: count)
        }
        if let failure { throw failure }
    }

    /// Writes the first `count` bytes of `words` (little-endian 64-bit words, for example a
    /// struct image kept in an InlineArray) to user address `address`.
    public static func copyOut(to address: UInt64, words: Span<UInt64>, count: Int) throws(UserMemoryError) {
        guard count >= 0, count <= words.count &* 8 else { throw .fault }
        try checkRange(address, count)
        if count == 0 { return }
        // SAFETY: the span has at least `count` bytes (checked above); x86-64 is little-endian;
        // the pointer is used only inside the closure.
        let failure = unsafe words.withUnsafeBufferPointer { buffer in
            unsafe copyToUser(address, from: UnsafeRawPointer(buffer.baseAddress!), count: count)
        }
        if let failure { throw failure }
    }

    public static func write(_ bytes: [UInt8], to address: UInt64) throws(UserMemoryError) {
        try copyOut(to: address, from: bytes.span)
    }

    /// Writes the first `count` bytes of `words` (little-endian 64-bit words, as LinuxABI's
    /// ByteWriter builds struct images) to user address `address`.
    public static func write(words: [UInt64], count: Int, to address: UInt64) throws(UserMemoryError) {
        try copyOut(to: address, words: words.span, count: count)
    }

    /// Reads `count` bytes from user memory as little-endian 64-bit words (the last one zero-padded),
    /// the form LinuxABI's ByteReader decodes from.
    public static func readWords(from address: UInt64, count: Int) throws(UserMemoryError) -> [UInt64] {
        try checkRange(address, count)
        var words = [UInt64](repeating: 0, count: (count + 7) / 8)
        var span = words.mutableSpan
        try copyIn(from: address, words: &span, count: count)
        return words
    }

    /// Copies `count` bytes of `frame` (from `offset`) to user memory.
    public static func copyOut(to address: UInt64, from frame: UntypedFrame, offset: Int, count: Int) throws(UserMemoryError) {
        frame.checkRange(offset, count)
        try checkRange(address, count)
        // SAFETY: the frame range was checked; the direct map covers the whole frame.
        if let failure = unsafe copyToUser(address, from: PhysicalWindow.rawPointer(to: frame.physical) + offset, count: count) { throw failure }
    }

    /// Copies `count` bytes from user memory into `frame` at `offset`.
    public static func copyIn(from address: UInt64, to frame: UntypedFrame, offset: Int, count: Int) throws(UserMemoryError) {
        frame.checkRange(offset, count)
        try checkRange(address, count)
        // SAFETY: as for copyOut(to:from:offset:count:).
        if let failure = unsafe copyFromUser(address, to: PhysicalWindow.rawPointer(to: frame.physical) + offset, count: count) { throw failure }
    }

    /// Writes `count` zero bytes at `address`.
    public static func zero(at address: UInt64, count: Int) throws(UserMemoryError) {
        try checkRange(address, count)
        // SAFETY: the user range was checked.
        try transfer(count: count, access: .write) { done in
            Int(unsafe user_fill_bytes(UnsafeMutableRawPointer(bitPattern: UInt(address) + UInt(done))!, 0, UInt64(count - done)))
        }
    }

    /// Reads a NUL-terminated string of at most `maximumLength` bytes (NUL excluded).
    public static func readCString(at address: UInt64, maximumLength: Int) throws(UserMemoryError) -> [UInt8] {
        // Most strings (paths, names) end within the first chunk: they are copied straight into
        // the result, with no bounce buffer and no scan for the NUL.
        guard address >= MemoryLayout.userFloor, address < MemoryLayout.userCeiling else { throw .fault }
        let firstWant = min(Int(4096 - (address & 0xFFF)), 256, maximumLength + 1)
        var faulted = false
        var ended = false
        // SAFETY: the closure writes at most `firstWant` bytes (the capacity) into the new array's
        // buffer and reports how many of them it initialised.
        var result = unsafe [UInt8](unsafeUninitializedCapacity: firstWant) { buffer, initialized in
            initialized = 0
            guard let copied = unsafe copyStringChunk(to: buffer.baseAddress!, from: address, count: firstWant) else {
                faulted = true
                return
            }
            ended = unsafe copied > 0 && buffer[copied - 1] == 0
            initialized = ended ? copied - 1 : copied
        }
        if faulted { throw .fault }
        guard result.count <= maximumLength else { throw .tooLong }
        if ended { return result }
        // A longer string: the rest chunk by chunk.
        var cursor = address + UInt64(result.count)
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            guard cursor >= MemoryLayout.userFloor, cursor < MemoryLayout.userCeiling else { throw .fault }
            let pageLeft = Int(4096 - (cursor & 0xFFF))
            let want = min(pageLeft, chunk.count, maximumLength + 1 - result.count)
            var copied: Int?
            // SAFETY: at most `want` (<= 256) bytes into the 256-byte chunk, used only inside the closure.
            unsafe chunk.withUnsafeMutableBytes { buffer in
                copied = unsafe copyStringChunk(to: buffer.baseAddress!, from: cursor, count: want)
            }
            guard let copied else { throw .fault }
            if copied > 0 && chunk[copied - 1] == 0 {
                result.append(contentsOf: chunk[0..<(copied - 1)])
                guard result.count <= maximumLength else { throw .tooLong }
                return result
            }
            result.append(contentsOf: chunk[0..<copied])
            if result.count > maximumLength { throw .tooLong }
            cursor += UInt64(copied)
        }
    }

    /// Copies up to `count` bytes of a string at user address `source` (below the ceiling, all in
    /// one page) to `destination`, stopping after a NUL; resolves faults as the other copies do.
    /// The number of bytes copied (the NUL included, if one was met), nil if the page is not
    /// readable.
    private static func copyStringChunk(to destination: UnsafeMutableRawPointer, from source: UInt64, count: Int) -> Int? {
        while true {
            // SAFETY: the caller gives a destination of at least `count` bytes and a user source
            // below the ceiling whose `count` bytes lie in one page; faults are fixed up.
            let status = unsafe user_copy_string(destination, UnsafeRawPointer(bitPattern: UInt(source))!, UInt64(count))
            if status != UInt64.max { return Int(status) }
            guard let resolver, resolver.resolveFault(at: source & ~0xFFF, access: .read) else { return nil }
        }
    }

    public static func readUInt64(at address: UInt64) throws(UserMemoryError) -> UInt64 {
        let bytes = try read(from: address, count: 8)
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[index]) << UInt64(8 * index) }
        return value
    }

    public static func writeUInt64(_ value: UInt64, at address: UInt64) throws(UserMemoryError) {
        var bytes = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: value >> UInt64(8 * index)) }
        try write(bytes, to: address)
    }

    public static func readUInt32(at address: UInt64) throws(UserMemoryError) -> UInt32 {
        let bytes = try read(from: address, count: 4)
        return UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    }

    public static func writeUInt32(_ value: UInt32, at address: UInt64) throws(UserMemoryError) {
        try write([UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                   UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24)], to: address)
    }
}
