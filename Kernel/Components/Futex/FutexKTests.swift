// In-kernel tests of futex keys: which words are the same futex (Futexes.swift). The same byte
// of a shared memory object is one futex from every address space and address; private memory
// is per address space (a fork's copy is another futex); a private-flag key never equals a
// shared one; an unmapped word has no shared key.

#if KTEST
import Capabilities
import FileSystem
import Framework
import LinuxABI
import Memory

public func registerFutexKTests() {
    KTest.test("futex.keys_follow_the_mapped_object") { t in
        let object = makeSharedAnonymousMemory(size: 8192)
        guard let first = try? AddressSpace(), let second = try? AddressSpace() else {
            t.require(false, "address spaces")
            return
        }
        let shared = Region(permissions: [.read, .write], maximumRights: [.read, .write], sharing: .shared,
                            backing: .object(MappedObject(readWrite: object), offset: 0))
        let upperHalf = Region(permissions: [.read, .write], maximumRights: [.read, .write], sharing: .shared,
                               backing: .object(MappedObject(readWrite: object), offset: 4096))
        let privateRegion = Region(permissions: [.read, .write], maximumRights: [.read, .write], sharing: .privateCopy,
                                   backing: .anonymous)
        guard let inFirst = try? first.map(length: 8192, placement: .anywhere(hint: 0x4000_0000), region: shared),
              let inSecond = try? second.map(length: 4096, placement: .anywhere(hint: 0x5000_0000), region: upperHalf),
              let privateWord = try? first.map(length: 4096, placement: .anywhere(hint: 0x6000_0000), region: privateRegion) else {
            t.require(false, "map")
            return
        }
        t.expect(inFirst != inSecond, "the two mappings are at different addresses")
        func key(_ address: UInt64, _ space: AddressSpace, _ scope: FutexScope) -> FutexKey? {
            try? Futexes.key(for: address, in: space, scope: scope)
        }
        // Byte 4096 + 16 of the object, through both spaces.
        if let a = key(inFirst + 4096 + 16, first, .sharedIfMapped), let b = key(inSecond + 16, second, .sharedIfMapped) {
            t.expect(a.matches(b), "one shared futex through two spaces and addresses")
            if let other = key(inFirst + 16, first, .sharedIfMapped) { t.expect(!a.matches(other), "another offset is another futex") }
        } else {
            t.expect(false, "shared keys")
        }
        if let a = key(inFirst + 4096 + 16, first, .privateToProcess), let b = key(inSecond + 16, second, .privateToProcess) {
            t.expect(!a.matches(b), "private-flag keys stay per address space")
        }
        // Private memory: per space, and the private flag makes another futex.
        guard let copy = try? first.duplicate() else {
            t.require(false, "duplicate")
            return
        }
        if let mine = key(privateWord, first, .sharedIfMapped), let forked = key(privateWord, copy, .sharedIfMapped),
           let flagged = key(privateWord, first, .privateToProcess) {
            t.expect(!mine.matches(forked), "a forked copy of private memory is another futex")
            t.expect(!mine.matches(flagged), "private-flag and shared operations on a private word do not meet")
            t.expect(mine.matches(key(privateWord, first, .sharedIfMapped) ?? flagged), "the same word is the same futex")
        } else {
            t.expect(false, "private keys")
        }
        // Errors.
        do throws(Errno) {
            _ = try Futexes.key(for: 0x7000_0000, in: first, scope: .sharedIfMapped)
            t.expect(false, "an unmapped shared word has no key")
        } catch {
            t.expectEqual(error, .EFAULT)
        }
        do throws(Errno) {
            _ = try Futexes.key(for: inFirst + 2, in: first, scope: .privateToProcess)
            t.expect(false, "a misaligned word has no key")
        } catch {
            t.expectEqual(error, .EINVAL)
        }
    }
}
#endif
