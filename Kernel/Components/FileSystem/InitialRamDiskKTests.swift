// In-kernel tests of hostile initramfs archives: compression bombs stop at the inflation limit or
// at the memory reserve with an error that says so, and overlapping entries resolve as
// InitialRamDiskEntries.swift describes. (The cpio and gzip parsers are host-tested; a boot with
// a bomb image is `apus ktest`'s initramfs check in the toolkit.)

#if KTEST
import Cpio
import Framework
import LinuxABI

/// A gzip member whose DEFLATE body is one fixed-Huffman block: `prefix` as literals, then
/// `zeroRuns` matches of 258 bytes at distance 1 (13 bits each: about 160 times smaller than
/// what it inflates to). The trailer is not valid: the limits under test strike first.
func fixedHuffmanBomb(prefix: [UInt8], zeroRuns: Int) -> [UInt8] {
    var bits = KTestBitWriter()
    bits.write(1, count: 1)                   // BFINAL
    bits.write(1, count: 2)                   // BTYPE 01: fixed codes
    for byte in prefix + [0] {
        if byte < 144 { bits.writeCode(0x30 + UInt32(byte), length: 8) } else { bits.writeCode(0x190 + UInt32(byte) - 144, length: 9) }
    }
    for _ in 0..<zeroRuns {
        bits.writeCode(0xC5, length: 8)       // length symbol 285: 258
        bits.writeCode(0, length: 5)          // distance symbol 0: 1
    }
    bits.writeCode(0, length: 7)              // end of block
    return [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] + bits.bytes + [UInt8](repeating: 0, count: 8)
}

struct KTestBitWriter {
    var bytes: [UInt8] = []
    var count = 0

    /// `value`'s low `count` bits, least significant first (DEFLATE's data elements).
    mutating func write(_ value: UInt32, count bitCount: Int) {
        for index in 0..<bitCount { put(value >> UInt32(index) & 1) }
    }

    /// A Huffman code, most significant bit first.
    mutating func writeCode(_ code: UInt32, length: Int) {
        for index in stride(from: length - 1, through: 0, by: -1) { put(code >> UInt32(index) & 1) }
    }

    mutating func put(_ bit: UInt32) {
        if count & 7 == 0 { bytes.append(0) }
        if bit == 1 { bytes[bytes.count - 1] |= UInt8(1) << UInt8(count & 7) }
        count += 1
    }
}

/// A newc header (and name, padded) for a regular file claiming `size` bytes.
func newcHeader(name: String, size: UInt32) -> [UInt8] {
    var text = "070701"
    let fields: [UInt32] = [1, 0o100644, 0, 0, 1, 0, size, 0, 0, 0, 0, UInt32(name.utf8.count + 1), 0]
    for field in fields {
        let hex = String(field, radix: 16)
        text += String(repeating: "0", count: 8 - hex.utf8.count) + hex
    }
    var bytes = Array(text.utf8) + Array(name.utf8) + [0]
    while bytes.count & 3 != 0 { bytes.append(0) }
    return bytes
}

func unpackOutcome(_ archive: [UInt8], limits: UnpackLimits = .fromFreeMemory())
    -> (root: DirectoryInode, error: InitialRamDiskError?) {
    let root = RamFileSystem.makeInstance(deviceNumber: makeDeviceNumber(major: 0, minor: 251), permissions: 0o755)
    do throws(InitialRamDiskError) {
        _ = try InitialRamDisk.unpack(archive.span, into: root, limits: limits)
        return (root, nil)
    } catch {
        return (root, error)
    }
}

func lookup(_ root: DirectoryInode, _ path: String) -> Inode? {
    var inode: Inode? = root
    for part in path.utf8.split(separator: 47) {
        guard let directory = inode as? DirectoryInode else { return nil }
        inode = directory.lookup(Array(part))
    }
    return inode
}

func contents(_ inode: Inode?) -> [UInt8]? {
    guard let file = inode as? RegularFileInode else { return nil }
    return file.contents.readBytes(at: 0, count: Int(file.size))
}

public func registerInitialRamDiskKTests() {
    KTest.test("initramfs.gzip_bomb_of_padding_stops_at_the_inflation_limit") { t in
        // 16 MiB of zeros (NUL padding to the reader) against a 4 MiB limit.
        let bomb = fixedHuffmanBomb(prefix: [], zeroRuns: (16 << 20) / 258)
        t.expect(bomb.count < 120_000, "the bomb is small")
        let limits = UnpackLimits(inflatedBytes: 4 << 20, reserveFrames: 0)
        let error = unpackOutcome(bomb, limits: limits).error
        guard case .inflatesPastMemory(let piece, let limit) = error else {
            t.require(false, "inflatesPastMemory, got \(error?.description ?? "success")")
            return
        }
        t.expectEqual(piece, 0)
        t.expectEqual(limit, 4 << 20)
        t.expect(error?.description.utf8.starts(with: "the gzip data at byte 0 inflates past 4 MiB".utf8) == true, error?.description ?? "")
    }

    KTest.test("initramfs.gzip_bomb_file_stops_at_the_memory_reserve") { t in
        // A file that claims 4 GiB, inflated from zeros: the reserve strikes, about 2 MiB in.
        let bomb = fixedHuffmanBomb(prefix: newcHeader(name: "big", size: 0xFFFF_FFFF), zeroRuns: (8 << 20) / 258)
        let free = PhysicalMemory.freeFrameCount
        let limits = UnpackLimits(inflatedBytes: 1 << 30, reserveFrames: free - 512)
        let (root, error) = unpackOutcome(bomb, limits: limits)
        guard case .outOfMemory(let path, let unpacked) = error else {
            t.require(false, "outOfMemory, got \(error?.description ?? "success")")
            return
        }
        t.expectEqual(path, "big")
        t.expect(unpacked > 0 && unpacked <= 4 << 20, "stopped within the 2 MiB headroom (\(unpacked))")
        t.expect(PhysicalMemory.freeFrameCount >= free - 512 - 64, "memory beyond the reserve was not taken")
        t.expect(lookup(root, "big") != nil, "the file was being written")
    }

    KTest.test("initramfs.truncated_gzip_archive_and_junk_are_errors") { t in
        // A file claiming 1000 bytes that has 10: truncated inside the inflated data.
        let short = fixedHuffmanBomb(prefix: newcHeader(name: "f", size: 1000) + [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], zeroRuns: 0)
        let error = unpackOutcome(short).error
        // The stream ends (bad trailer) or the archive does; either way an error, not a hang.
        t.expect(error != nil, "an error")
        // Garbage where an archive should start.
        let garbage = unpackOutcome(Array("hello world!".utf8)).error
        t.expect(garbage?.description == "corrupt cpio archive at byte 0: a header does not start with the newc magic 070701 or 070702",
                 garbage?.description ?? "success")
        // A plain archive without its trailer.
        let noTrailer = unpackOutcome(newcHeader(name: "a", size: 0)).error
        t.expect(noTrailer?.description.utf8.starts(with: "corrupt cpio archive at byte 112: the archive ends".utf8) == true,
                 noTrailer?.description ?? "success")
    }

    KTest.test("initramfs.overlapping_entries") { t in
        var writer = CpioWriter()
        do throws(CpioError) {
            try writer.appendFile("same", data: [1])
            try writer.appendFile("same", data: [2, 2])                 // later entry wins
            try writer.appendFile("was-file", data: [3])
            try writer.appendDirectory("was-file")                       // a file becomes a directory
            try writer.appendDirectory("dir", permissions: 0o700)
            try writer.appendDirectory("dir", permissions: 0o751)        // a directory stays, mode updated
            try writer.appendFile("up/../../top", data: [4])             // ".." never leaves the root
            try writer.appendFile("./dot/./file", data: [5])
            try writer.append(name: "hard1", mode: 0o100644, data: [6, 6], nlink: 2, inode: 900)
            try writer.append(name: "hard2", mode: 0o100644, data: [7], nlink: 2, inode: 900)
            try writer.appendSymbolicLink("link", target: "same")
            try writer.appendFile("link", data: [8])                     // a symlink replaced by a file
        } catch {
            t.require(false, "archive: \(error.description)")
            return
        }
        let (root, error) = unpackOutcome(writer.finish())
        t.require(error == nil, error?.description ?? "")
        t.expectEqual(contents(lookup(root, "same")), [2, 2])
        t.expect(lookup(root, "was-file") is DirectoryInode, "was-file is a directory")
        t.expectEqual(lookup(root, "dir")?.permissions, 0o751)
        t.expectEqual(contents(lookup(root, "top")), [4])
        t.expect(lookup(root, "up") == nil, "the name is resolved before parents are made")
        t.expectEqual(contents(lookup(root, "dot/file")), [5])
        let hard1 = lookup(root, "hard1"), hard2 = lookup(root, "hard2")
        t.expect(hard1 != nil && hard1 === hard2, "hard links share the inode")
        t.expectEqual(hard1?.linkCount, 2)
        t.expectEqual(contents(hard1), [7, 6], "the second entry's data is written over the first's")
        t.expectEqual(contents(lookup(root, "link")), [8])
    }

    KTest.test("initramfs.conflicts_are_errors_that_name_the_entry") { t in
        func outcome(_ build: (inout CpioWriter) throws(CpioError) -> Void) -> String {
            var writer = CpioWriter()
            do throws(CpioError) { try build(&writer) } catch { return "archive: \(error.description)" }
            return unpackOutcome(writer.finish()).error?.description ?? "success"
        }
        t.expectEqual(outcome { w throws(CpioError) in
            try w.appendFile("d/f", data: [1])
            try w.appendFile("d", data: [2])
        }, "cannot create d: ENOTEMPTY", "a non-empty directory is not replaced")
        t.expectEqual(outcome { w throws(CpioError) in
            try w.appendFile("f", data: [1])
            try w.appendFile("f/g", data: [2])
        }, "cannot create f/g: ENOTDIR", "a file is not a parent")
        t.expectEqual(outcome { w throws(CpioError) in
            try w.appendSymbolicLink("s", target: String(repeating: "x", count: 4096))
        }, "symbolic link s: a target of 4096 bytes is longer than PATH_MAX")
        t.expectEqual(outcome { w throws(CpioError) in
            try w.appendSymbolicLink("s", target: String(repeating: "x", count: 4095))
        }, "success", "a 4095-byte target is fine")
    }
}
#endif
