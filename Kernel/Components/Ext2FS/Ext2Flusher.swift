// Periodic write-back, as Linux's flusher threads: one kernel task, started at the first ext2
// mount, wakes every `periodNanoseconds` (5 s, dirty_writeback_centisecs) and writes back the
// files of every mounted ext2 volume whose oldest unwritten change is `expireNanoseconds` old
// (30 s, dirty_expire_centisecs), then the metadata they touched. It finds the volumes through
// the mount table, the one list of what holds data for a disk (sync(2) walks it too).
// The other trigger is in the write path: a file with more than `Ext2Volume.dirtyLimitPages`
// dirty pages is written back by the writer itself (Linux's dirty_ratio idea, per file here).
// A MAP_SHARED store is not seen as a change until sync, msync or unmount (no dirty bits are
// read from the page tables); a write(2) to a mapped file is.

import Block
import Capabilities
import Ext2
import FileSystem
import Framework
import LinuxABI
import Scheduling

enum Ext2Flusher {
    static let periodNanoseconds: UInt64 = 5_000_000_000
    static let expireNanoseconds: UInt64 = 30_000_000_000
    private static let isStarted = SpinLock(false)

    /// Starts the task once (at the first mount).
    static func startIfNeeded() {
        let starts = isStarted.withLock { started -> Bool in
            if started { return false }
            started = true
            return true
        }
        guard starts else { return }
        if Scheduler.spawn(name: "ext2-flush", body: run) == nil {
            isStarted.withLock { $0 = false }
            Log.warn("ext2: no memory for the flusher task: dirty pages wait for sync")
        }
    }

    private static func run() {
        while true {
            Timers.shared.sleep(Scheduler.current, until: Clock.monotonicNanoseconds() + periodNanoseconds, wakeEarly: { false })
            let now = Clock.monotonicNanoseconds()
            for mount in FileSystemTable.shared.mounts {
                (mount.fileSystem as? Ext2Volume)?.writeBackExpired(now: now)
            }
        }
    }
}

extension Ext2Volume {
    /// Pages one file may have dirty before its writer writes them back: a fifth of memory.
    static var defaultDirtyLimitPages: Int { max(KernelMemory.totalFrames / 5, 256) }

    /// Writes back the files whose oldest change is at least `Ext2Flusher.expireNanoseconds`
    /// older than `now`, and the metadata; frees the unlinked inodes whose last open file (or
    /// mapping) went since the last sweep, so they do not wait for the next statfs, sync,
    /// unlink or unmount. Errors are logged (nobody waits for this write).
    func writeBackExpired(now: UInt64) {
        do throws(Errno) {
            try lock.locked { () throws(Errno) in
                guard !isUnmounted else { return }
                var wroteAny = fileSystem.access == .readWrite && sweep() > 0
                for inode in inodes.values {
                    guard let file = inode as? Ext2File, let since = file.dirtySince, now &- since >= Ext2Flusher.expireNanoseconds else { continue }
                    try file.writeBackPages()
                    try storeAttributes(of: file)
                    wroteAny = true
                }
                guard wroteAny else { return }
                if fileSystem.access == .readWrite { try checked { () throws(Errno) in try fileSystem.sync() } }
                try cache.writeBack()
            }
        } catch {
            Log.warn("\(device.name): ext2: periodic write-back: \(error.name)")
        }
    }
}
