// In-kernel tests of the capability handles, and the probes that show their static rights cost
// nothing: each pair below does the same operation once through a handle and once directly on
// the object. The toolkit disassembles both from the test kernel and requires identical
// instructions (ZeroCostCheck), so "rights as types are free" is measured on every test run.

#if KTEST
import Capabilities
import Framework
import LinuxABI

@inline(never)
public func zeroCostProbePageThroughHandle(_ handle: MemoryObjectHandle<MapReadOnly>, _ index: Int) -> UntypedFrame? {
    handle.page(index)
}

@inline(never)
func zeroCostProbePageDirect(_ object: MemoryObject, _ index: Int) -> UntypedFrame? {
    object.page(index)
}

@inline(never)
public func zeroCostProbeReadThroughHandle(_ handle: FileHandle<ReadOnly>, _ address: UInt64, _ count: Int) throws(Errno) -> Int {
    try handle.read(toUser: address, count: count)
}

@inline(never)
func zeroCostProbeReadDirect(_ file: OpenFile, _ address: UInt64, _ count: Int) throws(Errno) -> Int {
    try file.read(toUser: address, count: count)
}

public func registerRightsKTests() {
    KTest.test("rights.handles_reach_the_same_object") { t in
        let shared = makeSharedAnonymousMemory(size: 8192)
        guard let frame = try? shared.pageForWriting(1) else {
            t.expect(false, "a shared object page could not be allocated")
            return
        }
        frame.fill(0xA5, at: 0, count: 16)
        let readOnly = shared.readOnly
        t.expect(readOnly.refersToSameObject(as: shared), "narrowing keeps the object")
        t.expect(zeroCostProbePageThroughHandle(readOnly, 1) === zeroCostProbePageDirect(shared.object, 1),
                 "a page read through the handle is the page of the object")
        t.expect(zeroCostProbePageThroughHandle(readOnly, 0) == nil, "a hole stays a hole when read")
        t.expectEqual(readOnly.size, 8192, "the size is visible through any handle")
    }

    KTest.test("rights.file_handles_follow_the_open_mode") { t in
        let file = RegularFileInode(number: 1, deviceNumber: 0, permissions: 0o644, owner: 0, group: 0)
        let readOnly = OpenFile(inode: file, rights: [.read, .map], accessMode: .O_RDONLY, statusFlags: [],
                                operations: InodeFileOperations())
        t.expect((try? readOnly.handle(ReadOnly.self)) != nil, "O_RDONLY grants a read handle")
        t.expect((try? readOnly.handle(ReadWrite.self)) == nil, "O_RDONLY grants no write handle")
        t.expect((try? readOnly.handle(MapReadWrite.self))?.memoryObject == nil, "and no writable memory object")
        if let handle = try? readOnly.handle(ReadOnly.self) {
            t.expectEqual(try? zeroCostProbeReadThroughHandle(handle, 0x1000, 0), try? zeroCostProbeReadDirect(readOnly, 0x1000, 0),
                          "reading through the handle is reading the file")
        }
    }
}
#endif
