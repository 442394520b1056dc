// Memory: a process's address space — the regions (VMAs, in a RegionMap) and the page tables
// (Framework's UserAddressSpace) kept consistent with them. Demand paging: pages are mapped on
// first touch (zero-filled for anonymous memory, the memory object's frame for files, copy-on-
// write for private mappings of files and after fork); the stack region grows down on faults
// below it up to the stack limit; brk moves the heap's end. Follows mmap(2), munmap(2),
// mprotect(2), madvise(2), brk(2) and Linux's x86-64 layout (mmap base below the stack gap,
// top-down placement). Region counts follow vm.max_map_count (RegionLimits.swift).
//
// Copy-on-write invariant: a page shared with a file or another process is never writable in a
// private mapping, whatever the order of faults, mprotect and fork; a write to it always gives
// the writer a page of its own first. Framework's page tables enforce it (UserAddressSpace.swift:
// a leaf that does not own its frame carries the copy-on-write marker for life, and the CPU's
// writable bit is only ever granted to owned leaves); this file keeps to it by choosing the
// mapping call from the region: a private region maps a file's page with `mapCopyOnWrite` on a
// read fault and `mapPrivateCopy` on a write fault, never `mapShared`; fork duplicates private
// regions `.copyOnWrite`. Tested by the cow ktests (every order of read fault, mprotect, fork and
// write) and Tests/User/cow/.

import Capabilities
import FileSystem
import Framework
import LinuxABI
import RegionMap

public enum FaultOutcome: Sendable, Equatable {
    case resolved
    /// SIGSEGV with SEGV_MAPERR (nothing mapped) or SEGV_ACCERR (not allowed).
    case segmentationFault(isAccessError: Bool)
    /// SIGBUS: the page lies beyond the end of its file.
    case busError
    case outOfMemory
}

public final class AddressSpace {
    public let pageTables: UserAddressSpace
    var regions: RegionMap<Region>
    public internal(set) var breakStart: UInt64 = 0
    public internal(set) var programBreak: UInt64 = 0
    /// Top of the initial stack and the lowest address it may grow to.
    public var stackTop: UInt64 = 0
    public var stackLimitBytes: UInt64 = 8 << 20
    public let mmapBase: UInt64

    public static let userFloor: UInt64 = 0x10000        // like vm.mmap_min_addr
    public static let ceiling: UInt64 = MemoryLayout.userCeiling
    public static let defaultStackTop: UInt64 = MemoryLayout.userCeiling - 0x1000_0000
    static let stackGap: UInt64 = 128 << 20 + (8 << 20)

    /// An empty address space whose mmap area ends at `mmapBase` (AddressSpaceLayout.swift).
    public init(mmapBase: UInt64 = AddressSpaceLayout.fixed.mmapBase) throws(Errno) {
        do { pageTables = try UserAddressSpace() } catch { throw .ENOMEM }
        do { regions = try RegionMap(bounds: MemoryLayout.userFloor..<MemoryLayout.userCeiling) } catch { throw .ENOMEM }
        self.mmapBase = mmapBase
    }

    public var mappedBytes: UInt64 { regions.mappedBytes }

    /// An address space with nothing mapped, for processes that have exited (their memory is
    /// released; nothing runs in them again).
    static let emptyCell = SpinLock<AddressSpace?>(nil)

    /// Created on first use; the kernel touches it at boot so that first use cannot fail later.
    public static var empty: AddressSpace {
        if let existing = emptyCell.withLock({ $0 }) { return existing }
        do throws(Errno) {
            let made = try AddressSpace()
            emptyCell.withLock { $0 = made }
            return made
        } catch {
            fatalError("boot: no memory for the empty address space")
        }
    }

    // MARK: faults

    /// Resolves a fault at `address` for `access`, or says which signal it deserves.
    public func handleFault(at address: UInt64, access: MemoryAccess) -> FaultOutcome {
        let page = address & ~0xFFF
        guard var found = regions.lookup(page) ?? growStack(toward: page) else {
            return .segmentationFault(isAccessError: false)
        }
        let region = found.payload
        switch access {
        case .read: if region.permissions.isEmpty { return .segmentationFault(isAccessError: true) }
        case .write: if !region.permissions.contains(.write) { return .segmentationFault(isAccessError: true) }
        case .execute: if !region.permissions.contains(.execute) { return .segmentationFault(isAccessError: true) }
        }
        if let existing = pageTables.status(at: page) {
            if access == .write && existing.isCopyOnWrite {
                do { return try pageTables.resolveCopyOnWrite(at: page) ? .resolved : .segmentationFault(isAccessError: true) } catch { return .outOfMemory }
            }
            // Present and allowed: another thread (or the copy routine) raced us; just retry.
            Log.trace("fault at 0x\(String(address, radix: 16)) access \(access == .write ? "write" : "read") on a present page: permissions \(existing.permissions.rawValue) cow \(existing.isCopyOnWrite)")
            return .resolved
        }
        found = MappedRegion(range: found.range, payload: region)
        return populate(page: page, in: found, access: access)
    }

    func populate(page: UInt64, in found: MappedRegion<Region>, access: MemoryAccess) -> FaultOutcome {
        let region = found.payload
        do throws(MemoryError) {
            switch region.backing {
            case .anonymous:
                try pageTables.mapZeroedPage(at: page, permissions: region.permissions)
            case let .object(mapped, offset):
                let object = mapped.readable
                let objectOffset = offset + (page - found.range.lowerBound)
                let index = Int(objectOffset / 4096)
                if region.sharing == .shared {
                    guard objectOffset < (object.size + 4095) & ~4095 else { return .busError }
                    let frame: UntypedFrame
                    if region.permissions.contains(.write) {
                        // Writable sharing needs the write right on the object itself.
                        guard let writable = mapped.writable else { return .segmentationFault(isAccessError: true) }
                        do { frame = try writable.pageForWriting(index) } catch { return .outOfMemory }
                    } else {
                        do { frame = try object.pageForSharing(index) } catch { return .outOfMemory }
                    }
                    try pageTables.mapShared(frame, at: page, permissions: region.permissions)
                } else if let frame = object.page(index) {
                    guard objectOffset < (object.size + 4095) & ~4095 else { return .busError }
                    if access == .write {
                        try pageTables.mapPrivateCopy(of: frame, at: page, permissions: region.permissions)
                    } else {
                        try pageTables.mapCopyOnWrite(frame, at: page, permissions: region.permissions)
                    }
                } else {
                    guard objectOffset < (object.size + 4095) & ~4095 else { return .busError }
                    try pageTables.mapZeroedPage(at: page, permissions: region.permissions)
                }
                if access != .write { mapAround(page, in: found, object: mapped, offset: offset) }
            }
        } catch {
            return .outOfMemory
        }
        return .resolved
    }

    /// Extends the stack region down to `page` if it is within the stack limit.
    func growStack(toward page: UInt64) -> MappedRegion<Region>? {
        guard let above = regions.firstRegion(endingAbove: page), above.payload.growsDown,
              page < above.range.lowerBound, stackTop > 0, page >= stackTop &- stackLimitBytes else { return nil }
        guard regions.isFree(page..<above.range.lowerBound) else { return nil }
        do { try regions.insert(page..<above.range.lowerBound, above.payload) } catch { return nil }
        return regions.lookup(page)
    }

    // MARK: mapping

    public enum Placement: Sendable {
        /// Anywhere; `hint` is tried first.
        case anywhere(hint: UInt64)
        /// Exactly here, replacing what was there (MAP_FIXED).
        case fixedReplacing(UInt64)
        /// Exactly here, failing with EEXIST if anything is there (MAP_FIXED_NOREPLACE).
        case fixedNoReplace(UInt64)
    }

    /// Creates a region of `length` bytes (page-rounded) and returns its address.
    public func map(length: UInt64, placement: Placement, region: Region) throws(Errno) -> UInt64 {
        guard length > 0 else { throw .EINVAL }
        let (rounded, overflow) = length.addingReportingOverflow(4095)
        guard !overflow else { throw .ENOMEM }
        let size = rounded & ~0xFFF
        let start: UInt64
        switch placement {
        case .anywhere(let hint):
            let window = Self.userFloor..<mmapBase
            let found: UInt64?
            do { found = try regions.findFree(length: size, hint: hint == 0 ? nil : hint & ~0xFFF, within: window) } catch { throw .ENOMEM }
            guard let found else { throw .ENOMEM }
            start = found
        case .fixedReplacing(let address), .fixedNoReplace(let address):
            guard address & 0xFFF == 0 else { throw .EINVAL }
            guard address >= Self.userFloor, address <= Self.ceiling, size <= Self.ceiling - address else { throw .ENOMEM }
            start = address
        }
        let range = start..<(start + size)
        try requireRoomForNewRegion()
        if case .fixedNoReplace = placement {
            guard regions.isFree(range) else { throw .EEXIST }
            do { try regions.insert(range, region) } catch { throw .ENOMEM }
        } else {
            if regions.indices(overlapping: range).count > Self.regionsPerEdit { try unmap(address: start, length: size) }
            do { try regions.replace(range, region) } catch { throw .ENOMEM }
            pageTables.unmap(from: range.lowerBound, to: range.upperBound)
        }
        return start
    }

    /// Maps every page of [start, end) now (MAP_POPULATE, exec's writable segments).
    public func populate(from start: UInt64, to end: UInt64, access: MemoryAccess) throws(Errno) {
        var page = start & ~0xFFF
        while page < end {
            if pageTables.status(at: page) == nil, let found = regions.lookup(page) {
                if populate(page: page, in: found, access: access) == .outOfMemory { throw .ENOMEM }
            }
            page += 4096
        }
    }

    public func unmap(address: UInt64, length: UInt64) throws(Errno) {
        guard address & 0xFFF == 0, length > 0 else { throw .EINVAL }
        let (rounded, overflow) = length.addingReportingOverflow(4095)
        guard !overflow, address <= Self.ceiling, rounded & ~0xFFF <= Self.ceiling - address else { throw .EINVAL }
        let end = address + (rounded & ~0xFFF)
        let low = max(address, MemoryLayout.userFloor)
        guard low < end else { return }
        try editInPieces(low..<end, edit: { (piece) throws(Errno) in
            do throws(RegionError) { try regions.remove(piece) } catch { throw .EINVAL }
        }, then: { piece in pageTables.unmap(from: piece.lowerBound, to: piece.upperBound) })
    }

    /// mprotect: the whole range must be mapped, and each region's maximum rights must allow it.
    public func protect(address: UInt64, length: UInt64, permissions: PagePermissions) throws(Errno) {
        guard address & 0xFFF == 0 else { throw .EINVAL }
        let (rounded, overflow) = length.addingReportingOverflow(4095)
        guard !overflow, address <= Self.ceiling, rounded & ~0xFFF <= Self.ceiling - address else { throw .ENOMEM }
        let end = address + (rounded & ~0xFFF)
        guard end > address else { return }
        guard address >= MemoryLayout.userFloor, regions.isFullyMapped(address..<end) else { throw .ENOMEM }
        for index in regions.indices(overlapping: address..<end) where !Self.allows(regions[index].payload, permissions) {
            throw .EACCES
        }
        try editInPieces(address..<end, edit: { (piece) throws(Errno) in
            do throws(RegionError) {
                try regions.update(piece) { region in
                    var changed = region
                    changed.permissions = permissions
                    return changed
                }
            } catch { throw .ENOMEM }
        }, then: { piece in pageTables.protect(from: piece.lowerBound, to: piece.upperBound, permissions: permissions) })
    }

    static func allows(_ region: Region, _ permissions: PagePermissions) -> Bool {
        if permissions.contains(.write) && region.sharing == .shared {
            guard region.maximumRights.contains(.write) else { return false }
            if case .object(let mapped, _) = region.backing, mapped.writable == nil { return false }
        }
        if permissions.contains(.read) && !region.maximumRights.contains(.read) { return false }
        if permissions.contains(.execute) && !region.maximumRights.contains(.execute) { return false }
        return true
    }

    /// madvise(MADV_DONTNEED/FREE): drop the pages; they refault as zeros (anonymous) or from the
    /// backing object.
    /// The page range [address, address + length rounded up to pages) of madvise(2)-style calls:
    /// EINVAL if the start is not page-aligned or the end wraps around (mm/madvise.c).
    public static func adviceRange(address: UInt64, length: UInt64) throws(Errno) -> Range<UInt64> {
        guard address & 0xFFF == 0 else { throw .EINVAL }
        let (rounded, overflow) = length.addingReportingOverflow(4095)
        guard !overflow else { throw .EINVAL }
        let (end, wraps) = address.addingReportingOverflow(rounded & ~0xFFF)
        guard !wraps else { throw .EINVAL }
        return address..<end
    }

    /// ENOMEM unless every page of `range` belongs to a mapping.
    public func requireMapped(_ range: Range<UInt64>) throws(Errno) {
        guard range.isEmpty || (range.lowerBound >= MemoryLayout.userFloor && range.upperBound <= Self.ceiling
                                && regions.isFullyMapped(range)) else { throw .ENOMEM }
    }

    /// MADV_DONTNEED: drops the pages; anonymous memory reads back as zeros, file pages refault.
    public func discard(_ range: Range<UInt64>) throws(Errno) {
        guard range.upperBound <= Self.ceiling else { throw .EINVAL }
        try requireMapped(range)
        pageTables.unmap(from: range.lowerBound, to: range.upperBound)
    }

    /// What backs the word at `address`, for futex keys: nothing, private memory (keyed by this
    /// address space), or a shared mapping's memory object and the byte offset in it (the same for
    /// every process and every virtual address that maps that byte).
    public func wordBacking(at address: UInt64) -> WordBacking {
        guard address >= MemoryLayout.userFloor, address < Self.ceiling, let found = regions.lookup(address & ~0xFFF) else {
            return .unmapped
        }
        guard found.payload.sharing == .shared, case let .object(object, offset) = found.payload.backing else {
            return .privateMemory
        }
        let (objectOffset, overflow) = offset.addingReportingOverflow(address - found.range.lowerBound)
        return overflow ? .privateMemory : .sharedObject(object.readable, offset: objectOffset)
    }

    /// `object` shrank to `newSize` bytes: every page of this space's mappings of it that lies
    /// wholly past the new end loses its mapping, a private copy included (as Linux's truncate
    /// unmaps copied pages of the cut range), so that the next touch faults and gets SIGBUS.
    /// Pages that still hold bytes of the file, private copies among them, stay.
    public func removePages(of object: MemoryObjectHandle<MapReadOnly>, beyondSize newSize: UInt64) {
        let (roundedUp, overflow) = newSize.addingReportingOverflow(4095)
        guard !overflow else { return }
        let firstGoneOffset = roundedUp & ~0xFFF
        for region in regions {
            guard case let .object(mapped, offset) = region.payload.backing,
                  mapped.readable.refersToSameObject(as: object) else { continue }
            let length = region.range.upperBound - region.range.lowerBound
            let keptBytes = firstGoneOffset > offset ? firstGoneOffset - offset : 0
            guard keptBytes < length else { continue }
            pageTables.unmap(from: region.range.lowerBound + keptBytes, to: region.range.upperBound)
        }
    }

    /// Whether each page of the range is resident (mincore).
    /// mincore(2): one byte per page of `range`, 1 if the page is resident.
    public func residency(_ range: Range<UInt64>) throws(Errno) -> [UInt8] {
        try requireMapped(range)
        var result: [UInt8] = []
        result.reserveCapacity(Int(range.count / 4096))
        for page in stride(from: range.lowerBound, to: range.upperBound, by: 4096) {
            result.append(pageTables.status(at: page) == nil ? 0 : 1)
        }
        return result
    }

    // MARK: brk

    /// Sets where the heap starts (after the program's data), at exec.
    public func setBreakStart(_ address: UInt64) {
        breakStart = (address + 4095) & ~0xFFF
        programBreak = breakStart
    }

    /// brk(2): moves the break if possible and returns the (possibly unchanged) break.
    public func moveBreak(to requested: UInt64) -> UInt64 {
        guard requested >= breakStart, requested < mmapBase else { return programBreak }
        let oldEnd = (programBreak + 4095) & ~0xFFF
        let newEnd = (requested + 4095) & ~0xFFF
        if newEnd > oldEnd {
            guard regions.isFree(oldEnd..<newEnd), (try? requireRoomForNewRegion()) != nil else { return programBreak }
            let heap = Region(permissions: [.read, .write], maximumRights: [.read, .write, .execute], sharing: .privateCopy,
                              backing: .anonymous, role: .heap)
            do { try regions.insert(oldEnd..<newEnd, heap) } catch { return programBreak }
        } else if newEnd < oldEnd {
            let shrunk: ()? = try? editInPieces(newEnd..<oldEnd, edit: { (piece) throws(Errno) in
                do throws(RegionError) { try regions.remove(piece) } catch { throw .ENOMEM }
            }, then: { piece in pageTables.unmap(from: piece.lowerBound, to: piece.upperBound) })
            guard shrunk != nil else { return programBreak }
        }
        programBreak = requested
        return programBreak
    }

    // MARK: fork

    /// Region `index` (0..<regionCount, in address order), as /proc/PID/maps lists it.
    public func regionSummary(at index: Int) -> RegionSummary {
        let region = regions[index]
        var offset: UInt64 = 0
        if case let .object(_, objectOffset) = region.payload.backing { offset = objectOffset }
        return RegionSummary(range: region.range, permissions: region.payload.permissions,
                             isShared: region.payload.sharing == .shared, fileOffset: offset,
                             role: region.payload.role, origin: region.payload.origin)
    }

    /// A copy for fork: the same regions; private pages become copy-on-write in both.
    public func duplicate() throws(Errno) -> AddressSpace {
        let child = try AddressSpace(mmapBase: mmapBase)
        child.regions = regions
        child.breakStart = breakStart
        child.programBreak = programBreak
        child.stackTop = stackTop
        child.stackLimitBytes = stackLimitBytes
        for region in regions {
            do {
                try pageTables.duplicate(into: child.pageTables, from: region.range.lowerBound, to: region.range.upperBound,
                                         sharing: region.payload.sharing == .shared ? .shared : .copyOnWrite)
            } catch { throw .ENOMEM }
        }
        return child
    }
}

extension AddressSpace {
    /// Writes kernel bytes into this (possibly inactive) address space, mapping pages as needed
    /// (building a new program's initial stack before it is switched to).
    public func writeInitialBytes(_ bytes: [UInt8], at address: UInt64) throws(Errno) {
        var done = 0
        while done < bytes.count {
            let position = address + UInt64(done)
            let page = position & ~0xFFF
            let offset = Int(position - page)
            let piece = min(bytes.count - done, 4096 - offset)
            if pageTables.status(at: page) == nil {
                guard let found = regions.lookup(page) else { throw .EFAULT }
                switch populate(page: page, in: found, access: .write) {
                case .resolved: break
                case .outOfMemory: throw .ENOMEM
                case .segmentationFault, .busError: throw .EFAULT   // a page past the end of its file
                }
            }
            guard let mapping = pageTables.status(at: page) else { throw .EFAULT }
            if mapping.isCopyOnWrite {
                do { _ = try pageTables.resolveCopyOnWrite(at: page) } catch { throw .ENOMEM }
            }
            guard let writable = pageTables.query(page) else { throw .EFAULT }
            writable.frame.write(bytes.span.extracting(done..<(done + piece)), at: offset)
            done += piece
        }
    }

    /// Writes kernel bytes into this (possibly inactive) address space as the user's own store
    /// would (a new child's CLONE_CHILD_SETTID word): only into regions that allow writing, and
    /// nothing at all (EFAULT) if any byte lies elsewhere. A read-only mapping of a file, shared
    /// or private, is never written through.
    public func writeAsUserStore(_ bytes: [UInt8], at address: UInt64) throws(Errno) {
        let (end, overflow) = address.addingReportingOverflow(UInt64(bytes.count))
        guard !overflow else { throw .EFAULT }
        var page = address & ~0xFFF
        while page < end {
            guard let found = regions.lookup(page), found.payload.permissions.contains(.write) else { throw .EFAULT }
            page += 4096
        }
        try writeInitialBytes(bytes, at: address)
    }

    /// Zeroes [address, end of its page) privately (the bss start inside a file-backed page).
    public func zeroTailOfPage(at address: UInt64) throws(Errno) {
        let end = (address + 4095) & ~0xFFF
        guard end > address else { return }
        try writeInitialBytes([UInt8](repeating: 0, count: Int(end - address)), at: address)
    }
}

/// What backs one word of an address space (AddressSpace.wordBacking).
public enum WordBacking {
    case unmapped
    case privateMemory
    case sharedObject(MemoryObjectHandle<MapReadOnly>, offset: UInt64)
}

/// One region as /proc/PID/maps shows it.
public struct RegionSummary {
    public let range: Range<UInt64>
    public let permissions: PagePermissions
    public let isShared: Bool
    /// Offset into the backing file (0 for anonymous memory).
    public let fileOffset: UInt64
    public let role: RegionRole
    public let origin: RegionOrigin?
}
