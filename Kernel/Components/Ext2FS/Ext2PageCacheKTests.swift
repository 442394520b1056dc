// In-kernel tests of the ext2 page cache (Ext2File.swift, Ext2FilePages.swift,
// Ext2PageReclaim.swift) on vdc, the clean image of Ext2FSKTests.swift: pages dropped under
// memory pressure come back from the disk with what was written, and a truncate of a file whose
// pages were evicted still reads zeros past the cut. Each test removes what it wrote, so the
// image the toolkit checks with e2fsck afterwards holds only the freed blocks' bitmaps.

#if KTEST
import Block
import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI

/// The bytes of `file`'s block `fileBlock` as the device holds them (nil: no block yet).
func ext2DiskBlock(_ volume: Ext2Volume, _ file: Ext2File, _ fileBlock: UInt64) -> [UInt8]? {
    let blockSize = volume.fileSystem.blockSize
    guard let block = try? volume.fileSystem.blockMapping(of: file.inodeNumber, fileBlock: fileBlock) else { return nil }
    var buffer = [UInt8](repeating: 0, count: blockSize)
    guard (try? volume.device.read(at: block * UInt64(blockSize), into: &buffer)) != nil else { return nil }
    return buffer
}

func registerExt2PageCacheKTests() {
    KTest.test("ext2fs.full_disk_is_enospc_from_write") { t in
        let volume = ext2Mount("vdc", .readWrite, t)
        if let file = try? ext2Open(volume, "filler", [.O_RDWR, .O_CREAT, .O_TRUNC]), let handle = try? file.handle(ReadWrite.self) {
            let piece = [UInt8](repeating: 0x5A, count: 64 * 1024)
            var total = 0
            var failure: Errno?
            // 4 MiB: more than the 2 MiB disk holds.
            for _ in 0..<64 where failure == nil {
                do throws(Errno) { total += try handle.write(bytes: piece) } catch { failure = error }
            }
            t.expectEqual(failure, .ENOSPC, "write(2) reports the full disk (after \(total) bytes)")
            t.expect(total > 0 && total % 1024 == 0, "whole blocks were written first (\(total) bytes)")
            t.expectEqual(file.inode?.size, UInt64(total), "the size is what was written")
            t.expect((try? volume.sync()) != nil, "sync has nothing left to fail")
            t.expectEqual(try? handle.readBytes(at: UInt64(total) - 4, count: 4), [0x5A, 0x5A, 0x5A, 0x5A])
        } else {
            t.expect(false, "creating filler")
        }
        t.expect((try? Namespace.unlink(Array("filler".utf8), from: volume.root, context: ext2Context(volume))) != nil)
        ext2Unmount(volume, t)
    }

    KTest.test("ext2fs.flusher_writes_back_expired_pages") { t in
        let volume = ext2Mount("vdc", .readWrite, t)
        let bytes = ext2Pattern(5000, seed: 43)
        let blockSize = volume.fileSystem.blockSize
        t.expect(ext2Write(volume, "expiring", bytes))
        if let file = volume.root.lookup(Array("expiring".utf8)) as? Ext2File, let since = file.dirtySince {
            volume.writeBackExpired(now: since + Ext2Flusher.expireNanoseconds - 1)
            t.expect(file.dirtySince != nil && ext2DiskBlock(volume, file, 0) != Array(bytes[0..<blockSize]), "younger than 30 s: still only in memory")
            volume.writeBackExpired(now: since + Ext2Flusher.expireNanoseconds)
            t.expect(file.dirtySince == nil, "written back at 30 s")
            t.expectEqual(ext2DiskBlock(volume, file, 0), Array(bytes[0..<blockSize]), "the first block reached the device")
        } else {
            t.expect(false, "expiring is dirty after the write")
        }
        t.expect((try? Namespace.unlink(Array("expiring".utf8), from: volume.root, context: ext2Context(volume))) != nil)
        ext2Unmount(volume, t)
    }

    KTest.test("ext2fs.writer_writes_back_past_the_dirty_limit") { t in
        let volume = ext2Mount("vdc", .readWrite, t)
        volume.dirtyLimitPages = 4
        let bytes = ext2Pattern(6 * 4096, seed: 44)
        t.expect(ext2Write(volume, "limited", bytes))
        if let file = volume.root.lookup(Array("limited".utf8)) as? Ext2File {
            t.expect(file.dirtyPages.isEmpty && file.dirtySince == nil, "6 dirty pages were over the limit of 4")
            // The sixth page's first block (file blocks count in the volume's block size).
            let blockSize = volume.fileSystem.blockSize
            t.expectEqual(ext2DiskBlock(volume, file, UInt64(5 * 4096 / blockSize)), Array(bytes[(5 * 4096)..<(5 * 4096 + blockSize)]),
                          "the sixth page reached the device")
            if let open = try? ext2Open(volume, "limited", [.O_WRONLY, .O_APPEND]), let handle = try? open.handle(WriteOnly.self) {
                do throws(Errno) {
                    t.expectEqual(try handle.write(bytes: [UInt8](repeating: 7, count: 8192)), 8192)
                } catch {
                    t.expect(false, "append failed with errno \(error.rawValue)")
                }
            }
            t.expectEqual(file.dirtyPages.count, 2, "2 pages are under the limit")
        } else {
            t.expect(false, "limited")
        }
        t.expect((try? Namespace.unlink(Array("limited".utf8), from: volume.root, context: ext2Context(volume))) != nil)
        ext2Unmount(volume, t)
    }

    KTest.test("ext2fs.page_cache_evicts_under_memory_pressure") { t in
        let volume = ext2Mount("vdc", .readWrite, t)
        let context = ext2Context(volume)
        let fileBytes = 1 << 20
        let pieceBytes = 64 * 1024
        let pattern = ext2Pattern(fileBytes, seed: 41)
        // Hold frames until free memory is just above the point where reclaim starts: the
        // 1 MiB file is then larger than the memory left for it.
        var hostage: [UntypedFrame] = []
        hostage.reserveCapacity(KernelMemory.totalFrames)
        while KernelMemory.freeFrames > Ext2Volume.lowFrames + 64, let frame = try? UntypedFrame.allocate() { hostage.append(frame) }
        var mostResident = 0
        if let file = try? ext2Open(volume, "large", [.O_RDWR, .O_CREAT, .O_TRUNC]), let handle = try? file.handle(ReadWrite.self),
           let inode = file.inode as? Ext2File {
            var offset = 0
            while offset < fileBytes {
                let written = try? handle.write(bytes: Array(pattern[offset..<(offset + pieceBytes)]))
                t.expectEqual(written, pieceBytes, "write at \(offset)")
                mostResident = max(mostResident, inode.storedContents.residentPageIndices.count)
                offset += pieceBytes
            }
            t.expect(mostResident < fileBytes / 4096, "pages were evicted while writing (at most \(mostResident) resident)")
            var same = true
            offset = 0
            while offset < fileBytes {
                let read = try? handle.readBytes(at: UInt64(offset), count: pieceBytes)
                if read != Array(pattern[offset..<(offset + pieceBytes)]) { same = false }
                mostResident = max(mostResident, inode.storedContents.residentPageIndices.count)
                offset += pieceBytes
            }
            t.expect(same, "the file reads back as written")
            t.expect(mostResident < fileBytes / 4096, "pages were evicted while reading (at most \(mostResident) resident)")
        } else {
            t.expect(false, "creating large")
        }
        hostage.removeAll()
        t.expect((try? volume.sync()) != nil)
        t.expect((try? Namespace.unlink(Array("large".utf8), from: volume.root, context: context)) != nil)
        ext2Unmount(volume, t)
    }

    KTest.test("ext2fs.evicted_pages_reload_and_truncate_zeroes_the_cut") { t in
        var volume = ext2Mount("vdc", .readWrite, t)
        t.expect(ext2Write(volume, "evicted", ext2Pattern(12_000, seed: 42)))
        if let file = try? ext2Open(volume, "evicted", .O_RDWR), let handle = try? file.handle(ReadWrite.self),
           let inode = file.inode as? Ext2File {
            // Dirty pages are not dropped; after write-back they are.
            t.expectEqual(inode.evictCleanPages(sparing: 0..<0, until: { false }), 0, "dirty pages stay")
            t.expect((try? volume.sync()) != nil)
            t.expectEqual(inode.evictCleanPages(sparing: 1..<2, until: { false }), 2, "clean pages go, the spared one stays")
            t.expectEqual(inode.storedContents.residentPageIndices, [1])
            t.expectEqual(try? handle.readBytes(at: 0, count: 12_000), ext2Pattern(12_000, seed: 42), "reloaded from the disk")
            t.expect((try? volume.sync()) != nil)
            _ = inode.evictCleanPages(sparing: 0..<0, until: { false })
            t.expect((try? handle.truncate(to: 100)) != nil)
            t.expect((try? handle.truncate(to: 9000)) != nil)
            var expected = Array(ext2Pattern(12_000, seed: 42)[0..<100])
            expected += [UInt8](repeating: 0, count: 8900)
            t.expectEqual(try? handle.readBytes(at: 0, count: 9000), expected, "zeros past the cut, before write-back")
            t.expect((try? volume.sync()) != nil)
            _ = inode.evictCleanPages(sparing: 0..<0, until: { false })
            t.expectEqual(try? handle.readBytes(at: 0, count: 9000), expected, "zeros past the cut, from the disk")
        } else {
            t.expect(false, "opening evicted")
        }
        ext2Unmount(volume, t)
        volume = ext2Mount("vdc", .readWrite, t)
        var expected = Array(ext2Pattern(12_000, seed: 42)[0..<100])
        expected += [UInt8](repeating: 0, count: 8900)
        t.expectEqual(ext2Read(volume, "evicted"), expected, "after a remount")
        t.expect((try? Namespace.unlink(Array("evicted".utf8), from: volume.root, context: ext2Context(volume))) != nil)
        ext2Unmount(volume, t)
    }
}
#endif
