// In-kernel tests of named pipes where user programs cannot reach: a FIFO entry of an initramfs
// archive becomes a FIFO, and the pipe's life on its inode (made by the first open, dropped with
// its unread bytes by the last close, not left behind by a refused open). Blocking opens, signals
// and the other system-call answers are tested in Tests/User/pipe/fifo.c.

#if KTEST
import Cpio
import Framework
import LinuxABI

public func registerFifoKTests() {
    KTest.test("fifo.initramfs_entry_holds_a_pipe_while_open") { t in
        var writer = CpioWriter()
        guard (try? writer.appendDeviceNode("run/queue", type: .fifo, major: 0, minor: 0, permissions: 0o620)) != nil else {
            t.require(false, "archive")
            return
        }
        let archive = writer.finish()
        let root = RamFileSystem.makeInstance(deviceNumber: makeDeviceNumber(major: 0, minor: 250), permissions: 0o755)
        guard (try? InitialRamDisk.unpack(archive.span, into: root)) != nil,
              let run = root.lookup(Array("run".utf8)) as? DirectoryInode,
              let node = run.lookup(Array("queue".utf8)) as? FifoInode else {
            t.require(false, "the archive's FIFO entry unpacks to a FIFO inode")
            return
        }
        t.expectEqual(node.mode, 0o010620, "S_IFIFO with the entry's permissions")
        t.expect(node.pipe == nil, "no pipe before the first open")
        let context = PathContext(root: root, workingDirectory: root, identity: AccessIdentity(userID: 0, groupID: 0))
        let path = Array("/run/queue".utf8)

        var refused: Errno?
        do throws(Errno) {
            _ = try Namespace.open(path, from: root, flags: [.O_WRONLY, .O_NONBLOCK], mode: 0, context: context)
        } catch { refused = error }
        t.expectEqual(refused, .ENXIO, "O_WRONLY|O_NONBLOCK without a reader")
        t.expect(node.pipe == nil, "a refused open leaves no pipe behind")

        do {
            guard let both = try? Namespace.open(path, from: root, flags: [.O_RDWR], mode: 0, context: context) else {
                t.require(false, "O_RDWR open")
                return
            }
            t.expectEqual(try? both.write(bytes: [1, 2, 3]), 3, "an O_RDWR end writes")
            t.expectEqual(node.pipe?.byteCount, 3, "into the inode's pipe")
            t.expectEqual(node.pipe?.readers, 1, "counted as a reader")
            t.expectEqual(node.pipe?.writers, 1, "and as a writer")
            t.expect(both.pollEvents().contains(.POLLIN), "and polls readable")
        }
        t.expect(node.pipe == nil, "the last close drops the pipe with its unread bytes")
        if let reader = try? Namespace.open(path, from: root, flags: [.O_RDONLY, .O_NONBLOCK], mode: 0, context: context) {
            t.expectEqual(node.pipe?.byteCount, 0, "the next open starts an empty pipe")
            t.expect(!reader.pollEvents().contains(.POLLHUP), "no hang-up before any writer came")
        } else {
            t.expect(false, "O_RDONLY|O_NONBLOCK open")
        }
    }
}
#endif
