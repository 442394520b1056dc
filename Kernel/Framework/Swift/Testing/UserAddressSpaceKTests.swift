// In-kernel tests of the copy-on-write invariant at the page-table level (UserAddressSpace.swift):
// the raw leaf bits after each operation. A copy-on-write leaf is never writable by the CPU
// whatever mprotect asks; fork marks every leaf (read-only and PROT_NONE ones too); only the
// fault resolution makes a leaf the mapping's own, taking the frame over only when its reference
// is the last. The Memory component's cow ktest drives the same rules through real faults.

#if KTEST
import FrameworkAsm

extension UserAddressSpace {
    /// The raw entry at `virtual` (tests only).
    func rawEntry(at virtual: UInt64) -> PageTableEntry? {
        // SAFETY: the slot is read once and not kept.
        guard let found = unsafe leaf(at: virtual) else { return nil }
        return unsafe PageTableEntry(raw: found.slot.pointee)
    }

    /// Whether the leaf at `virtual` is copy-on-write and the CPU cannot write it.
    func isCopyOnWriteAndReadOnlyToCPU(_ virtual: UInt64) -> Bool {
        guard let entry = rawEntry(at: virtual) else { return false }
        return entry.raw & PageTableEntry.copyOnWrite != 0 && !UserLeaf.isWritableByCPU(entry)
    }
}

/// A fresh address space or frame for a test (nil when memory is exhausted). Kept out of the
/// test closures: `try?` on these initializers inside them crashed the 6.3.1 optimizer
/// (CopyPropagation: "Found over consume").
@inline(never)
func makeTestSpace() -> UserAddressSpace? {
    do { return try UserAddressSpace() } catch { return nil }
}

@inline(never)
func makeTestFrame(filledWith value: UInt8) -> UntypedFrame? {
    do {
        let frame = try UntypedFrame.allocate()
        frame.fill(value, at: 0, count: 4096)
        return frame
    } catch { return nil }
}

public func registerUserAddressSpaceKTests() {
    KTest.test("cow.leaf_is_never_cpu_writable") { t in copyOnWriteLeafIsNeverCPUWritable(t) }
    KTest.test("cow.fork_marks_every_leaf") { t in forkMarksEveryLeafCopyOnWrite(t) }
    KTest.test("cow.shared_pages_stay_shared_across_fork") { t in sharedPagesStaySharedAcrossFork(t) }
    KTest.test("cow.private_copy_is_owned") { t in privateCopyIsOwned(t) }
}

let testPage: UInt64 = 0x40_0000
let secondTestPage: UInt64 = 0x40_1000
let everyProtection: [PagePermissions] = [[.read], [.read, .write], [], [.read, .write, .execute], [.read, .execute]]

@inline(never)
func copyOnWriteLeafIsNeverCPUWritable(_ t: KTestContext) {
    guard let frame = makeTestFrame(filledWith: 0x46), let space = makeTestSpace() else { t.require(false, "memory"); return }
    t.require((try? space.mapCopyOnWrite(frame, at: testPage, permissions: [.read])) != nil, "map")
    t.expect(space.isCopyOnWriteAndReadOnlyToCPU(testPage), "a read-only file page is copy-on-write")
    t.expect(cpu_read_cr0() & (1 << 16) != 0, "CR0.WP: the kernel's user copies honour read-only leaves too")
    for permissions in everyProtection + everyProtection {
        space.protect(from: testPage, to: testPage + 4096, permissions: permissions)
        t.expect(space.isCopyOnWriteAndReadOnlyToCPU(testPage), "mprotect keeps the marker and never grants the CPU write")
        t.expectEqual(space.status(at: testPage)?.permissions.contains(.write), permissions.contains(.write), "write recorded")
    }
    space.protect(from: testPage, to: testPage + 4096, permissions: [.read, .write])
    t.expect((try? space.resolveCopyOnWrite(at: testPage)) == true, "resolve")
    let entry = space.rawEntry(at: testPage)
    t.expect(entry.map { $0.physical != frame.physical && UserLeaf.isWritableByCPU($0) } ?? false,
             "the write fault gives the mapping a writable copy, not the shared frame")
    t.expectEqual(space.status(at: testPage)?.ownership, .owned)
    t.expectEqual(frame.referenceCount, 1, "the file's frame lost the mapping's reference")
    t.expectEqual(frame.read(at: 0, count: 1), [0x46], "the file's frame is unchanged")
    t.expectEqual(space.query(testPage)?.frame.read(at: 4095, count: 1), [0x46], "the copy holds the contents")
    t.expect((try? space.resolveCopyOnWrite(at: testPage)) == false, "an owned page is not copy-on-write")
}

@inline(never)
func forkMarksEveryLeafCopyOnWrite(_ t: KTestContext) {
    guard let parent = makeTestSpace(), let child = makeTestSpace() else { t.require(false, "memory"); return }
    t.require((try? parent.mapZeroedPage(at: testPage, permissions: [.read, .write])) != nil, "map")
    t.require((try? parent.mapZeroedPage(at: secondTestPage, permissions: [.read, .write])) != nil, "map")
    parent.protect(from: testPage, to: testPage + 4096, permissions: [.read])
    parent.protect(from: secondTestPage, to: secondTestPage + 4096, permissions: [])
    let before = parent.rawEntry(at: testPage)?.physical
    t.require((try? parent.duplicate(into: child, from: testPage, to: secondTestPage + 4096, sharing: .copyOnWrite)) != nil, "fork")
    expectMarkedAfterMakingWritable(parent, t)
    expectMarkedAfterMakingWritable(child, t)
    t.expect((try? child.resolveCopyOnWrite(at: testPage)) == true, "child resolves")
    t.expect(child.rawEntry(at: testPage)?.physical != before, "the child, not the last holder, gets a copy")
    t.expect((try? parent.resolveCopyOnWrite(at: testPage)) == true, "parent resolves")
    t.expectEqual(parent.rawEntry(at: testPage)?.physical, before, "the last holder keeps the frame")
    t.expect(parent.rawEntry(at: testPage).map(UserLeaf.isWritableByCPU) ?? false, "and may write it now")
}

/// Both test pages of `space` stay copy-on-write, and unwritable by the CPU, when made writable.
/// (Helpers rather than a loop over [parent, child]: that loop crashed the 6.3.1 optimizer too.)
@inline(never)
func expectMarkedAfterMakingWritable(_ space: UserAddressSpace, _ t: KTestContext) {
    for page in [testPage, secondTestPage] {
        space.protect(from: page, to: page + 4096, permissions: [.read, .write])
        t.expect(space.isCopyOnWriteAndReadOnlyToCPU(page), "read-only and PROT_NONE pages are copy-on-write after fork")
    }
}

@inline(never)
func expectWritesSharedFrame(_ space: UserAddressSpace, _ frame: UntypedFrame, _ t: KTestContext) {
    let entry = space.rawEntry(at: testPage)
    t.expect(entry.map { $0.physical == frame.physical && UserLeaf.isWritableByCPU($0) } ?? false, "both write the one frame")
    t.expectEqual(space.status(at: testPage)?.ownership, .owned)
}

@inline(never)
func sharedPagesStaySharedAcrossFork(_ t: KTestContext) {
    guard let frame = makeTestFrame(filledWith: 0), let parent = makeTestSpace(), let child = makeTestSpace() else {
        t.require(false, "memory")
        return
    }
    t.require((try? parent.mapShared(frame, at: testPage, permissions: [.read, .write])) != nil, "map")
    t.require((try? parent.duplicate(into: child, from: testPage, to: testPage + 4096, sharing: .shared)) != nil, "fork")
    expectWritesSharedFrame(parent, frame, t)
    expectWritesSharedFrame(child, frame, t)
}

@inline(never)
func privateCopyIsOwned(_ t: KTestContext) {
    guard let frame = makeTestFrame(filledWith: 0x46), let space = makeTestSpace() else { t.require(false, "memory"); return }
    t.require((try? space.mapPrivateCopy(of: frame, at: testPage, permissions: [.read, .write])) != nil, "map")
    let entry = space.rawEntry(at: testPage)
    t.expect(entry.map { $0.physical != frame.physical && UserLeaf.isWritableByCPU($0) } ?? false, "a writable copy")
    t.expectEqual(space.query(testPage)?.frame.read(at: 100, count: 1), [0x46], "with the contents")
    t.expectEqual(frame.referenceCount, 1, "the original is not referenced by the mapping")
}
#endif
