// In-kernel tests of procfs's own logic: PID names, magic links through path resolution (they
// reach the inode even after its name changed, while readlink shows the recorded text), the
// locate walk exec uses for /proc/PID/exe, generated-file contents and the read-only directory
// answers. What a user program sees through the system calls is tested in Tests/User/proc.

#if KTEST
import FileSystem
import Framework
import LinuxABI

public func registerProcFSKTests() {
    KTest.test("procfs.process_id_names") { t in
        t.expectEqual(ProcRootDirectory.processID(Array("1".utf8)), 1)
        t.expectEqual(ProcRootDirectory.processID(Array("4194303".utf8)), 4_194_303)
        t.expectEqual(ProcRootDirectory.processID(Array("2147483647".utf8)), Int32.max)
        for rejected in ["", "0", "01", "-1", "+1", "1a", "2147483648", "99999999999", "self"] {
            t.expect(ProcRootDirectory.processID(Array(rejected.utf8)) == nil, "'\(rejected)' names no process")
        }
    }

    KTest.test("procfs.magic_link_reaches_the_inode") { t in
        let root = FileSystemTable.shared.root
        let context = PathContext(root: root, workingDirectory: root, identity: AccessIdentity(userID: 0, groupID: 0))
        guard let top = try? root.makeDirectory(permissions: 0o755, owner: 0, group: 0),
              (try? root.insert(Array("ktest-procfs".utf8), top)) != nil,
              let file = try? top.makeFile(permissions: 0o755, owner: 0, group: 0),
              (try? top.insert(Array("program".utf8), file)) != nil else {
            t.require(false, "scratch tree")
            return
        }
        let link = ProcLink(number: 99, deviceNumber: 0, owner: 0, group: 0,
                            text: { Array("/ktest-procfs/program".utf8) }, destination: { file })
        try? top.insert(Array("exe".utf8), link)
        // Rename the file: the text goes stale, the link still leads to it.
        _ = try? top.remove(Array("program".utf8))
        try? top.insert(Array("renamed".utf8), file)
        let reached = try? PathResolver.resolve(Array("/ktest-procfs/exe".utf8), from: root, context: context, finalLink: .follow)
        t.expect(reached === file, "following a magic link reaches its inode")
        let text = try? Namespace.readLink(Array("/ktest-procfs/exe".utf8), from: root, context: context)
        t.expectEqual(text ?? [], Array("/ktest-procfs/program".utf8), "readlink shows the recorded text")
        let located = try? PathNames.locate(Array("/ktest-procfs/exe".utf8), from: root, context: context)
        t.expect(located?.inode === file, "locate follows the magic link")
        let direct = try? PathNames.locate(Array("../ktest-procfs/./renamed".utf8), from: top, context: context)
        t.expectEqual(direct?.path ?? [], Array("/ktest-procfs/renamed".utf8), "locate gives the absolute path")
        _ = try? top.remove(Array("exe".utf8))
        _ = try? top.remove(Array("renamed".utf8))
        _ = try? root.remove(Array("ktest-procfs".utf8))
    }

    KTest.test("procfs.root_entries_and_refusals") { t in
        let procRoot = ProcRootDirectory(deviceNumber: 0)
        let names = procRoot.entries(after: 0).map { String(decoding: $0.name, as: UTF8.self) }
        t.expect(names.starts(with: ["self", "meminfo", "uptime", "mounts"]), "fixed entries first")
        let positions = procRoot.entries(after: 0).map { $0.position }
        t.expectEqual(positions, positions.sorted(), "positions increase")
        t.expect(procRoot.entries(after: positions.last ?? 0).isEmpty, "listing resumes after the last entry")
        t.expect(procRoot.lookup(Array("self".utf8)) is SymlinkInode, "self is a link")
        t.expect(procRoot.lookup(Array("nonexistent".utf8)) == nil, "unknown names are absent")
        t.expect((try? procRoot.makeFile(permissions: 0o644, owner: 0, group: 0)) == nil, "no file can be created")
        t.expect((try? procRoot.remove(Array("meminfo".utf8))) == nil, "no entry can be removed")
        t.expect(procRoot.hasFixedNames, "rmdir below is EPERM")
    }

    KTest.test("procfs.meminfo_format") { t in
        let text = String(decoding: SystemFiles.memoryInformation(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        t.expect(lines.count >= 3, "at least three lines")
        for (line, label) in zip(lines, ["MemTotal:", "MemFree:", "MemAvailable:"]) {
            t.expect(line.hasPrefix(label), "\(label) in order")
            t.expect(line.hasSuffix(" kB"), "\(label) in kB")
            t.expectEqual(line.count, 27, "\(label) padded as Linux pads it")
        }
        let total = lines.first.flatMap { UInt64($0.dropFirst(9).dropLast(3).filter { $0 != " " }) } ?? 0
        t.expectEqual(total, UInt64(PhysicalMemory.totalFrameCount) * 4, "MemTotal is the frame count in kB")
    }

    KTest.test("procfs.stat_boot_time_before_the_epoch") { t in
        // Root set the wall clock to 1970 after 100.5 s of uptime: /proc/stat trapped (Trinity).
        let second: UInt64 = 1_000_000_000
        t.expectEqual(SystemFiles.bootTimeSeconds(realtimeNanoseconds: 1_700_000_100 * second, monotonicNanoseconds: 100 * second),
                      1_700_000_000, "the usual case: now minus the uptime")
        t.expectEqual(SystemFiles.bootTimeSeconds(realtimeNanoseconds: 0, monotonicNanoseconds: 100 * second + second / 2),
                      UInt64(bitPattern: -101), "before the epoch: floor, printed unsigned as Linux does")
        t.expectEqual(SystemFiles.bootTimeSeconds(realtimeNanoseconds: 5 * second, monotonicNanoseconds: 5 * second), 0)
        let lines = String(decoding: SystemFiles.statistics(), as: UTF8.self).split(separator: "\n")
        t.expect(lines.contains { $0.hasPrefix("btime ") }, "/proc/stat still has its btime line")
    }
}
#endif
